//! The validated project: plain data every renderer can trust.

use crate::diag::Location;
use crate::qr::{Ec, Matrix};
use crate::theme::Theme;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The four codes of a kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeName {
    AppStore,
    GooglePlay,
    Activation,
    Registration,
}

impl CodeName {
    /// The name in `qr/` and `manifest.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeName::AppStore => "app-store",
            CodeName::GooglePlay => "google-play",
            CodeName::Activation => "activation",
            CodeName::Registration => "registration",
        }
    }

    /// Its name in templates: `codes.app_store`, `codes.registration`, …
    pub fn key(self) -> &'static str {
        match self {
            CodeName::AppStore => "app_store",
            CodeName::GooglePlay => "google_play",
            CodeName::Activation => "activation",
            CodeName::Registration => "registration",
        }
    }

    /// The key of its caption among the theme strings.
    pub fn caption_key(self) -> &'static str {
        match self {
            CodeName::AppStore => "app_store",
            CodeName::GooglePlay => "google_play",
            CodeName::Activation => "activation_caption",
            CodeName::Registration => "registration_caption",
        }
    }
}

/// What a kit can contain; `[kit] outputs` and `build --only` pick from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Html,
    Pdf,
    Md,
    Qr,
    Email,
    Card,
    Message,
    /// Wall posters; not built unless `[kit] outputs` names it.
    Poster,
}

impl Output {
    pub const ALL: [Output; 8] = [
        Output::Html,
        Output::Pdf,
        Output::Poster,
        Output::Md,
        Output::Qr,
        Output::Email,
        Output::Card,
        Output::Message,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Output::Html => "html",
            Output::Pdf => "pdf",
            Output::Md => "md",
            Output::Qr => "qr",
            Output::Email => "email",
            Output::Card => "card",
            Output::Message => "message",
            Output::Poster => "poster",
        }
    }

    pub fn parse(text: &str) -> Option<Output> {
        Output::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// Flyer paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::Letter];

    pub const fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    pub fn parse(text: &str) -> Option<Paper> {
        Paper::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.276, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug)]
pub struct Codes {
    pub app_store: Matrix,
    pub google_play: Matrix,
    pub activation: Matrix,
    /// Only when `[registration] url` is set.
    pub registration: Option<Matrix>,
}

impl Codes {
    /// Every code the kit carries with its name, in a fixed order.
    pub fn each(&self) -> Vec<(CodeName, &Matrix)> {
        let mut all = vec![
            (CodeName::AppStore, &self.app_store),
            (CodeName::GooglePlay, &self.google_play),
            (CodeName::Activation, &self.activation),
        ];
        if let Some(r) = &self.registration {
            all.push((CodeName::Registration, r));
        }
        all
    }

    pub fn names(&self) -> Vec<CodeName> {
        self.each().into_iter().map(|(n, _)| n).collect()
    }

    /// The code of a name; the registration code falls back to none.
    pub fn get(&self, name: CodeName) -> Option<&Matrix> {
        match name {
            CodeName::AppStore => Some(&self.app_store),
            CodeName::GooglePlay => Some(&self.google_play),
            CodeName::Activation => Some(&self.activation),
            CodeName::Registration => self.registration.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// What to build and how to print it.
#[derive(Debug, Clone, PartialEq)]
pub struct KitSettings {
    pub outputs: Vec<Output>,
    pub paper: Vec<Paper>,
    pub cards: Vec<Stock>,
    pub posters: Vec<PosterSize>,
    pub ec: Ec,
    pub qr_size_mm: u32,
    /// `kit.date`, the only date that may appear in outputs.
    pub date: Option<String>,
}

impl Default for KitSettings {
    /// What a project gets without `[kit]`: every output, A4, level M, 30 mm codes, no date.
    fn default() -> Self {
        KitSettings {
            outputs: Output::ALL
                .into_iter()
                .filter(|o| *o != Output::Poster)
                .collect(),
            paper: vec![Paper::A4],
            cards: vec![Stock::A4],
            posters: vec![PosterSize::A3],
            ec: Ec::M,
            qr_size_mm: 30,
            date: None,
        }
    }
}

/// Wallet-card stock: plain A4 with crop marks, or a precut business-card sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stock {
    A4,
    /// Avery Zweckform C32011: 85 × 54 mm, 10 per A4.
    C32011,
    /// Avery 5371 / 8371: 3.5 × 2 in, 10 per US Letter.
    Avery5371,
}

impl Stock {
    pub const ALL: [Stock; 3] = [Stock::A4, Stock::C32011, Stock::Avery5371];

    pub const fn as_str(self) -> &'static str {
        match self {
            Stock::A4 => "a4",
            Stock::C32011 => "c32011",
            Stock::Avery5371 => "5371",
        }
    }

    pub fn parse(text: &str) -> Option<Stock> {
        Stock::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Poster sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosterSize {
    A3,
    A2,
    Tabloid,
}

impl PosterSize {
    pub const ALL: [PosterSize; 3] = [PosterSize::A3, PosterSize::A2, PosterSize::Tabloid];

    pub const fn as_str(self) -> &'static str {
        match self {
            PosterSize::A3 => "a3",
            PosterSize::A2 => "a2",
            PosterSize::Tabloid => "tabloid",
        }
    }

    pub fn parse(text: &str) -> Option<PosterSize> {
        PosterSize::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Width and height in points, portrait.
    pub fn size(self) -> (f32, f32) {
        match self {
            PosterSize::A3 => (841.89, 1190.55),
            PosterSize::A2 => (1190.55, 1683.78),
            PosterSize::Tabloid => (792.0, 1224.0),
        }
    }
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
    pub theme: std::sync::Arc<Theme>,
    /// language → instructions Markdown with the variables filled in
    pub instructions: BTreeMap<String, String>,
    /// language → the instructions file it came from (for diagnostics of the layout)
    pub instruction_files: BTreeMap<String, PathBuf>,
    /// Where keys of `project.toml` were set, for diagnostics of the layout.
    pub places: Places,
    /// Stand-ins written by `init` remain (W010): every output says DRAFT.
    pub draft: bool,
    /// Every file validation read or looked for (settings, images, instructions, theme
    /// files, strings files; the ledger's presence), for the kit's fingerprint.
    pub inputs: Vec<(PathBuf, crate::kit::fingerprint::Depends)>,
    /// What `build` records in `manifest.json` about these inputs; `None` elsewhere.
    pub record: Option<crate::kit::fingerprint::Inputs>,
}

/// Where the values that decide whether the kit fits were set.
#[derive(Debug, Clone)]
pub struct Places {
    pub id: Location,
    pub name: Location,
    /// `[kit] qr_size_mm`, or the file when the default applies.
    pub qr_size_mm: Location,
    /// `[registration] url`, when set.
    pub registration_url: Option<Location>,
    /// `[contact] email`, when set.
    pub contact_email: Option<Location>,
    /// Each language's entry in `[project] languages`.
    pub languages: BTreeMap<String, Location>,
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
