//! The program's one error type. Its variants map to the exit codes of SPEC.

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
    /// The command was asked for something it cannot do (exit 2).
    Usage(String),
    /// A fault inside the program, not in its inputs (exit 2): what went wrong, in words.
    Internal(String),
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
            Error::Io { .. } | Error::Usage(_) | Error::Internal(_) => 2,
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
            Error::Usage(message) => write!(f, "{message}"),
            Error::Internal(what) => write!(
                f,
                "internal error: {what}. This is a bug in mobileid-kit, not a problem in your files; please report it with the command you ran"
            ),
        }
    }
}

impl std::error::Error for Error {}
