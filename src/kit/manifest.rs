//! `manifest.json`: every file written, with size and SHA-256, and every code's payload.

use super::KitFile;
use crate::project::Project;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::BTreeMap;

pub const FILE_NAME: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub project: String,
    pub generator: String,
    pub files: Vec<FileEntry>,
    pub codes: BTreeMap<String, CodeEntry>,
    /// What `build` made the kit from, so an unchanged kit is left as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<super::fingerprint::Inputs>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    pub codes: Vec<String>,
    /// For a PDF: each code it prints, with its size and reach.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prints: Vec<crate::reach::Print>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CodeEntry {
    pub payload: String,
    pub ec: String,
    pub version: i16,
}

pub fn generator() -> String {
    format!("mobileid-kit {}", env!("CARGO_PKG_VERSION"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn render(project: &Project, files: &[KitFile], notes: &[String]) -> KitFile {
    let manifest = Manifest {
        project: project.id.clone(),
        generator: generator(),
        files: files
            .iter()
            .map(|f| FileEntry {
                path: f.path.clone(),
                bytes: f.bytes.len() as u64,
                sha256: sha256_hex(&f.bytes),
                codes: f.codes.iter().map(|c| c.as_str().to_string()).collect(),
                prints: f.prints.clone(),
            })
            .collect(),
        codes: project
            .codes
            .each()
            .into_iter()
            .map(|(name, code)| {
                let entry = CodeEntry {
                    payload: code.payload.clone(),
                    ec: code.ec.as_str().to_string(),
                    version: code.version,
                };
                (name.as_str().to_string(), entry)
            })
            .collect(),
        inputs: project.record.clone().map(|mut record| {
            record.notes = notes.to_vec();
            record
        }),
    };
    let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    json.push('\n');
    KitFile::new(FILE_NAME, json, vec![])
}

/// Reads a kit's manifest; `None` when there is none or it is not ours.
pub fn read(dir: &std::path::Path) -> Option<Manifest> {
    let bytes = crate::input::read(&dir.join(FILE_NAME), crate::input::cap::MANIFEST).ok()?;
    serde_json::from_slice(&bytes).ok()
}
