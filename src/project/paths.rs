//! Relative paths in `project.toml` resolve against its folder and may not leave it.

use std::path::{Component, Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
pub enum PathProblem {
    /// Absolute, `..`, or a link that points outside the project folder.
    Leaves,
    Missing,
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
    Ok(path)
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
