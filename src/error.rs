//! The program's one error type. Each variant's `Display` is the sentence the admin reads;
//! `exit_code` maps it to SPEC's exit status.

use crate::diag::{Diagnostic, display_path};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// The inputs were read and something in them is wrong (exit 1).
    Invalid(Vec<Diagnostic>),
    /// A file could not be read, written or locked (exit 2).
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// An input that is not a regular file, too large, or cannot be read (exit 2).
    Input {
        path: PathBuf,
        why: crate::input::Refused,
    },
    /// A PROJECT given is a folder with no `project.toml` in it or below it.
    NoProject { dir: PathBuf },
    /// `--only` or `--lang` names what the project does not configure.
    NotConfigured {
        what: &'static str,
        item: String,
        key: &'static str,
        project: String,
        configured: Vec<String>,
    },
    /// An argument that is not what it must be.
    BadArgument {
        arg: &'static str,
        value: String,
        expected: &'static str,
    },
    /// `--baseline` compares one ledger, but several projects were found.
    BaselineForMany { projects: usize },
    /// A ledger command on a project whose `[ids]` names no ledger.
    NoLedger { project: PathBuf },
    /// A baseline or an export that cannot be read as CSV.
    UnreadableCsv {
        what: &'static str,
        path: PathBuf,
        why: String,
    },
    /// `ledger import --…-column` names a column the export does not have.
    NoColumn {
        name: String,
        has: Vec<String>,
        flag: &'static str,
    },
    /// A file in the way of what the program writes, which it will not overwrite.
    InTheWay { path: PathBuf, why: InTheWay },
    /// `verify` was given a folder that holds no kit, or a manifest it cannot read.
    NoKit { path: PathBuf, why: String },
    /// `--baseline git:REV` cannot be read: no work tree, no such revision, no such file.
    Git { message: String },
    /// `serve` could not listen on its address (a port in use, an address not this
    /// machine's).
    Listen {
        addr: std::net::SocketAddr,
        why: String,
    },
    /// `serve` could not watch a folder for changes.
    Watch { path: PathBuf, why: String },
    /// A command that takes one project found several.
    OneProject { command: &'static str, found: usize },
    /// Another process holds a lock for longer than the command waits.
    Locked { path: PathBuf, waited: u64 },
    /// The ledger may not be written (its permissions say so).
    ReadOnly { path: PathBuf },
    /// Ctrl-C or SIGTERM arrived while writing; what was half-written is gone.
    Interrupted,
    /// A fault inside the program, not in its inputs (exit 2): what went wrong, in words.
    Internal(String),
}

/// Why a file is in the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InTheWay {
    /// The kit's folder is a file.
    NotAFolder,
    /// A file the program did not write would be replaced.
    NotOurs,
    /// `init` writes only new files.
    Exists,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io<'a>(
        action: &'static str,
        path: &'a Path,
    ) -> impl FnOnce(std::io::Error) -> Error + 'a {
        move |source| Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_) => 1,
            _ => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "found {errors} error(s) in the inputs")
            }
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", display_path(path)),
            Error::Input { path, why } => {
                write!(f, "cannot read {}: {why}", display_path(path))
            }
            Error::NoProject { dir } => {
                let dir = display_path(dir);
                write!(
                    f,
                    "no project.toml found in {dir}; run `mobileid-kit init {dir}` to start a project"
                )
            }
            Error::NotConfigured {
                what,
                item,
                key,
                project,
                configured,
            } => write!(
                f,
                "the {what} `{item}` is not in {key} of project `{project}` ({})",
                configured.join(", ")
            ),
            Error::BadArgument {
                arg,
                value,
                expected,
            } => write!(f, "{arg} `{}` is not {expected}", value.escape_debug()),
            Error::BaselineForMany { projects } => write!(
                f,
                "--baseline compares one ledger, but {projects} projects were found; name one project"
            ),
            Error::NoLedger { project } => write!(
                f,
                "{} names no ledger; add `ledger = \"ledger.csv\"` under [ids]",
                display_path(project)
            ),
            Error::UnreadableCsv { what, path, why } => {
                write!(f, "the {what} {} cannot be read: {why}", display_path(path))
            }
            Error::NoColumn { name, has, flag } => write!(
                f,
                "the export has no column `{name}` (it has: {}); name the right one with {flag}",
                has.join(", ")
            ),
            Error::InTheWay { path, why } => in_the_way(f, &display_path(path), *why),
            Error::NoKit { path, why } => write!(f, "{} {why}", display_path(path)),
            Error::Git { message } => write!(f, "--baseline: {message}"),
            Error::Listen { .. }
            | Error::Watch { .. }
            | Error::OneProject { .. }
            | Error::Locked { .. }
            | Error::ReadOnly { .. }
            | Error::Interrupted => self.fmt_could_not_run(f),
            Error::Internal(what) => write!(
                f,
                "internal error: {what}. This is a bug in mobileid-kit, not a problem in your files; please report it with the command you ran"
            ),
        }
    }
}

impl Error {
    /// The sentences of the errors that stop a command from running, not from its inputs.
    fn fmt_could_not_run(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Listen { addr, why } => write!(
                f,
                "cannot serve on {addr}: {why}; is another preview running there? Pick another port with --port"
            ),
            Error::Watch { path, why } => {
                write!(f, "cannot watch {} for changes: {why}", display_path(path))
            }
            Error::OneProject { command, found } => write!(
                f,
                "`{command}` takes one project, but {found} were found; name one project's folder"
            ),
            Error::Locked { path, waited } => write!(
                f,
                "{} is still locked by another mobileid-kit command (a `ledger …` or a `build`) after {waited} s; try again when it has finished, or wait longer with --wait SECS",
                display_path(path)
            ),
            Error::ReadOnly { path } => write!(
                f,
                "{} is read-only, so nothing was appended; make it writable (chmod u+w) if rows should be added",
                display_path(path)
            ),
            Error::Interrupted => write!(
                f,
                "interrupted; nothing half-written is left, and the kits not yet replaced are as they were"
            ),
            _ => Ok(()),
        }
    }
}

fn in_the_way(f: &mut fmt::Formatter<'_>, path: &str, why: InTheWay) -> fmt::Result {
    match why {
        InTheWay::NotAFolder => write!(f, "{path} exists and is not a folder; move it away"),
        InTheWay::NotOurs => write!(
            f,
            "{path} was not written by mobileid-kit and would be overwritten; move it away or build into another folder"
        ),
        InTheWay::Exists => write!(f, "{path} exists already; init writes only new files"),
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_of_the_program_says_so_and_blames_no_input() {
        let e = Error::Internal("a renderer stopped unexpectedly".into());
        assert_eq!(e.exit_code(), 2);
        assert_eq!(
            e.to_string(),
            "internal error: a renderer stopped unexpectedly. This is a bug in mobileid-kit, not a problem in your files; please report it with the command you ran"
        );
    }
}
