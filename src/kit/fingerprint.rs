//! What a kit was built from: every file validation read (or looked for), the program and
//! the selection of `--only` and `--lang`, hashed together. `manifest.json` records it, so
//! the next `build` can leave a kit whose inputs are all the same as it is.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The `inputs` of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// The project's name, for `DIR/index.html` when the kit is left as it is.
    pub name: String,
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

/// Hashes inputs, each path once per run (a thousand sites share one company file).
#[derive(Default)]
pub struct Hasher {
    seen: HashMap<PathBuf, Option<String>>,
}

impl Hasher {
    /// The record of a kit built now from `paths`.
    pub fn record(
        &mut self,
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
            fingerprint: seal(&files, selection),
            files,
        }
    }

    /// Whether the kit in `kit_dir` was built by this program, with this selection, from
    /// inputs that are all still the same, and still has every file it was built with.
    pub fn unchanged(&mut self, kit_dir: &Path, dir: &Path, selection: &str) -> Option<Inputs> {
        let manifest = super::manifest::read(kit_dir)?;
        let recorded = manifest.inputs?;
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

    fn hash(&mut self, path: &Path, exists: bool) -> Option<String> {
        if exists {
            let present = std::fs::symlink_metadata(path).is_ok();
            return present.then(|| "present".to_string());
        }
        if let Some(known) = self.seen.get(path) {
            return known.clone();
        }
        let hash = hash_path(path);
        self.seen.insert(path.to_path_buf(), hash.clone());
        hash
    }
}

/// A file's content, or a folder's list of files (a theme file added changes the theme).
fn hash_path(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.is_dir() {
        let mut names = String::new();
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.ok()?;
            names.push_str(&entry.path().strip_prefix(path).ok()?.to_string_lossy());
            names.push('\n');
        }
        return Some(super::manifest::sha256_hex(names.as_bytes()));
    }
    // What validation could read; anything it refused is an error, never a kit.
    let bytes = crate::input::read(path, crate::input::cap::IMAGE).ok()?;
    Some(super::manifest::sha256_hex(&bytes))
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    crate::diag::display_path(rel)
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
