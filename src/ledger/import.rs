//! `ledger import`: registrations from a host-system export as they really come — comma,
//! semicolon or tab separated (detected), UTF-8 or Windows-1252, columns chosen by name.

use super::append::NewRow;
use super::read::{LedgerReader, field_span_with, parse_id};
use crate::date::{format_day, parse_day};
use crate::diag::{Diagnostic, Source};
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
    pub skipped: Vec<Skipped>,
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

/// Reads the export and decides what to append and what to skip. Every bad row is reported;
/// one bad row refuses the whole import.
pub fn plan(
    export: &Path,
    ledger_bytes: &[u8],
    columns: &Columns,
    default_date: &str,
    note: &str,
) -> Result<Plan> {
    let bytes = std::fs::read(export).map_err(Error::io("read", export))?;
    // The CSV reader counts a CRLF file's lines wrong; the rows are the same with LF.
    let text = decode(&bytes).0.replace("\r\n", "\n");
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .flexible(true)
        .from_reader(text.as_bytes());
    let export_columns = find_columns(&header(&mut reader, export)?, columns)?;
    let registered = registrations(ledger_bytes);
    let src = Source {
        path: export,
        text: &text,
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut diagnostics = Vec::new();
    let mut rows: Vec<(String, u64, NewRow)> = Vec::new();
    let mut skipped = Vec::new();
    let mut seen: HashMap<u64, String> = HashMap::new();
    for record in reader.records() {
        let (line, row) = read_record(
            record,
            &src,
            &lines,
            delimiter,
            &export_columns,
            default_date,
        );
        let (id, subject, date) = match row {
            Ok(row) => row,
            Err(d) => {
                diagnostics.push(*d);
                continue;
            }
        };
        if let Some(reason) = skip_reason(&registered, &seen, id, &subject) {
            skipped.push(Skipped {
                line,
                id,
                subject,
                reason,
            });
            continue;
        }
        seen.insert(id, subject.clone());
        let row = NewRow {
            date: date.clone(),
            event: "registered",
            id: id.to_string(),
            subject,
            note: note.to_string(),
        };
        rows.push((date, line, row));
    }
    if !diagnostics.is_empty() {
        return Err(Error::Invalid(diagnostics));
    }
    // Oldest first, as the ledger wants; the export's order breaks ties.
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(Plan {
        rows: rows.into_iter().map(|r| r.2).collect(),
        skipped,
    })
}

/// Why a row of the export is not appended: the same ID and subject are in the ledger, or
/// came earlier in the export.
fn skip_reason(
    registered: &HashMap<u64, String>,
    seen: &HashMap<u64, String>,
    id: u64,
    subject: &str,
) -> Option<&'static str> {
    if registered.get(&id).is_some_and(|s| s == subject) {
        Some("already in the ledger")
    } else if seen.get(&id).is_some_and(|s| s == subject) {
        Some("twice in the export")
    } else {
        None
    }
}

/// One record of the export: its line, and (ID, subject, date) or the E100 that says why not.
fn read_record(
    record: csv::Result<csv::StringRecord>,
    src: &Source,
    lines: &[&str],
    delimiter: char,
    columns: &ExportColumns,
    default_date: &str,
) -> (u64, ExportRow) {
    match record {
        Ok(record) => {
            let line = record.position().map_or(0, |p| p.line());
            let at = |col: usize| {
                let raw = lines.get(line as usize - 1).copied().unwrap_or_default();
                let (column, width) = field_span_with(raw, col, delimiter);
                src.locate_line(line as usize, column, width)
            };
            (line, export_row(&record, columns, default_date, &at))
        }
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line()) as usize;
            let d = Diagnostic::error("E100", format!("the export row cannot be read: {e}"))
                .at(src.locate_line(line, 1, 1))
                .help("check the quotes in this row");
            (line as u64, Err(Box::new(d)))
        }
    }
}

/// A row of the export as (ID, subject, date), or why it cannot be imported.
type ExportRow = std::result::Result<(u64, String, String), Box<Diagnostic>>;

/// The export's column names.
fn header(reader: &mut csv::Reader<&[u8]>, export: &Path) -> Result<Vec<String>> {
    let names = reader.headers().map_err(|e| Error::UnreadableCsv {
        what: "export",
        path: export.to_path_buf(),
        why: format!("its header: {e}"),
    })?;
    Ok(names.iter().map(|h| h.trim().to_string()).collect())
}

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
    record: &csv::StringRecord,
    columns: &ExportColumns,
    default_date: &str,
    at: &dyn Fn(usize) -> crate::diag::Location,
) -> ExportRow {
    let field = |c: usize| record.get(c).unwrap_or_default();
    let id = parse_id(field(columns.id).trim()).map_err(|why| {
        Diagnostic::error("E100", why)
            .at(at(columns.id))
            .help("the ID column holds the number the app shows; choose it with --id-column")
    })?;
    let subject = field(columns.subject).trim().to_string();
    if subject.is_empty() {
        return Err(Box::new(Diagnostic::error("E100", format!("ID {id} has no subject")).at(at(columns.subject)).help("the subject column holds the host system's user reference; choose it with --subject-column")));
    }
    let date = match columns.date {
        Some(c) => parse_export_date(field(c)).ok_or_else(|| {
            Diagnostic::error(
                "E100",
                format!("`{}` is not a date", field(c).escape_debug()),
            )
            .at(at(c))
            .help(
                "dates are read as YYYY-MM-DD or DD.MM.YYYY; choose the column with --date-column",
            )
        })?,
        None => default_date.to_string(),
    };
    Ok((id, subject, date))
}

/// Active registrations in the ledger: ID → subject.
fn registrations(ledger: &[u8]) -> HashMap<u64, String> {
    let mut map = HashMap::new();
    let Ok(mut reader) = LedgerReader::new(ledger) else {
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
