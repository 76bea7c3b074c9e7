//! Diagnostics: one type for every problem the program finds in its inputs, with a
//! rustc-style text rendering and a JSON rendering.

use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A point in a file, 1-based line and column (columns count characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The whole source line, for the text rendering.
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: capped(message.into()),
            location: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Points at a file as a whole (no line).
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            source_line: None,
            width: 0,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(capped(help.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rustc-style rendering: header, arrow, source line with a caret, help.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{severity}[{}]: {}", self.code, self.message);
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |l| l.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(loc) = &self.location {
            let file = display_path(&loc.file);
            if loc.line == 0 {
                let _ = writeln!(out, "{pad}--> {file}");
            } else {
                let _ = writeln!(out, "{pad}--> {file}:{}:{}", loc.line, loc.column);
            }
            if let (Some(text), true) = (&loc.source_line, loc.line > 0) {
                let number = loc.line.to_string();
                let (text, column, width) = excerpt(text, loc.column, loc.width);
                let shown = printable(&text);
                let caret_pad: String = shown
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{number} | {shown}");
                let _ = writeln!(out, "{pad} | {caret_pad}{}", "^".repeat(width.max(1)));
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// Characters of context shown on each side of the span in a long line.
const CONTEXT: usize = 40;
/// The most characters of a span underlined.
const MAX_SPAN: usize = 80;

/// A long line cut to the span and some context, with `…` where it was cut: a 50 MB value
/// must not put 50 MB on the terminal. Returns the text, and the span's column and width in
/// it.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars = line.chars().count();
    if chars <= 2 * CONTEXT + MAX_SPAN {
        return (line.to_string(), column, width);
    }
    let width = width.min(MAX_SPAN);
    let at = column.saturating_sub(1).min(chars);
    let start = at.saturating_sub(CONTEXT);
    let end = (at + width + CONTEXT).min(chars);
    let mut text: String = line.chars().skip(start).take(end - start).collect();
    let mut column = at - start + 1;
    if start > 0 {
        text.insert(0, '…');
        column += 1;
    }
    if end < chars {
        text.push('…');
    }
    (text, column, width)
}

/// A message or help over this many characters is cut with `…`.
const MAX_MESSAGE: usize = 400;

fn capped(text: String) -> String {
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Shows control characters (and bidi overrides) in a source line as escapes, so a
/// diagnostic can never rewrite the admin's terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\t' || !(c.is_control() || crate::text::is_bidi_control(c)) {
                c.to_string()
            } else {
                c.escape_unicode().to_string()
            }
        })
        .collect()
}

pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A `project.toml` and the shared files it extends, seen as one text: each file's spans
/// start at its own base offset, so a span says by itself which file it lies in.
pub struct Sources<'a> {
    /// (base offset, file), the base offsets rising.
    pub files: Vec<(usize, Source<'a>)>,
}

impl Sources<'_> {
    pub fn locate(&self, span: Range<usize>) -> Location {
        let (base, file) = self
            .files
            .iter()
            .rev()
            .find(|(base, _)| *base <= span.start)
            .unwrap_or(&self.files[0]);
        file.locate(span.start - base..span.end.saturating_sub(*base))
    }
}

/// A file's text, kept to turn byte ranges into line, column and the line shown.
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn locate(&self, span: Range<usize>) -> Location {
        let start = floor_char_boundary(self.text, span.start.min(self.text.len()));
        let end = floor_char_boundary(self.text, span.end.clamp(start, self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        let width = self.text[start..end.min(line_end).max(start)]
            .chars()
            .count();
        let source_line = self.text[line_start..line_end].trim_end_matches('\r');
        Location {
            file: self.path.to_path_buf(),
            line,
            column,
            source_line: Some(source_line.to_string()),
            width: width.max(1),
        }
    }

    /// Location of a 1-based line and column.
    pub fn locate_line(&self, line: usize, column: usize, width: usize) -> Location {
        let source_line = self
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        Location {
            file: self.path.to_path_buf(),
            line,
            column: column.max(1),
            source_line,
            width: width.max(1),
        }
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The JSON shape of SPEC: `{"diagnostics": [...], "summary": {...}}`, plus what the
/// command reports at the top level (e.g. `status`: `assigned`, `pending`, …).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
}

/// Orders diagnostics by file, line and column (stable: same place keeps its order).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        d.location
            .as_ref()
            .map(|l| (l.file.clone(), l.line, l.column))
    });
}

/// Drops a diagnostic that says what an earlier one said, at the same place (two checks
/// can find the same problem: the ledger's path is judged by validation and by the ledger
/// check).
pub fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| {
        let at = d
            .location
            .as_ref()
            .map(|l| (l.file.clone(), l.line, l.column));
        seen.insert((d.code, d.message.clone(), at))
    });
}

pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

pub fn to_json(diagnostics: &[Diagnostic], extra: serde_json::Value) -> serde_json::Value {
    let list: Vec<JsonDiagnostic> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            file: d.location.as_ref().map(|l| display_path(&l.file)),
            line: d.location.as_ref().filter(|l| l.line > 0).map(|l| l.line),
            column: d.location.as_ref().filter(|l| l.line > 0).map(|l| l.column),
            help: d.help.as_deref(),
        })
        .collect();
    let (errors, warnings) = summary(diagnostics);
    let mut out = serde_json::json!({
        "diagnostics": list,
        "summary": {"errors": errors, "warnings": warnings},
    });
    if let (Some(out), serde_json::Value::Object(extra)) = (out.as_object_mut(), extra) {
        out.extend(extra);
    }
    out
}

/// "did you mean" for a misspelt name among known ones.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, k)| {
            *score > 0.8 || strsim::damerau_levenshtein(name, k) <= (name.len() / 3).max(1)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let text = "a,b\n2026-04-02,registered,1005,asmith,\n";
        let src = Source {
            path: Path::new("ledger.csv"),
            text,
        };
        let d = Diagnostic::error("E121", "ID 1005 is registered twice")
            .at(src.locate(26..30))
            .help("it was registered on line 9");
        assert_eq!(
            d.render_text(),
            "error[E121]: ID 1005 is registered twice\n --> ledger.csv:2:23\n  |\n2 | 2026-04-02,registered,1005,asmith,\n  |                       ^^^^\n  = help: it was registered on line 9\n"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{202E}b\u{0}"), "a\\u{202e}b\\u{0}");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("nmae", ["id", "name", "theme"]), Some("name"));
        assert_eq!(did_you_mean("zzz", ["id", "name"]), None);
    }
}
