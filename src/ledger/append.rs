//! Appending to the ledger safely: an exclusive OS lock (released by the OS if the process
//! dies), the whole ledger plus the new rows checked before anything is written, then a temp
//! file in the same folder, fsync, rename over the ledger, fsync the folder. An interrupted
//! command leaves the old ledger or the new one.

use super::dialect::{Dialect, is_formula};
use super::{Checked, Rules, check_bytes};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A row to append, by column name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewRow {
    pub date: String,
    pub event: &'static str,
    pub id: String,
    pub subject: String,
    pub note: String,
}

/// Holds the ledger's lock while it lives.
pub struct Locked {
    _lock: crate::lock::Held,
    /// The ledger as the project names it (for diagnostics).
    pub path: PathBuf,
    /// The file it is, once links are followed: appends go there, so a link stays a link.
    target: PathBuf,
    /// The ledger as it is now.
    pub bytes: Vec<u8>,
}

/// Takes the ledger's lock (waiting up to `wait` for other appenders) and reads it.
pub fn lock(path: &Path, wait: std::time::Duration) -> Result<Locked> {
    let target = path.canonicalize().map_err(Error::io("read", path))?;
    let lock_path = sibling(&target, ".lock");
    let lock = crate::lock::acquire(&lock_path, "the ledger's lock", wait, &|| false)?;
    let bytes = crate::input::read(&target, u64::MAX).map_err(|why| Error::Input {
        path: path.to_path_buf(),
        why,
    })?;
    Ok(Locked {
        _lock: lock,
        path: path.to_path_buf(),
        target,
        bytes,
    })
}

/// `.ledger.csv<suffix>` beside the ledger.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{suffix}"))
}

impl Locked {
    /// The current ledger checked on its own.
    pub fn check(&self, rules: &Rules) -> Checked {
        check_bytes(&self.path, &self.bytes, rules)
    }

    /// The ledger with `rows` appended, as bytes, in the file's own dialect: its column
    /// order, separator, encoding, line ending and date form. The bytes already there stay
    /// as they are.
    fn with_rows(&self, rows: &[NewRow]) -> Result<Vec<u8>, Box<Diagnostic>> {
        let order = super::read::LedgerReader::open(self.bytes.as_slice())
            .map_or([0, 1, 2, 3, 4], |r| r.order);
        // A UTF-16 file is judged, and its rows written, as UTF-8, then encoded back.
        let utf16 = super::utf16::decode_whole(&self.bytes);
        let text: &[u8] = utf16.as_ref().map_or(&self.bytes, |(t, _)| t.as_bytes());
        let mut dialect = Dialect::of(text, order[0]);
        if utf16.is_some() {
            dialect.encoding = super::dialect::Encoding::Utf8;
        }
        let mut writer = csv::WriterBuilder::new()
            .delimiter(dialect.delimiter)
            .terminator(if dialect.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        for row in rows {
            let date = crate::date::parse_day(&row.date)
                .map_or_else(|| row.date.clone(), |day| dialect.format_day(day));
            let values = [
                date.as_str(),
                row.event,
                row.id.as_str(),
                row.subject.as_str(),
                row.note.as_str(),
            ];
            let mut fields: [Vec<u8>; 5] = Default::default();
            for (column, value) in values.into_iter().enumerate() {
                fields[order[column]] = dialect.encode(value).ok_or_else(|| {
                    Box::new(Diagnostic::error("E100", format!("`{}` cannot be written in {}, the ledger's encoding", value.escape_debug(), dialect.encoding.name()))
                        .in_file(&self.path)
                        .help("the ledger was saved by a spreadsheet in a Western European code page; write the name without that character, or save the ledger as UTF-8"))
                })?;
            }
            // Writing into a Vec cannot fail.
            let _ = writer.write_record(&fields);
        }
        let mut rows_text = Vec::new();
        if !text.is_empty() && !text.ends_with(b"\n") {
            rows_text.extend_from_slice(if dialect.crlf { b"\r\n" } else { b"\n" });
        }
        rows_text.extend_from_slice(&writer.into_inner().unwrap_or_default());
        let mut out = self.bytes.clone();
        match &utf16 {
            Some((_, encoding)) => out.extend(super::utf16::encode(
                &String::from_utf8_lossy(&rows_text),
                encoding,
            )),
            None => out.extend_from_slice(&rows_text),
        }
        Ok(out)
    }

    /// Checks the ledger with `rows` appended; writes it unless a rule breaks or `dry_run`.
    pub fn append(&self, rules: &Rules, rows: &[NewRow], dry_run: bool) -> Result<Checked> {
        let refused: Vec<Diagnostic> = rows.iter().flat_map(|r| formulas(r, &self.path)).collect();
        if !refused.is_empty() {
            return Err(Error::Invalid(refused));
        }
        let new = self.with_rows(rows).map_err(|d| Error::Invalid(vec![*d]))?;
        let existing_lines = self.bytes.iter().filter(|&&b| b == b'\n').count()
            + usize::from(!self.bytes.ends_with(b"\n") && !self.bytes.is_empty());
        let mut checked = check_bytes(&self.path, &new, rules);
        if checked.diagnostics.iter().any(|d| d.is_error()) {
            for d in &mut checked.diagnostics {
                if d.location.as_ref().is_some_and(|l| l.line > existing_lines) {
                    d.message.push_str(" (in the row to append)");
                }
            }
            return Err(Error::Invalid(checked.diagnostics));
        }
        if !dry_run && !rows.is_empty() {
            replace(&self.target, &new).map_err(|e| match e {
                Error::ReadOnly { .. } => Error::ReadOnly {
                    path: self.path.clone(),
                },
                other => other,
            })?;
        }
        Ok(checked)
    }
}

/// E100 for a subject or note a spreadsheet would run as a formula: the ledger is opened in
/// spreadsheets, and `=HYPERLINK(…)` in a cell is an attack on whoever opens it.
fn formulas(row: &NewRow, path: &Path) -> Vec<Diagnostic> {
    [("subject", &row.subject), ("note", &row.note)]
        .into_iter()
        .filter(|(_, text)| is_formula(text))
        .map(|(what, text)| {
            Diagnostic::error(
                "E100",
                format!(
                    "the {what} `{}` of the row to append would run as a formula in a spreadsheet",
                    text.escape_debug()
                ),
            )
            .in_file(path)
            .help("a subject or note may not start with =, +, -, @, a tab or a carriage return; write it without that first character")
        })
        .collect()
}

/// Writes `bytes` to a temp file beside `path`, syncs it, renames it over `path` and syncs the
/// folder.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = sibling(path, ".tmp");
    // Under the lock, a temp file left here is from an append that was killed.
    let _ = std::fs::remove_file(&temp);
    let meta = std::fs::metadata(path).map_err(Error::io("read", path))?;
    if meta.permissions().readonly() {
        return Err(Error::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    let mut file = std::fs::File::create(&temp).map_err(Error::io("create", &temp))?;
    // The new file keeps the ledger's mode, and its owner and group where we may set them.
    let _ = file.set_permissions(meta.permissions());
    keep_owner(&file, &meta);
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        // A full disk or a failed rename leaves no temp file behind, and the ledger as it was.
        let _ = std::fs::remove_file(&temp);
        return Err(Error::Io {
            action: "replace",
            path: path.to_path_buf(),
            source: e,
        });
    }
    drop(file);
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(folder) {
        // Not every platform can sync a folder; the rename is done either way.
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn keep_owner(file: &std::fs::File, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
        // Not allowed to give it away: keep at least the group, if we are in it.
        let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) {}

/// `N` or `N-M`.
pub fn id_text(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    }
}
