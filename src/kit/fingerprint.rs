//! What a kit was built from: every file validation read (or looked for), the program and
//! the selection of `--only` and `--lang`, hashed together. `manifest.json` records it, so
//! the next `build` can leave a kit whose inputs are all the same as it is.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The `inputs` of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// The project's name, for `DIR/index.html` when the kit is left as it is.
    pub name: String,
    /// What the build report said of the kit, said again when it is left as it is.
    #[serde(default)]
    pub notes: Vec<String>,
    /// SHA-256 over the program, the selection and every input below.
    pub fingerprint: String,
    pub files: Vec<Input>,
}

/// One input: a path relative to the project's folder, and the SHA-256 of its content (of
/// its list of files, for a folder); `null` when it did not exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub path: String,
    pub sha256: Option<String>,
    /// Only whether it exists counts (the ledger: a build checks it is there, and a row
    /// appended to it changes no kit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exists: bool,
}

/// What of an input the kit depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depends {
    Content,
    Presence,
}

/// What `--only` and `--lang` picked, as the fingerprint records it (`None`: all).
pub fn selection(only: &Option<Vec<String>>, lang: &Option<Vec<String>>) -> String {
    format!("only={only:?} lang={lang:?}")
}

/// Hashes inputs, each path once per run (a thousand sites share one company file). Shared
/// by the threads that plan projects; hashing itself runs outside the lock.
#[derive(Default)]
pub struct Hasher {
    seen: Mutex<HashMap<PathBuf, Option<String>>>,
}

impl Hasher {
    /// The record of a kit built now from `paths`.
    pub fn record(
        &self,
        dir: &Path,
        paths: &[(PathBuf, Depends)],
        selection: &str,
        name: &str,
    ) -> Inputs {
        let files: Vec<Input> = paths
            .iter()
            .map(|(p, depends)| {
                let exists = *depends == Depends::Presence;
                Input {
                    path: relative(dir, p),
                    sha256: self.hash(p, exists),
                    exists,
                }
            })
            .collect();
        Inputs {
            name: name.to_string(),
            // The build report's notes, once the kit is rendered (`manifest::render`).
            notes: Vec::new(),
            fingerprint: seal(&files, selection),
            files,
        }
    }

    /// Whether the kit in `kit_dir` was built by this program, with this selection, from
    /// inputs that are all still the same, and still has every file it was built with.
    pub fn unchanged(&self, kit_dir: &Path, dir: &Path, selection: &str) -> Option<Inputs> {
        let manifest = super::manifest::read(kit_dir)?;
        let recorded = manifest.inputs?;
        // Only paths validation could have read: inside the project's folder, or in the
        // folders above it where shared files are (a hand-made manifest leads nowhere).
        if recorded.files.iter().any(|f| !plausible(&f.path)) {
            return None;
        }
        let now: Vec<Input> = recorded
            .files
            .iter()
            .map(|f| Input {
                path: f.path.clone(),
                sha256: self.hash(&dir.join(&f.path), f.exists),
                exists: f.exists,
            })
            .collect();
        let intact = manifest.files.iter().all(|f| {
            std::fs::symlink_metadata(kit_dir.join(&f.path))
                .is_ok_and(|m| m.is_file() && m.len() == f.bytes)
        });
        (intact && seal(&now, selection) == recorded.fingerprint).then_some(recorded)
    }

    fn hash(&self, path: &Path, exists: bool) -> Option<String> {
        if exists {
            return presence(path);
        }
        let seen = || self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = seen().get(path) {
            return known.clone();
        }
        let hash = hash_path(path);
        seen().insert(path.to_path_buf(), hash.clone());
        hash
    }
}

/// A path relative to the project's folder, with `..` only leading to the folders above.
fn plausible(path: &str) -> bool {
    let mut below = false;
    !path.starts_with(['/', '\\'])
        && path.get(1..2) != Some(":")
        && Path::new(path).components().all(|c| match c {
            Component::ParentDir => !below,
            Component::Normal(_) => {
                below = true;
                true
            }
            _ => false,
        })
}

/// How validation would find a file: its kind and links count with it, so a file turned
/// into a link (which validation refuses) is a change.
fn kind(meta: &std::fs::Metadata) -> String {
    let link = if meta.file_type().is_symlink() {
        "link"
    } else {
        ""
    };
    format!("{link}{}:{}", crate::input::links(meta), meta.is_dir())
}

/// Of the ledger: only that a regular file of one link is there.
fn presence(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some(kind(&meta))
}

/// A file's content, or a folder's list of files (a theme file added changes the theme).
fn hash_path(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let mut hash = sha2::Sha256::new();
    hash.update(kind(&meta).as_bytes());
    if meta.is_dir() {
        // A theme folder: a few dozen files. One of thousands is no theme folder; its
        // kit is simply built again.
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .take(10_000)
        {
            let entry = entry.ok()?;
            hash.update(
                entry
                    .path()
                    .strip_prefix(path)
                    .ok()?
                    .as_os_str()
                    .as_encoded_bytes(),
            );
            hash.update([0]);
        }
    } else if meta.is_file() {
        // What validation could read; anything it refused is an error, never a kit.
        hash.update(crate::input::read(path, crate::input::cap::IMAGE).ok()?);
    }
    Some(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// `path` relative to `dir`, both as validation named them (from the same folder).
fn relative(dir: &Path, path: &Path) -> String {
    fn normal(p: &Path) -> Vec<Component<'_>> {
        p.components().filter(|c| *c != Component::CurDir).collect()
    }
    let (from, to) = (normal(dir), normal(path));
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in shared..from.len() {
        rel.push("..");
    }
    for c in &to[shared..] {
        rel.push(c);
    }
    crate::diag::display_path(&rel)
}

fn seal(files: &[Input], selection: &str) -> String {
    let mut hash = sha2::Sha256::new();
    for part in [program().as_str(), selection] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    for f in files {
        hash.update(f.path.as_bytes());
        hash.update([0]);
        hash.update(f.sha256.as_deref().unwrap_or("-").as_bytes());
        hash.update([u8::from(f.exists)]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The program: its version and its executable's size and time, so a rebuilt or updated
/// program builds every kit again.
fn program() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{} {:?}", m.len(), time)
        })
        .unwrap_or_default();
    format!("{} {exe}", super::manifest::generator())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_project() {
        let dir = Path::new("ex/rheinwerk/koeln");
        assert_eq!(
            relative(dir, Path::new("ex/rheinwerk/koeln/project.toml")),
            "project.toml"
        );
        assert_eq!(
            relative(dir, Path::new("ex/rheinwerk/company.toml")),
            "../company.toml"
        );
        assert_eq!(
            relative(Path::new("."), Path::new("./i18n/en.toml")),
            "i18n/en.toml"
        );
        assert_eq!(
            relative(Path::new("../x/s"), Path::new("../x/c.toml")),
            "../c.toml"
        );
        assert!(plausible("../company.toml") && plausible("i18n/en.toml"));
        assert!(!plausible("/etc/passwd") && !plausible("a/../../b") && !plausible("C:x"));
    }
}
