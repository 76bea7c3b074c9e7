//! `--baseline git:REV`: the ledger as it was at a revision, read with `git show REV:PATH`
//! from the work tree that holds it, through the `git` program.

use crate::diag::display_path;
use crate::error::{Error, Result};
use std::path::Path;
use std::process::Command;

/// The bytes of `ledger` at `rev`; `None` when the ledger was not committed yet at `rev` (a new
/// ledger has no history to rewrite).
pub fn show(ledger: &Path, rev: &str) -> Result<Option<Vec<u8>>> {
    let dir = match ledger.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| Error::Git {
        message: format!(
            "{} is not in a git work tree, so there is no {rev} to compare with",
            display_path(dir)
        ),
    })?;
    let top = String::from_utf8_lossy(&top).trim().to_string();
    let absolute = std::fs::canonicalize(ledger).map_err(Error::io("find", ledger))?;
    let relative = absolute
        .strip_prefix(std::fs::canonicalize(&top).map_err(Error::io("find", Path::new(&top)))?)
        .map_err(|_| Error::Git {
            message: format!("{} is outside the work tree {top}", display_path(ledger)),
        })?
        .to_string_lossy()
        .replace('\\', "/");
    let commit = format!("{rev}^{{commit}}");
    let verify = |what: &str| git(Path::new(&top), &["rev-parse", "--verify", "--quiet", what]);
    if verify(&commit).is_err() {
        // Before the first commit there is no history, and `HEAD` names nothing yet.
        if rev.starts_with("HEAD") && verify("HEAD").is_err() {
            return Ok(None);
        }
        return Err(Error::Git {
            message: format!("`{rev}` is not a revision of the work tree {top}"),
        });
    }
    let object = format!("{rev}:{relative}");
    if git(Path::new(&top), &["cat-file", "-e", &object]).is_err() {
        return Ok(None);
    }
    git(Path::new(&top), &["show", &object])
        .map(Some)
        .map_err(|why| Error::Git {
            message: format!("{relative} cannot be read from {rev}: {}", why.trim()),
        })
}

/// Runs git in `dir`; its standard output, or its error text.
fn git(dir: &Path, args: &[&str]) -> std::result::Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| format!("git cannot be run: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
