//! Reads `ledger.csv` row by row (the `csv` crate: RFC 4180 quoting, LF or CRLF, a UTF-8 BOM
//! accepted, the separator taken from the header line, Windows-1252 text and `DD.MM.YYYY`
//! dates as a spreadsheet saves them), header by name in any order, into compact typed rows.

use super::dialect::{self, parse_date};
use crate::date::Day;
use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

pub const COLUMNS: [&str; 5] = ["date", "event", "id", "subject", "note"];
const DATE: usize = 0;
const EVENT: usize = 1;
const ID: usize = 2;
const SUBJECT: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    SelfService,
    AdminManaged,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::SelfService => "self-service",
            Mode::AdminManaged => "admin-managed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Created(Mode),
    /// An inclusive range of IDs.
    Assigned(u64, u64),
    Registered(u64),
    Revoked(u64),
}

/// One well-formed row. `line` is where it starts in the file (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub day: Day,
    pub event: Event,
}

/// A problem found while reading: where (line, column by name) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    /// Which of [`COLUMNS`] it is about; `None` for the row as a whole.
    pub column: Option<usize>,
    pub code: &'static str,
    pub message: String,
    pub help: String,
    /// An earlier line the help refers to as `on line N`; its subject is added when shown.
    pub earlier: Option<u64>,
}

impl Problem {
    pub fn new(
        line: u64,
        column: Option<usize>,
        code: &'static str,
        message: String,
        help: impl Into<String>,
    ) -> Self {
        Problem {
            line,
            column,
            code,
            message,
            help: help.into(),
            earlier: None,
        }
    }
}

/// Streams the rows of a ledger. The header decides where each column is.
pub struct LedgerReader<R: Read> {
    csv: csv::Reader<Source<R>>,
    record: csv::ByteRecord,
    /// For each of [`COLUMNS`], its index in the file.
    pub order: [usize; 5],
    pub width: usize,
    /// The separator, from the header line.
    pub delimiter: u8,
    /// Line of the last row read (or of the header).
    pub last_line: u64,
    /// The last date parsed: its text (up to 40 bytes), length and day.
    last_date: std::cell::Cell<Option<([u8; 40], usize, Day)>>,
}

impl<'a> LedgerReader<Box<dyn Read + 'a>> {
    /// As [`LedgerReader::new`], for a file in UTF-8, Windows-1252 or UTF-16 with its mark.
    pub fn open<I: Read + 'a>(input: I) -> Result<Self, Problem> {
        let input = super::utf16::utf8_stream(input).map_err(|e| {
            Problem::new(
                1,
                None,
                "E100",
                format!("the ledger cannot be read: {e}"),
                "check the file's permissions",
            )
        })?;
        LedgerReader::new(input)
    }
}

impl<R: Read> LedgerReader<R> {
    /// Reads the header. `Err` when the file has no usable header.
    pub fn new(mut input: R) -> Result<Self, Problem> {
        // The first chunk tells whether there is a BOM and whether lines end in CRLF.
        let mut head = Vec::with_capacity(1 << 16);
        if let Err(e) = (&mut input).take(1 << 16).read_to_end(&mut head) {
            return Err(Problem::new(
                1,
                None,
                "E100",
                format!("the ledger cannot be read: {e}"),
                "check the file's permissions",
            ));
        }
        let bom = head.len() - dialect::without_bom(&head).len();
        head.drain(..bom);
        let crlf = memchr::memmem::find(&head, b"\r\n").is_some();
        let header_end = memchr::memchr(b'\n', &head).unwrap_or(head.len());
        let delimiter = dialect::detect_delimiter(&head[..header_end]);
        let rest = std::io::Cursor::new(head).chain(input);
        let source = if crlf {
            Source::Crlf(CrlfToLf {
                inner: BufReader::with_capacity(1 << 16, rest),
                held_cr: false,
            })
        } else {
            Source::Plain(rest)
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 16)
            .from_reader(source);
        let mut header = csv::ByteRecord::new();
        let read = csv.read_byte_record(&mut header);
        match read {
            Ok(true) => {}
            Ok(false) => {
                return Err(Problem::new(
                    1,
                    None,
                    "E101",
                    "the ledger is empty".into(),
                    "start it with the header and the `created` row; `mobileid-kit init` writes both",
                ));
            }
            Err(e) => {
                return Err(Problem::new(
                    1,
                    None,
                    "E100",
                    format!("the header cannot be read: {e}"),
                    HEADER_HELP,
                ));
            }
        }
        let order = column_order(&header)?;
        Ok(LedgerReader {
            csv,
            record: csv::ByteRecord::new(),
            order,
            width: header.len(),
            delimiter,
            last_line: 1,
            last_date: std::cell::Cell::new(None),
        })
    }

    /// The next row: `None` at the end, `Some(Err)` for a malformed row (reading goes on).
    pub fn next_row(&mut self) -> Option<Result<Row, Problem>> {
        match self.next_record()? {
            Ok(line) => Some(self.parse(line)),
            Err(problem) => Some(Err(problem)),
        }
    }

    /// Reads the next record without judging it: its line, or a problem when the CSV itself
    /// is broken. Its fields are then read with [`LedgerReader::text`].
    pub fn next_record(&mut self) -> Option<Result<u64, Problem>> {
        match self.csv.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self
                    .record
                    .position()
                    .map_or(self.last_line + 1, |p| p.line());
                self.last_line = line;
                Some(Ok(line))
            }
            Err(e) => {
                let line = e.position().map_or(self.last_line + 1, |p| p.line());
                self.last_line = line;
                Some(Err(Problem::new(
                    line,
                    None,
                    "E100",
                    format!("the row cannot be read: {e}"),
                    "check the quotes: a field with a comma or quote is written as \"...\" with inner quotes doubled",
                )))
            }
        }
    }

    /// The raw bytes of a column of the current row.
    pub fn field(&self, column: usize) -> &[u8] {
        self.record.get(self.order[column]).unwrap_or_default()
    }

    /// The text of a column of the current row (UTF-8, or Windows-1252 where it is not).
    pub fn text(&self, column: usize) -> Cow<'_, str> {
        dialect::text(self.field(column))
    }

    /// Fields in the current record (the header's count for a well-formed row).
    pub fn record_len(&self) -> usize {
        self.record.len()
    }

    /// Field `index` of the current record as the file orders them.
    pub fn raw(&self, index: usize) -> &[u8] {
        self.record.get(index).unwrap_or_default()
    }

    fn parse(&self, line: u64) -> Result<Row, Problem> {
        if self.record.len() != self.width {
            return Err(Problem::new(
                line,
                None,
                "E100",
                format!(
                    "the row has {} columns, the header {}",
                    self.record.len(),
                    self.width
                ),
                "every row has the header's columns; quote a subject or note that holds a comma",
            ));
        }
        let day = self.day(line)?;
        let (event, id, subject) = (self.text(EVENT), self.text(ID), self.text(SUBJECT));
        let event = match event.as_ref() {
            "created" => created(line, &id, &subject)?,
            "assigned" => assigned(line, &id, &subject)?,
            "registered" => Event::Registered(one_id(line, &id)?),
            "revoked" => Event::Revoked(one_id(line, &id)?),
            other => return Err(unknown_event(line, other)),
        };
        if matches!(event, Event::Registered(_)) && subject.trim().is_empty() {
            return Err(Problem::new(
                line,
                Some(SUBJECT),
                "E100",
                "a `registered` row lacks its subject".into(),
                "write the host system's user reference as the subject",
            ));
        }
        Ok(Row { line, day, event })
    }

    /// The row's day. Rows of one day come together: a date is parsed once.
    fn day(&self, line: u64) -> Result<Day, Problem> {
        if let Some((bytes, len, day)) = self.last_date.get()
            && self.field(DATE) == &bytes[..len]
        {
            return Ok(day);
        }
        let date = self.text(DATE);
        let day = parse_date(&date).ok_or_else(|| {
            Problem::new(
                line,
                Some(DATE),
                "E100",
                format!("`{}` is not a date", date.escape_debug()),
                "write dates as YYYY-MM-DD (or an RFC 3339 date-time, or DD.MM.YYYY)",
            )
        })?;
        let mut bytes = [0; 40];
        if date.len() <= bytes.len() {
            bytes[..date.len()].copy_from_slice(date.as_bytes());
            self.last_date.set(Some((bytes, date.len(), day)));
        }
        Ok(day)
    }
}

const HEADER_HELP: &str =
    "the first line names the columns: date,event,id,subject,note (in any order)";

/// Where the header puts each of [`COLUMNS`]: every one once, no other.
fn column_order(header: &csv::ByteRecord) -> Result<[usize; 5], Problem> {
    let problem = |message: String, help: String| Problem::new(1, None, "E100", message, help);
    let mut order = [usize::MAX; 5];
    for (i, name) in header.iter().enumerate() {
        let name = dialect::text(name).trim().to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(c) if order[c] == usize::MAX => order[c] = i,
            Some(_) => {
                let message = format!("the header names `{name}` twice");
                return Err(problem(message, HEADER_HELP.into()));
            }
            None => {
                let hint = crate::diag::did_you_mean(&name, COLUMNS)
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                let message = format!("the header has an unknown column `{name}`");
                return Err(problem(message, format!("{hint}{HEADER_HELP}")));
            }
        }
    }
    match (0..5).find(|&c| order[c] == usize::MAX) {
        Some(missing) => Err(problem(
            format!("the header lacks the column `{}`", COLUMNS[missing]),
            HEADER_HELP.into(),
        )),
        None => Ok(order),
    }
}

fn created(line: u64, id: &str, subject: &str) -> Result<Event, Problem> {
    if !id.is_empty() {
        return Err(Problem::new(
            line,
            Some(ID),
            "E100",
            "a `created` row has no ID".into(),
            "leave the id empty; the subject is the mode",
        ));
    }
    let help = "write `self-service` or `admin-managed` as the subject";
    match subject {
        "self-service" => Ok(Event::Created(Mode::SelfService)),
        "admin-managed" => Ok(Event::Created(Mode::AdminManaged)),
        "" => Err(Problem::new(
            line,
            Some(SUBJECT),
            "E100",
            "the `created` row lacks the mode".into(),
            help,
        )),
        other => Err(Problem::new(
            line,
            Some(SUBJECT),
            "E100",
            format!("`{}` is not a mode", other.escape_debug()),
            help,
        )),
    }
}

fn assigned(line: u64, id: &str, subject: &str) -> Result<Event, Problem> {
    let (first, last) = parse_range(id).map_err(|why| {
        Problem::new(
            line,
            Some(ID),
            "E100",
            why,
            "write an ID (1005) or a range (1005-1010) as Manager's Settings show them",
        )
    })?;
    if !subject.is_empty() {
        return Err(Problem::new(
            line,
            Some(SUBJECT),
            "E100",
            "an `assigned` row has no subject".into(),
            "leave the subject empty; put remarks in the note",
        ));
    }
    Ok(Event::Assigned(first, last))
}

fn one_id(line: u64, id: &str) -> Result<u64, Problem> {
    parse_id(id).map_err(|why| {
        Problem::new(
            line,
            Some(ID),
            "E100",
            why,
            "write the one ID the app shows, e.g. 1005",
        )
    })
}

fn unknown_event(line: u64, event: &str) -> Problem {
    let hint = crate::diag::did_you_mean(event, ["created", "assigned", "registered", "revoked"])
        .map(|e| format!("did you mean `{e}`? "))
        .unwrap_or_default();
    Problem::new(
        line,
        Some(EVENT),
        "E100",
        format!("`{}` is not an event", event.escape_debug()),
        format!("{hint}the events are created, assigned, registered and revoked"),
    )
}

/// What the CSV reader reads: the file as it is, or with CRLF turned into LF.
pub enum Source<R: Read> {
    Plain(std::io::Chain<std::io::Cursor<Vec<u8>>, R>),
    Crlf(CrlfToLf<BufReader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>>),
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(out),
            Source::Crlf(r) => r.read(out),
        }
    }
}

/// Turns CRLF into LF on the way to the CSV reader, whose line numbers count a CRLF file's
/// lines wrong (one short per record); a lone CR is kept.
pub struct CrlfToLf<R: BufRead> {
    inner: R,
    /// A CR ended the last chunk; whether it is kept depends on the next byte.
    held_cr: bool,
}

impl<R: BufRead> CrlfToLf<R> {
    pub fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            held_cr: false,
        }
    }
}

impl<R: BufRead> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // Only a real end of input may return 0, so go on while a chunk was all held CR.
        loop {
            let input = self.inner.fill_buf()?;
            if input.is_empty() {
                if std::mem::take(&mut self.held_cr) {
                    out[0] = b'\r';
                    return Ok(1);
                }
                return Ok(0);
            }
            let mut written = 0;
            if self.held_cr {
                if input[0] != b'\n' {
                    out[0] = b'\r';
                    written = 1;
                }
                self.held_cr = false;
            }
            let mut consumed = 0;
            while consumed < input.len() && written < out.len() {
                // Copy up to the next CR in one go; most ledgers have none.
                let room = (out.len() - written).min(input.len() - consumed);
                let chunk = &input[consumed..consumed + room];
                let plain = memchr::memchr(b'\r', chunk).unwrap_or(chunk.len());
                out[written..written + plain].copy_from_slice(&chunk[..plain]);
                written += plain;
                consumed += plain;
                if plain == chunk.len() {
                    continue;
                }
                consumed += 1; // the CR
                match input.get(consumed) {
                    Some(b'\n') => {}
                    Some(_) => {
                        out[written] = b'\r';
                        written += 1;
                    }
                    None => self.held_cr = true,
                }
            }
            self.inner.consume(consumed);
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

/// A decimal ID that fits in 64 bits.
pub fn parse_id(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("the ID is missing".into());
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{}` is not an ID", text.escape_debug()));
    }
    text.parse()
        .map_err(|_| format!("the ID `{text}` does not fit in 64 bits"))
}

fn parse_range(text: &str) -> Result<(u64, u64), String> {
    match text.split_once('-') {
        None => parse_id(text).map(|id| (id, id)),
        Some((a, b)) => {
            let (a, b) = (parse_id(a)?, parse_id(b)?);
            if a > b {
                return Err(format!("the range `{text}` runs backwards"));
            }
            Ok((a, b))
        }
    }
}

/// Where field `index` (as the file orders them) starts on a raw CSV line, and how wide it
/// is, in characters — to put a caret under it. Quote-aware; a field that goes past the line
/// points at the line's end.
pub fn field_span(line: &str, index: usize) -> (usize, usize) {
    field_span_with(line, index, ',')
}

/// [`field_span`] for another delimiter.
pub fn field_span_with(line: &str, index: usize, delimiter: char) -> (usize, usize) {
    let mut field = 0;
    let mut in_quotes = false;
    let mut start = 0;
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c == delimiter && !in_quotes => {
                if field == index {
                    return (start + 1, (i - start).max(1));
                }
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    if field == index {
        (start + 1, (chars.len() - start).max(1))
    } else {
        (chars.len() + 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Result<Row, Problem>> {
        let mut r = LedgerReader::new(text.as_bytes()).unwrap();
        std::iter::from_fn(|| r.next_row()).collect()
    }

    #[test]
    fn reads_bom_crlf_quotes_and_any_column_order() {
        let text = "\u{FEFF}event,id,date,note,subject\r\ncreated,,2026-03-01,\"a, b\",self-service\r\nassigned,1-3,2026-03-02,,\r\nregistered,2,2026-03-02T10:00:00Z,\"said \"\"hi\"\"\",\"Doe, J\"\r\n";
        let got: Vec<Row> = rows(text).into_iter().map(Result::unwrap).collect();
        assert_eq!(got[0].event, Event::Created(Mode::SelfService));
        assert_eq!(
            got[1],
            Row {
                line: 3,
                day: crate::date::parse_day("2026-03-02").unwrap(),
                event: Event::Assigned(1, 3)
            }
        );
        assert_eq!(got[2].event, Event::Registered(2));
        assert_eq!(got[2].line, 4);
    }

    #[test]
    fn malformed_rows_are_problems_and_reading_goes_on() {
        let text = "date,event,id,subject,note\n2026-13-01,created,,self-service,\n2026-03-01,assigend,1,,\n2026-03-01,registered,99999999999999999999,x,\n2026-03-01,registered,1,,\n2026-03-01,revoked,1\n2026-03-01,revoked,1,,\n";
        let got = rows(text);
        let problems: Vec<(u64, Option<usize>)> = got
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|p| (p.line, p.column))
            .collect();
        assert_eq!(
            problems,
            [
                (2, Some(DATE)),
                (3, Some(EVENT)),
                (4, Some(ID)),
                (5, Some(SUBJECT)),
                (6, None)
            ]
        );
        assert!(got[5].is_ok());
    }

    #[test]
    fn crlf_becomes_lf_across_chunk_boundaries() {
        for cap in 1..6 {
            let input = std::io::BufReader::with_capacity(cap, "a\r\nb\rc\r\n\r".as_bytes());
            let mut out = String::new();
            CrlfToLf {
                inner: input,
                held_cr: false,
            }
            .read_to_string(&mut out)
            .unwrap();
            assert_eq!(out, "a\nb\rc\n\r", "capacity {cap}");
        }
    }

    #[test]
    fn header_problems() {
        assert!(
            LedgerReader::new("date,event,id,subjct,note\n".as_bytes())
                .err()
                .unwrap()
                .help
                .starts_with("did you mean `subject`?")
        );
        assert!(LedgerReader::new("date,event,id,note\n".as_bytes()).is_err());
        assert_eq!(LedgerReader::new("".as_bytes()).err().unwrap().code, "E101");
    }

    #[test]
    fn field_spans() {
        let line = "2026-04-02,registered,1005,\"Doe, J\",x";
        assert_eq!(field_span(line, 2), (23, 4));
        assert_eq!(field_span(line, 3), (28, 8));
        assert_eq!(field_span(line, 4), (37, 1));
    }
}
