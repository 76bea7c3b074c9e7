//! The validated project: plain data every renderer can trust.

use crate::qr::{Ec, Matrix};
use crate::theme::Theme;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The four codes of a kit, by their names in `qr/` and `manifest.json`.
pub const CODE_NAMES: [&str; 4] = ["app-store", "google-play", "activation", "registration"];

#[derive(Debug)]
pub struct Codes {
    pub app_store: Matrix,
    pub google_play: Matrix,
    pub activation: Matrix,
    /// Only when `[registration] url` is set.
    pub registration: Option<Matrix>,
}

impl Codes {
    /// (name, code) of every code the kit carries, in a fixed order.
    pub fn all(&self) -> Vec<(&'static str, &Matrix)> {
        let mut all = vec![
            (CODE_NAMES[0], &self.app_store),
            (CODE_NAMES[1], &self.google_play),
            (CODE_NAMES[2], &self.activation),
        ];
        if let Some(r) = &self.registration {
            all.push((CODE_NAMES[3], r));
        }
        all
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.all().into_iter().map(|(n, _)| n).collect()
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// What to build and how to print it.
#[derive(Debug, Clone)]
pub struct KitSettings {
    pub outputs: Vec<String>,
    pub paper: Vec<String>,
    pub ec: Ec,
    pub qr_size_mm: u32,
    /// `kit.date`, the only date that may appear in outputs.
    pub date: Option<String>,
}

#[derive(Debug)]
pub struct Project {
    /// The `project.toml` it came from.
    pub source: PathBuf,
    pub id: String,
    pub name: String,
    /// The first is the default.
    pub languages: Vec<String>,
    pub codes: Codes,
    pub registration_url: Option<String>,
    pub contact: Contact,
    /// `[email] from` and `to`: (display name, address).
    pub email_from: Option<(Option<String>, String)>,
    pub email_to: Option<(Option<String>, String)>,
    pub ids_first: u64,
    pub kit: KitSettings,
    pub theme: Theme,
    /// language → instructions Markdown with the variables filled in
    pub instructions: BTreeMap<String, String>,
    /// language → the instructions file it came from (for diagnostics of renderers)
    pub instruction_files: BTreeMap<String, PathBuf>,
}

impl Project {
    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }

    pub fn strings(&self, lang: &str) -> &crate::theme::Strings {
        // validate() made sure every configured language has its strings.
        &self.theme.strings[lang]
    }
}
