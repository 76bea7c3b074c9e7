//! The ID ledger: `ledger.csv` read row by row, checked in one pass, reconciled for `status`,
//! and appended to under a lock with an atomic replace.

pub mod append;
pub mod check;
pub mod dialect;
pub mod git;
pub mod import;
pub mod read;
pub mod utf16;

use crate::diag::{Diagnostic, Location, Severity};
use crate::error::{Error, Result};
use check::{Checker, Summary};
use read::{LedgerReader, Problem};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

/// Diagnostics shown in full; past this, one line per code says how many more there are.
pub const MAX_SHOWN: usize = 500;

/// What the ledger needs from `project.toml`.
#[derive(Debug, Clone)]
pub struct Rules {
    pub first_id: u64,
    pub self_service: bool,
    pub pending_days: u32,
}

/// The outcome of reading and checking a whole ledger.
#[derive(Debug)]
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

/// The ledger path configured for a project.
pub fn path_of(config: &crate::project::Config) -> Result<PathBuf> {
    let Some(ledger) = &config.ids.ledger else {
        return Err(Error::NoLedger {
            project: config.path.clone(),
        });
    };
    crate::project::paths::resolve(&config.dir, ledger.get_ref()).map_err(|problem| {
        let (message, help) = problem.describe("ledger", ledger.get_ref());
        Error::Invalid(vec![
            Diagnostic::error("E004", message)
                .at(config.source().locate(ledger.span()))
                .help(help),
        ])
    })
}

/// Checks a ledger file. `extra` is CSV text checked as if appended (for `ledger …`).
pub fn check_file(path: &Path, rules: &Rules) -> Result<Checked> {
    let file = crate::input::open_file(path)?;
    let (checker, summary, columns) = run(file, rules);
    let source = || {
        std::fs::File::open(path)
            .and_then(utf16::utf8_stream)
            .map(std::io::BufReader::new)
    };
    let diagnostics = resolve(path, &checker, columns, source).map_err(Error::io("read", path))?;
    Ok(Checked {
        diagnostics,
        summary,
    })
}

/// Checks ledger text held in memory (the current file plus rows to append).
pub fn check_bytes(path: &Path, bytes: &[u8], rules: &Rules) -> Checked {
    let (checker, summary, columns) = run(bytes, rules);
    let source = || utf16::utf8_stream(bytes).map(std::io::BufReader::new);
    let diagnostics = resolve(path, &checker, columns, source).unwrap_or_default();
    Checked {
        diagnostics,
        summary,
    }
}

/// Where the header put the columns, and what separates them: enough to point at a field.
#[derive(Debug, Clone, Copy)]
struct Columns {
    order: [usize; 5],
    delimiter: u8,
}

fn run<R: Read>(input: R, rules: &Rules) -> (Checker, Summary, Option<Columns>) {
    let mut checker = Checker::new(rules.first_id, rules.self_service);
    let columns = match LedgerReader::open(input) {
        Ok(mut reader) => {
            while let Some(row) = reader.next_row() {
                match row {
                    Ok(row) => checker.feed(row),
                    Err(problem) => checker.malformed(problem),
                }
            }
            Some(Columns {
                order: reader.order,
                delimiter: reader.delimiter,
            })
        }
        Err(problem) => {
            // Without a header no row can be read: the header's problem is the only one.
            checker.problems.push(problem);
            let summary = checker.reconcile(rules.pending_days);
            return (checker, summary, None);
        }
    };
    let summary = checker.finish(rules.pending_days);
    (checker, summary, columns)
}

/// Turns problems into diagnostics: a second read fetches the lines to show.
fn resolve<B: BufRead>(
    path: &Path,
    checker: &Checker,
    columns: Option<Columns>,
    source: impl Fn() -> std::io::Result<B>,
) -> std::io::Result<Vec<Diagnostic>> {
    let mut problems: Vec<&Problem> = checker.problems.iter().collect();
    problems.sort_by_key(|p| p.line);
    let shown = &problems[..problems.len().min(MAX_SHOWN)];
    let mut wanted: BTreeSet<u64> = shown.iter().map(|p| p.line).collect();
    wanted.extend(shown.iter().filter_map(|p| p.earlier));
    let lines = if wanted.is_empty() {
        HashMap::new()
    } else {
        lines_of(source()?, &wanted)?
    };

    let mut diagnostics = Vec::with_capacity(shown.len() + 1);
    for p in shown {
        let text = lines.get(&p.line).cloned();
        let (column, width) = match (&text, p.column, columns) {
            (Some(t), Some(c), Some(columns)) => {
                read::field_span_with(t, columns.order[c], char::from(columns.delimiter))
            }
            (Some(t), _, _) => (1, t.chars().count().max(1)),
            _ => (1, 1),
        };
        let mut help = p.help.clone();
        if let Some(line) = p.earlier
            && let (Some(t), Some(columns)) = (lines.get(&line), columns)
        {
            let subject = dialect::field(t.as_bytes(), columns.order[3], columns.delimiter)
                .unwrap_or_default();
            help = help.replacen(
                &format!("on line {line}"),
                &format!("on line {line} ({subject})"),
                1,
            );
        }
        diagnostics.push(Diagnostic {
            severity: severity(p.code),
            code: p.code,
            message: p.message.clone(),
            location: Some(Location {
                file: path.to_path_buf(),
                line: p.line as usize,
                column,
                source_line: text,
                width,
            }),
            help: Some(help),
        });
    }
    diagnostics.extend(not_shown(path, &problems[shown.len()..]));
    Ok(diagnostics)
}

/// One line per code for the problems past [`MAX_SHOWN`].
fn not_shown(path: &Path, rest: &[&Problem]) -> Vec<Diagnostic> {
    let mut more: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in rest {
        *more.entry(p.code).or_default() += 1;
    }
    more.into_iter()
        .map(|(code, count)| {
            Diagnostic {
                severity: severity(code),
                code,
                message: format!("{count} more {code} problems are not shown"),
                location: None,
                help: Some(format!(
                    "fix the ones above and run check again; it shows the first {MAX_SHOWN}"
                )),
            }
            .in_file(path)
        })
        .collect()
}

fn severity(code: &str) -> Severity {
    if code.starts_with('W') {
        Severity::Warning
    } else {
        Severity::Error
    }
}

/// The text of some lines of a file (CR and a leading BOM removed).
fn lines_of(
    mut input: impl BufRead,
    wanted: &BTreeSet<u64>,
) -> std::io::Result<HashMap<u64, String>> {
    let mut found = HashMap::new();
    let last = wanted.iter().next_back().copied().unwrap_or(0);
    let mut buf = Vec::new();
    let mut number = 0u64;
    while number < last {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        number += 1;
        if wanted.contains(&number) {
            let text = dialect::text(&buf);
            let text = text
                .trim_start_matches('\u{FEFF}')
                .trim_end_matches(['\n', '\r']);
            found.insert(number, text.to_string());
        }
    }
    Ok(found)
}

/// E140: the baseline's rows must be the first rows of the ledger. Rows compare as data —
/// by column name, dates by their day, text decoded — so a re-save by a spreadsheet
/// (separator, quoting, encoding, line endings, date form, column order) is no rewrite.
/// `baseline` is a file, or `git:REV` for the ledger as committed at REV.
pub fn check_baseline(ledger: &Path, baseline: &str) -> Result<Option<Diagnostic>> {
    let old: Box<dyn Read> = match baseline.strip_prefix("git:") {
        Some(rev) => match git::show(ledger, rev)? {
            Some(bytes) => Box::new(std::io::Cursor::new(bytes)),
            None => return Ok(None),
        },
        None => {
            let path = Path::new(baseline);
            Box::new(crate::input::open_file(path)?)
        }
    };
    let baseline = Path::new(baseline);
    let open = |input: Box<dyn Read>, p: &Path, what: &'static str| {
        LedgerReader::open(input).map_err(|problem| Error::UnreadableCsv {
            what,
            path: p.to_path_buf(),
            why: problem.message,
        })
    };
    let file = crate::input::open_file(ledger)?;
    let mut old = match LedgerReader::open(old) {
        // An empty baseline has no history to rewrite.
        Err(problem) if problem.code == "E101" => return Ok(None),
        Err(problem) => {
            return Err(Error::UnreadableCsv {
                what: "baseline",
                path: baseline.to_path_buf(),
                why: problem.message,
            });
        }
        Ok(reader) => reader,
    };
    let mut new = open(Box::new(file), ledger, "ledger")?;
    let mut last_line = 1;
    loop {
        let Some(old_line) = old.next_record() else {
            return Ok(None);
        };
        let old_line = old_line.map_err(|p| Error::UnreadableCsv {
            what: "baseline",
            path: baseline.to_path_buf(),
            why: p.message,
        })?;
        let rendered = record_text(&old);
        let next = new
            .next_record()
            .transpose()
            .map_err(|p| Error::UnreadableCsv {
                what: "ledger",
                path: ledger.to_path_buf(),
                why: p.message,
            })?;
        let Some(new_line) = next else {
            let d = Diagnostic::error("E140", format!("the ledger lacks rows the baseline has, from baseline line {old_line}"))
                .at(Location { file: ledger.to_path_buf(), line: last_line as usize, column: 1, source_line: None, width: 1 })
                .help(format!("history was cut: baseline line {old_line} reads `{rendered}`; restore the removed rows"));
            return Ok(Some(d));
        };
        last_line = new_line;
        if !same_row(&old, &new) {
            let d = Diagnostic::error("E140", format!("row {new_line} differs from the baseline: history was rewritten"))
                .at(Location { file: ledger.to_path_buf(), line: new_line as usize, column: 1, source_line: Some(record_text(&new)), width: 1 })
                .help(format!("baseline line {old_line} reads `{rendered}`; rows are only ever appended — restore it and append a correction instead"));
            return Ok(Some(d));
        }
    }
}

/// The current records of two readers hold the same data.
fn same_row<A: Read, B: Read>(a: &LedgerReader<A>, b: &LedgerReader<B>) -> bool {
    if a.record_len() != a.width || b.record_len() != b.width {
        return a.record_len() == b.record_len()
            && (0..a.record_len()).all(|i| a.raw(i) == b.raw(i));
    }
    (0..read::COLUMNS.len()).all(|c| {
        let (x, y) = (a.text(c), b.text(c));
        // A date re-saved as DD.MM.YYYY is the same date; a date-time is compared as written.
        if c == 0
            && (dialect::parse_dotted_day(&x).is_some() || dialect::parse_dotted_day(&y).is_some())
            && let (Some(x), Some(y)) = (dialect::parse_date(&x), dialect::parse_date(&y))
        {
            return x == y;
        }
        x.trim() == y.trim()
    })
}

/// A record as `date,event,id,subject,note`, for messages.
fn record_text<R: Read>(reader: &LedgerReader<R>) -> String {
    (0..read::COLUMNS.len())
        .map(|c| reader.text(c).into_owned())
        .collect::<Vec<_>>()
        .join(",")
}
