//! The ID ledger: `ledger.csv` read row by row, checked in one pass, reconciled for `status`,
//! and appended to under a lock with an atomic replace.

pub mod append;
pub mod check;
pub mod import;
pub mod read;

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
    /// The header's column order (index in the file of date, event, id, subject, note).
    pub order: [usize; 5],
    pub rows: u64,
}

/// The ledger path configured for a project.
pub fn path_of(config: &crate::project::Config) -> Result<PathBuf> {
    let Some(ledger) = &config.ids.ledger else {
        return Err(Error::Usage(format!(
            "{} names no ledger; add `ledger = \"ledger.csv\"` under [ids]",
            crate::diag::display_path(&config.path)
        )));
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
    let file = std::fs::File::open(path).map_err(Error::io("read", path))?;
    let (checker, summary, order, rows) = run(file, rules);
    let source = || std::fs::File::open(path).map(std::io::BufReader::new);
    let diagnostics = resolve(path, &checker, order, source).map_err(Error::io("read", path))?;
    Ok(Checked {
        diagnostics,
        summary,
        order: order.unwrap_or([0, 1, 2, 3, 4]),
        rows,
    })
}

/// Checks ledger text held in memory (the current file plus rows to append).
pub fn check_bytes(path: &Path, bytes: &[u8], rules: &Rules) -> Checked {
    let (checker, summary, order, rows) = run(bytes, rules);
    let source = || Ok::<_, std::io::Error>(std::io::Cursor::new(bytes));
    let diagnostics = resolve(path, &checker, order, source).unwrap_or_default();
    Checked {
        diagnostics,
        summary,
        order: order.unwrap_or([0, 1, 2, 3, 4]),
        rows,
    }
}

fn run<R: Read>(input: R, rules: &Rules) -> (Checker, Summary, Option<[usize; 5]>, u64) {
    let mut checker = Checker::new(rules.first_id, rules.self_service);
    let mut order = None;
    let mut rows = 0;
    match LedgerReader::new(input) {
        Ok(mut reader) => {
            order = Some(reader.order);
            while let Some(row) = reader.next_row() {
                rows += 1;
                match row {
                    Ok(row) => checker.feed(row),
                    Err(problem) => checker.malformed(problem),
                }
            }
        }
        Err(problem) => checker.problems.push(problem),
    }
    let summary = checker.finish(rules.pending_days);
    (checker, summary, order, rows)
}

/// Turns problems into diagnostics: a second read fetches the lines to show.
fn resolve<B: BufRead>(
    path: &Path,
    checker: &Checker,
    order: Option<[usize; 5]>,
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
        let (column, width) = match (&text, p.column, order) {
            (Some(t), Some(c), Some(order)) => read::field_span(t, order[c]),
            (Some(t), _, _) => (1, t.chars().count().max(1)),
            _ => (1, 1),
        };
        let mut help = p.help.clone();
        if let Some(line) = p.earlier
            && let (Some(t), Some(order)) = (lines.get(&line), order)
        {
            let subject = csv_field(t, order[3]);
            help = help.replacen(
                &format!("on line {line}"),
                &format!("on line {line} ({subject})"),
                1,
            );
        }
        let severity = if p.code.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        };
        diagnostics.push(Diagnostic {
            severity,
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
    let mut more: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in &problems[shown.len()..] {
        *more.entry(p.code).or_default() += 1;
    }
    for (code, count) in more {
        let severity = if code.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        };
        diagnostics.push(
            Diagnostic {
                severity,
                code,
                message: format!("{count} more {code} problems are not shown"),
                location: None,
                help: Some(format!(
                    "fix the ones above and run check again; it shows the first {MAX_SHOWN}"
                )),
            }
            .in_file(path),
        );
    }
    Ok(diagnostics)
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
            let text = String::from_utf8_lossy(&buf);
            let text = text
                .trim_start_matches('\u{FEFF}')
                .trim_end_matches(['\n', '\r']);
            found.insert(number, text.to_string());
        }
    }
    Ok(found)
}

/// One field of one CSV line.
fn csv_field(line: &str, index: usize) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => record.get(index).unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// E140: the baseline must be a prefix of the ledger, row by row.
pub fn check_baseline(ledger: &Path, baseline: &Path) -> Result<Option<Diagnostic>> {
    let open = |p: &Path| -> Result<csv::Reader<std::io::BufReader<std::fs::File>>> {
        let file = std::fs::File::open(p).map_err(Error::io("read", p))?;
        let mut buffered = std::io::BufReader::new(file);
        if buffered
            .fill_buf()
            .map_err(Error::io("read", p))?
            .starts_with(b"\xEF\xBB\xBF")
        {
            buffered.consume(3);
        }
        Ok(csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(buffered))
    };
    let (mut old, mut new) = (open(baseline)?, open(ledger)?);
    let (mut a, mut b) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    let mut last_line = 1;
    loop {
        let old_more = old
            .read_byte_record(&mut a)
            .map_err(|e| Error::Usage(format!("the baseline cannot be read: {e}")))?;
        let new_more = new.read_byte_record(&mut b).unwrap_or(false);
        if !old_more {
            return Ok(None);
        }
        let old_line = a.position().map_or(0, |p| p.line());
        let rendered =
            String::from_utf8_lossy(&a.iter().collect::<Vec<_>>().join(&b","[..])).into_owned();
        if !new_more {
            let d = Diagnostic::error("E140", format!("the ledger lacks rows the baseline has, from baseline line {old_line}"))
                .at(Location { file: ledger.to_path_buf(), line: last_line as usize, column: 1, source_line: None, width: 1 })
                .help(format!("history was cut: baseline line {old_line} reads `{rendered}`; restore the removed rows"));
            return Ok(Some(d));
        }
        last_line = b.position().map_or(last_line, |p| p.line());
        if a != b {
            let d = Diagnostic::error("E140", format!("row {} differs from the baseline: history was rewritten", last_line))
                .at(Location { file: ledger.to_path_buf(), line: last_line as usize, column: 1, source_line: Some(String::from_utf8_lossy(&b.iter().collect::<Vec<_>>().join(&b","[..])).into_owned()), width: 1 })
                .help(format!("baseline line {old_line} reads `{rendered}`; rows are only ever appended — restore it and append a correction instead"));
            return Ok(Some(d));
        }
    }
}
