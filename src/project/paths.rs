//! Relative paths in `project.toml` resolve against its folder and may not leave it.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum PathProblem {
    /// Absolute, `..`, or a link that points outside the project folder.
    Leaves,
    Missing,
    /// A named pipe, a socket or a device: reading it would hang or never end.
    NotAFile(&'static str),
    /// A file with more than one (hard) link: it may be a file from outside the project.
    Linked(u64),
}

impl PathProblem {
    pub fn describe(&self, what: &str, value: &str) -> (String, String) {
        match self {
            PathProblem::Leaves => (
                format!("the {what} `{}` leaves the project folder", value.escape_debug()),
                "use a path inside the folder of project.toml, without `..`, a leading `/` or a link to elsewhere".into(),
            ),
            PathProblem::Missing => (
                format!("the {what} `{}` does not exist", value.escape_debug()),
                "check the file name; paths are relative to the folder of project.toml".into(),
            ),
            PathProblem::NotAFile(kind) => (
                format!("the {what} `{}` is {kind}, not a file", value.escape_debug()),
                "name a regular file; the program reads no pipes or devices".into(),
            ),
            PathProblem::Linked(n) => (
                format!("the {what} `{}` has {n} hard links", value.escape_debug()),
                "a hard link may be a file from anywhere on the machine: copy the file into the project instead".into(),
            ),
        }
    }
}

/// Resolves `relative` inside `dir`. The file must exist.
pub fn resolve(dir: &Path, relative: &str) -> Result<PathBuf, PathProblem> {
    let rel = Path::new(relative);
    let looks_absolute = relative.starts_with(['/', '\\']) || relative.get(1..2) == Some(":");
    if relative.is_empty()
        || looks_absolute
        || relative.contains('\0')
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(PathProblem::Leaves);
    }
    let path = dir.join(rel);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(PathProblem::Missing);
    }
    let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize()) else {
        // A link whose target does not exist.
        return Err(PathProblem::Missing);
    };
    if !real.starts_with(&root) {
        return Err(PathProblem::Leaves);
    }
    let meta = std::fs::metadata(&real).map_err(|_| PathProblem::Missing)?;
    if meta.is_dir() {
        return Ok(path);
    }
    if let Some(kind) = crate::input::not_a_file(&meta) {
        return Err(PathProblem::NotAFile(kind));
    }
    match crate::input::links(&meta) {
        1 => Ok(path),
        n => Err(PathProblem::Linked(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(resolve(dir, "../x"), Err(PathProblem::Leaves));
        assert_eq!(resolve(dir, "/etc/passwd"), Err(PathProblem::Leaves));
        assert_eq!(resolve(dir, "a/../../b"), Err(PathProblem::Leaves));
        assert_eq!(resolve(dir, "no-such-file"), Err(PathProblem::Missing));
        assert!(resolve(dir, "Cargo.toml").is_ok());
    }
}
