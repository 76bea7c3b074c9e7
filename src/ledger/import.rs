//! `ledger import`: registrations from a host-system export as they really come — comma,
//! semicolon or tab separated (detected), UTF-8 or Windows-1252, columns chosen by name.

use super::append::NewRow;
use super::read::{LedgerReader, parse_id};
use crate::date::{format_day, parse_day};
use crate::diag::{Diagnostic, Location};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// Which columns of the export hold what.
#[derive(Debug, Clone)]
pub struct Columns {
    pub id: String,
    pub subject: String,
    /// `None`: use the default date for every row.
    pub date: Option<String>,
}

/// A row of the export that is already in the ledger, or twice in the export.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    pub line: u64,
    pub id: u64,
    pub subject: String,
    pub reason: &'static str,
}

#[derive(Debug)]
pub struct Plan {
    pub rows: Vec<NewRow>,
    /// The first skipped rows, to list.
    pub skipped: Vec<Skipped>,
    pub skipped_total: usize,
}

/// Export text: UTF-8 (BOM or not) if it is valid UTF-8, Windows-1252 otherwise.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = super::dialect::without_bom(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8"),
        Err(_) => (
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            "Windows-1252",
        ),
    }
}

/// The delimiter used most in the header line: comma, semicolon or tab.
pub fn detect_delimiter(text: &str) -> char {
    let header = text.lines().next().unwrap_or_default();
    char::from(super::dialect::detect_delimiter(header.as_bytes()))
}

/// The dates exports carry: ISO (`2026-03-02`, with a time after it or not) or German
/// (`02.03.2026`, with a time after it or not).
fn parse_export_date(text: &str) -> Option<String> {
    let text = text.trim();
    let day = parse_day(text)
        .or_else(|| text.get(..10).and_then(parse_day))
        .or_else(|| super::dialect::parse_dotted_day(text.split(' ').next()?))?;
    Some(format_day(day))
}

/// Reads the export in one streaming pass and decides what to append and what to skip.
/// Every bad row is counted (the first [`MAX_SHOWN`] shown); one bad row refuses the whole
/// import. Memory grows with the rows to append, not with the export.
pub fn plan(
    export: &Path,
    ledger_bytes: &[u8],
    columns: &Columns,
    default_date: &str,
    note: &str,
) -> Result<Plan> {
    let mut reader = ExportReader::open(export)?;
    let export_columns = find_columns(&reader.header, columns)?;
    let registered = registrations(ledger_bytes);
    let mut bad = Bad::default();
    let mut rows: Vec<(String, u64, NewRow)> = Vec::new();
    let mut skipped = SkippedRows::default();
    // ID → a hash of its subject, for rows the export lists twice.
    let mut seen: HashMap<u64, u64> = HashMap::new();
    while let Some(read) = reader.next(export) {
        let (line, row) = match read {
            Ok(line) => (
                line,
                export_row(&reader, line, &export_columns, default_date, export),
            ),
            Err((line, d)) => (line, Err(d)),
        };
        let (id, subject, date) = match row {
            Ok(row) => row,
            Err(d) => {
                bad.add(*d);
                continue;
            }
        };
        let hash = subject_hash(&subject);
        if let Some(reason) = skip_reason(&registered, &seen, id, &subject, hash) {
            skipped.add(line, id, subject, reason);
            continue;
        }
        seen.insert(id, hash);
        let row = NewRow {
            date: date.clone(),
            event: "registered",
            id: id.to_string(),
            subject,
            note: note.to_string(),
        };
        rows.push((date, line, row));
    }
    bad.refuse(export)?;
    // Oldest first, as the ledger wants; the export's order breaks ties.
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(Plan {
        rows: rows.into_iter().map(|r| r.2).collect(),
        skipped: skipped.shown,
        skipped_total: skipped.total,
    })
}

/// Rows shown in full, as `check` shows ledger problems.
pub const MAX_SHOWN: usize = super::MAX_SHOWN;

/// The bad rows: the first ones in full, the rest counted by code.
#[derive(Default)]
struct Bad {
    shown: Vec<Diagnostic>,
    more: std::collections::BTreeMap<&'static str, usize>,
}

impl Bad {
    fn add(&mut self, d: Diagnostic) {
        if self.shown.len() < MAX_SHOWN {
            self.shown.push(d);
        } else {
            *self.more.entry(d.code).or_default() += 1;
        }
    }

    fn refuse(self, export: &Path) -> Result<()> {
        if self.shown.is_empty() {
            return Ok(());
        }
        let mut all = self.shown;
        for (code, count) in self.more {
            all.push(
                Diagnostic::error(code, format!("{count} more {code} problems are not shown"))
                    .in_file(export)
                    .help(format!(
                        "fix the ones above and import again; it shows the first {MAX_SHOWN}"
                    )),
            );
        }
        Err(Error::Invalid(all))
    }
}

/// Rows skipped: the first ones listed, all counted.
#[derive(Default)]
struct SkippedRows {
    shown: Vec<Skipped>,
    total: usize,
}

impl SkippedRows {
    fn add(&mut self, line: u64, id: u64, subject: String, reason: &'static str) {
        self.total += 1;
        if self.shown.len() < MAX_SHOWN {
            self.shown.push(Skipped {
                line,
                id,
                subject,
                reason,
            });
        }
    }
}

fn subject_hash(subject: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    subject.hash(&mut h);
    h.finish()
}

/// Why a row of the export is not appended: the same ID and subject are in the ledger, or
/// came earlier in the export.
fn skip_reason(
    registered: &HashMap<u64, String>,
    seen: &HashMap<u64, u64>,
    id: u64,
    subject: &str,
    hash: u64,
) -> Option<&'static str> {
    if registered.get(&id).is_some_and(|s| s == subject) {
        Some("already in the ledger")
    } else if seen.get(&id) == Some(&hash) {
        Some("twice in the export")
    } else {
        None
    }
}

/// The export, streamed record by record: UTF-8, Windows-1252 (per field) or UTF-16; the
/// separator from its header line; CRLF read as LF so line numbers are right.
struct ExportReader<'a> {
    csv: csv::Reader<Box<dyn std::io::Read + 'a>>,
    record: csv::ByteRecord,
    header: Vec<String>,
    delimiter: u8,
}

impl ExportReader<'static> {
    fn open(export: &Path) -> Result<Self> {
        use std::io::Read as _;
        let unreadable = |why: String| Error::UnreadableCsv {
            what: "export",
            path: export.to_path_buf(),
            why,
        };
        let file = crate::input::open_file(export)?;
        let mut input = super::utf16::utf8_stream(file).map_err(|e| unreadable(e.to_string()))?;
        let mut head = Vec::with_capacity(1 << 16);
        (&mut input)
            .take(1 << 16)
            .read_to_end(&mut head)
            .map_err(|e| unreadable(e.to_string()))?;
        let body = super::dialect::without_bom(&head);
        let header_end = memchr::memchr(b'\n', body).unwrap_or(body.len());
        let delimiter = super::dialect::detect_delimiter(&body[..header_end]);
        let crlf = memchr::memmem::find(&head, b"\r\n").is_some();
        let bom = head.len() - body.len();
        head.drain(..bom);
        let rest = std::io::Cursor::new(head).chain(input);
        let source: Box<dyn std::io::Read> = if crlf {
            Box::new(super::read::CrlfToLf::new(
                std::io::BufReader::with_capacity(1 << 16, rest),
            ))
        } else {
            Box::new(rest)
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let mut names = csv::ByteRecord::new();
        match csv.read_byte_record(&mut names) {
            Ok(true) => {}
            Ok(false) => return Err(unreadable("it is empty".into())),
            Err(e) => return Err(unreadable(format!("its header: {e}"))),
        }
        let header = names
            .iter()
            .map(|h| super::dialect::text(h).trim().to_string())
            .collect();
        Ok(ExportReader {
            csv,
            record: csv::ByteRecord::new(),
            header,
            delimiter,
        })
    }
}

impl ExportReader<'_> {
    /// The next record's line, or the E100 of a record that cannot be read.
    fn next(&mut self, export: &Path) -> Option<std::result::Result<u64, (u64, Box<Diagnostic>)>> {
        match self.csv.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(Ok(self.record.position().map_or(0, |p| p.line()))),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let d = Diagnostic::error("E100", format!("the export row cannot be read: {e}"))
                    .at(Location {
                        file: export.to_path_buf(),
                        line: line as usize,
                        column: 1,
                        source_line: None,
                        width: 1,
                    })
                    .help("check the quotes in this row");
                Some(Err((line, Box::new(d))))
            }
        }
    }

    /// Field `c` of the current record as text.
    fn field(&self, c: usize) -> std::borrow::Cow<'_, str> {
        super::dialect::text(self.record.get(c).unwrap_or_default())
    }

    /// Where field `c` of the current record is on its line (the line as the fields give
    /// it, separated again), for a diagnostic.
    fn at(&self, export: &Path, line: u64, c: usize) -> Location {
        let delimiter = char::from(self.delimiter).to_string();
        let fields: Vec<std::borrow::Cow<'_, str>> =
            (0..self.record.len()).map(|i| self.field(i)).collect();
        let column = 1 + fields
            .iter()
            .take(c)
            .map(|f| f.chars().count() + 1)
            .sum::<usize>();
        let width = fields.get(c).map_or(1, |f| f.chars().count().max(1));
        Location {
            file: export.to_path_buf(),
            line: line as usize,
            column,
            source_line: Some(fields.join(&delimiter)),
            width,
        }
    }
}

/// A row of the export as (ID, subject, date), or why it cannot be imported.
type ExportRow = std::result::Result<(u64, String, String), Box<Diagnostic>>;

/// Where the export keeps the ID, the subject and (if any) the date.
struct ExportColumns {
    id: usize,
    subject: usize,
    date: Option<usize>,
}

fn find_columns(headers: &[String], columns: &Columns) -> Result<ExportColumns> {
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.trim()))
    };
    let missing = |name: &str, flag: &'static str| Error::NoColumn {
        name: name.to_string(),
        has: headers.to_vec(),
        flag,
    };
    Ok(ExportColumns {
        id: find(&columns.id).ok_or_else(|| missing(&columns.id, "--id-column"))?,
        subject: find(&columns.subject)
            .ok_or_else(|| missing(&columns.subject, "--subject-column"))?,
        date: match &columns.date {
            Some(name) => Some(find(name).ok_or_else(|| missing(name, "--date-column"))?),
            None => find("date"),
        },
    })
}

/// One row of the export: (ID, subject, date), or the E100 at the field that is wrong.
fn export_row(
    reader: &ExportReader<'_>,
    line: u64,
    columns: &ExportColumns,
    default_date: &str,
    export: &Path,
) -> ExportRow {
    let at = |c: usize| reader.at(export, line, c);
    let id_text = reader.field(columns.id);
    let id = parse_id(id_text.trim()).map_err(|why| {
        Diagnostic::error("E100", why)
            .at(at(columns.id))
            .help("the ID column holds the number the app shows; choose it with --id-column")
    })?;
    let subject = reader.field(columns.subject).trim().to_string();
    if subject.is_empty() {
        return Err(Box::new(Diagnostic::error("E100", format!("ID {id} has no subject")).at(at(columns.subject)).help("the subject column holds the host system's user reference; choose it with --subject-column")));
    }
    let date = match columns.date {
        Some(c) => {
            let text = reader.field(c);
            parse_export_date(&text).ok_or_else(|| {
                Diagnostic::error("E100", format!("`{}` is not a date", text.escape_debug()))
                    .at(at(c))
                    .help("dates are read as YYYY-MM-DD or DD.MM.YYYY; choose the column with --date-column")
            })?
        }
        None => default_date.to_string(),
    };
    Ok((id, subject, date))
}

fn registrations(ledger: &[u8]) -> HashMap<u64, String> {
    let mut map = HashMap::new();
    let Ok(mut reader) = LedgerReader::open(ledger) else {
        return map;
    };
    while let Some(row) = reader.next_row() {
        match row.map(|r| r.event) {
            Ok(super::read::Event::Registered(id)) => {
                let subject = reader.text(3).trim().to_string();
                map.insert(id, subject);
            }
            Ok(super::read::Event::Revoked(id)) => {
                map.remove(&id);
            }
            _ => {}
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_delimiters_and_encodings() {
        assert_eq!(detect_delimiter("Personalnr;Name;ID\n1;a;2"), ';');
        assert_eq!(detect_delimiter("a\tb\tc"), '\t');
        assert_eq!(detect_delimiter("a,b;c"), ',');
        assert_eq!(decode(b"M\xfcller").0, "Müller");
        assert_eq!(
            decode("\u{FEFF}Müller".as_bytes()),
            ("Müller".to_string(), "UTF-8")
        );
    }

    #[test]
    fn export_dates() {
        assert_eq!(
            parse_export_date("02.03.2026").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(
            parse_export_date("2026-03-02 10:15").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(
            parse_export_date("2026-03-02T10:15:00Z").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(parse_export_date("31.02.2026"), None);
        assert_eq!(parse_export_date("soon"), None);
    }
}
