//! Reading a project: `config` parses `project.toml`, `validate` turns it into the model.

pub mod config;
pub mod extends;
pub mod model;
pub mod paths;
pub mod stand_in;
pub mod translation;
pub mod validate;

pub use config::Config;
pub use model::Project;

use crate::diag::{Diagnostic, Location, display_path};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The `project.toml` files a command should work on: each PROJECT given is a file, a folder
/// holding `project.toml`, or a folder searched recursively for them.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |path: PathBuf, found: &mut Vec<PathBuf>| {
        // A project named twice (or a thousand times) is one project.
        if seen.insert(path.canonicalize().unwrap_or_else(|_| path.clone())) {
            found.push(path);
        }
    };
    for input in inputs {
        // Follows links; a loop of links or a missing path is said as the system says it.
        let meta = std::fs::metadata(input).map_err(Error::io("find the project", input))?;
        if !meta.is_dir() {
            // Whatever it is, reading it says what is wrong with it.
            add(input.clone(), &mut found);
            continue;
        }
        let direct = input.join(config::FILE_NAME);
        if std::fs::symlink_metadata(&direct).is_ok() {
            add(direct, &mut found);
            continue;
        }
        let before = found.len();
        let walker = walkdir::WalkDir::new(input).sort_by_file_name().into_iter();
        for entry in walker.filter_entry(|e| !is_hidden_or_output(e.path(), input)) {
            let entry = entry.map_err(|e| Error::Io {
                action: "search",
                path: input.clone(),
                source: e.into(),
            })?;
            if !entry.file_type().is_dir() && entry.file_name() == config::FILE_NAME {
                add(entry.into_path(), &mut found);
            }
        }
        if found.len() == before {
            return Err(Error::NoProject { dir: input.clone() });
        }
    }
    Ok(found)
}

fn is_hidden_or_output(path: &Path, root: &Path) -> bool {
    path != root
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n == "target" || n == "dist")
}

/// E001 for each project whose id an earlier one has: both would write the same kit folder.
pub fn unique_ids<'a>(ids: impl Iterator<Item = (&'a str, &'a Location)>) -> Vec<Diagnostic> {
    let mut first: std::collections::HashMap<&str, &Location> = Default::default();
    let mut found = Vec::new();
    for (id, at) in ids {
        match first.get(id) {
            Some(earlier) if earlier.file == at.file => {}
            Some(earlier) => found.push(
                Diagnostic::error(
                    "E001",
                    format!(
                        "the project id `{id}` is used by {} too",
                        display_path(&earlier.file)
                    ),
                )
                .at(at.clone())
                .help("each kit needs its own folder: give one of the projects another id"),
            ),
            None => {
                first.insert(id, at);
            }
        }
    }
    found
}
