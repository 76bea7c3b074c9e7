//! The forms a CSV file takes on disk. The program writes a ledger comma separated in UTF-8
//! with ISO dates; a spreadsheet in a German, Austrian, Swiss, French or Dutch locale saves
//! the same ledger with semicolons, in Windows-1252, with CRLF and `DD.MM.YYYY` dates. Both
//! are read as they are, and an append writes in the file's own form.

use crate::date::{Day, civil_from_days, format_day, parse_day};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// `2026-03-01`
    Iso,
    /// `01.03.2026`, as spreadsheets in many European locales write it.
    Dotted,
}

/// How a whole file is written: what an append must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub encoding: Encoding,
    pub crlf: bool,
    pub dates: DateForm,
}

impl Dialect {
    /// The dialect of a whole file's bytes; `date_column` is where the header puts the date
    /// (the last row's date decides the date form).
    pub fn of(bytes: &[u8], date_column: usize) -> Dialect {
        let body = without_bom(bytes);
        let has_bom = body.len() < bytes.len();
        let header = first_line(body);
        let delimiter = detect_delimiter(header);
        let encoding = match std::str::from_utf8(body) {
            Err(_) => Encoding::Windows1252,
            Ok(text) if has_bom || !text.is_ascii() => Encoding::Utf8,
            // Plain ASCII: a semicolon file comes from a spreadsheet, which saves its
            // locale's code page; a comma file is ours, UTF-8.
            Ok(_) if delimiter == b',' => Encoding::Utf8,
            Ok(_) => Encoding::Windows1252,
        };
        let crlf = header.ends_with(b"\r");
        // The last line that starts with a date (a quoted note may span lines after it).
        let last_date = body
            .split(|&b| b == b'\n')
            .rev()
            .filter_map(|line| field(line, date_column, delimiter))
            .find(|date| parse_date(date).is_some());
        let dates = match last_date {
            Some(date) if parse_dotted_day(&date).is_some() => DateForm::Dotted,
            _ => DateForm::Iso,
        };
        Dialect {
            delimiter,
            encoding,
            crlf,
            dates,
        }
    }

    /// A day as this file writes dates.
    pub fn format_day(&self, day: Day) -> String {
        match self.dates {
            DateForm::Iso => format_day(day),
            DateForm::Dotted => {
                let (y, m, d) = civil_from_days(day);
                format!("{d:02}.{m:02}.{y:04}")
            }
        }
    }

    /// Text in the file's encoding; `None` when a character has no place in it.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        match self.encoding {
            Encoding::Utf8 => Some(text.as_bytes().to_vec()),
            Encoding::Windows1252 => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
                (!unmappable).then(|| bytes.into_owned())
            }
        }
    }
}

/// The bytes after a UTF-8 byte order mark, if there is one.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The first line of a file, without its LF (a CR is kept).
fn first_line(bytes: &[u8]) -> &[u8] {
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    &bytes[..end]
}

/// The delimiter used most in a header line outside quotes: comma, semicolon or tab (a tie
/// goes to the comma).
pub fn detect_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], i == 0))
        .unwrap_or_default();
    candidates[best]
}

/// The text of a field: UTF-8 where it is valid, Windows-1252 otherwise (every byte is a
/// character there, so nothing is lost).
pub fn text(field: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(field) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(field)
                .0
        }
    }
}

/// A ledger date: `YYYY-MM-DD`, an RFC 3339 date-time, or `DD.MM.YYYY`.
pub fn parse_date(text: &str) -> Option<Day> {
    parse_day(text).or_else(|| parse_dotted_day(text))
}

/// `DD.MM.YYYY` (or `D.M.YYYY`).
pub fn parse_dotted_day(text: &str) -> Option<Day> {
    let mut parts = text.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let short = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !short(d) || !short(m) || y.len() != 4 {
        return None;
    }
    parse_day(&format!("{y}-{m:0>2}-{d:0>2}"))
}

/// Field `index` of one CSV line, unquoted.
pub fn field(line: &[u8], index: usize, delimiter: u8) -> Option<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.get(index).map(|f| text(f).trim().to_string()),
        _ => None,
    }
}

/// A subject or note a spreadsheet would run as a formula when the ledger is opened in it.
pub fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_saved_ledgers_are_recognised() {
        let excel = b"date;event;id;subject;note\r\n01.03.2026;created;;self-service;\r\n02.03.2026;registered;1;M\xfcller;\r\n";
        let d = Dialect::of(excel, 0);
        assert_eq!(
            d,
            Dialect {
                delimiter: b';',
                encoding: Encoding::Windows1252,
                crlf: true,
                dates: DateForm::Dotted
            }
        );
        let ours = "date,event,id,subject,note\n2026-03-01,created,,self-service,\n";
        assert_eq!(Dialect::of(ours.as_bytes(), 0).encoding, Encoding::Utf8);
        assert_eq!(Dialect::of(ours.as_bytes(), 0).dates, DateForm::Iso);
        assert_eq!(text(b"M\xfcller"), "Müller");
        assert_eq!(text("Müller".as_bytes()), "Müller");
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("01.03.2026"), parse_date("2026-03-01"));
        assert_eq!(parse_date("1.3.2026"), parse_date("2026-03-01"));
        assert_eq!(parse_date("31.02.2026"), None);
        assert_eq!(parse_date("01.03.26"), None);
        let d = Dialect::of(b"date;event\n01.03.2026;x\n", 0);
        assert_eq!(
            d.format_day(parse_date("2026-03-09").unwrap()),
            "09.03.2026"
        );
    }

    #[test]
    fn delimiters_and_formulas() {
        assert_eq!(detect_delimiter(b"Personalnr;Name;ID"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"a,b;c"), b',');
        assert_eq!(detect_delimiter(b"\"a;b;c\",d"), b',');
        for formula in ["=1+1", "+49", "-x", "@SUM(A1)", "\tx", "\rx"] {
            assert!(is_formula(formula), "{formula:?}");
        }
        assert!(!is_formula("jdoe") && !is_formula("a=b"));
    }
}
