//! Themes: a folder of templates, static files and UI strings. The `default` theme is built
//! into the binary; a project's theme folder overrides it file by file, and a project's own
//! `i18n/<lang>.toml` adds a language or rewords strings.

use crate::diag::{Diagnostic, Location, Source};
use serde::Deserialize as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Embeds files of `themes/default/` as (path, bytes).
macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)))),*]
    };
}

/// The built-in default theme, embedded so that an installed binary works from any folder.
const DEFAULT: &[(&str, &[u8])] = embed![
    "templates/page.html",
    "templates/projects.html",
    "templates/message.txt",
    "templates/email.txt",
    "templates/email.html",
    "templates/card.svg",
    "templates/status.html",
    "static/style.css",
    "static/status.css",
    "static/projects.js",
    "print.toml",
    "fonts/NotoSans-Regular.ttf",
    "fonts/NotoSans-Bold.ttf",
    "i18n/en.toml",
    "i18n/de.toml",
    "i18n/fr.toml",
    "i18n/it.toml",
    "i18n/es.toml",
    "i18n/pt.toml",
    "i18n/nl.toml",
    "i18n/pl.toml",
    "i18n/cs.toml",
    "i18n/sv.toml",
    "i18n/da.toml",
    "i18n/fi.toml",
    "i18n/nb.toml",
    "i18n/tr.toml",
];

pub const DEFAULT_NAME: &str = "default";

/// The languages whose strings the default theme carries.
pub const LANGUAGES: [&str; 14] = [
    "en", "de", "fr", "it", "es", "pt", "nl", "pl", "cs", "sv", "da", "fi", "nb", "tr",
];

/// `init`'s starter instructions per language (they cover what users trip over).
pub const STARTERS: &[(&str, &str)] = &[
    (
        "en",
        include_str!("../themes/default/starter/instructions.en.md"),
    ),
    (
        "de",
        include_str!("../themes/default/starter/instructions.de.md"),
    ),
    (
        "fr",
        include_str!("../themes/default/starter/instructions.fr.md"),
    ),
    (
        "it",
        include_str!("../themes/default/starter/instructions.it.md"),
    ),
    (
        "es",
        include_str!("../themes/default/starter/instructions.es.md"),
    ),
    (
        "pt",
        include_str!("../themes/default/starter/instructions.pt.md"),
    ),
    (
        "nl",
        include_str!("../themes/default/starter/instructions.nl.md"),
    ),
    (
        "pl",
        include_str!("../themes/default/starter/instructions.pl.md"),
    ),
    (
        "cs",
        include_str!("../themes/default/starter/instructions.cs.md"),
    ),
    (
        "sv",
        include_str!("../themes/default/starter/instructions.sv.md"),
    ),
    (
        "da",
        include_str!("../themes/default/starter/instructions.da.md"),
    ),
    (
        "fi",
        include_str!("../themes/default/starter/instructions.fi.md"),
    ),
    (
        "nb",
        include_str!("../themes/default/starter/instructions.nb.md"),
    ),
    (
        "tr",
        include_str!("../themes/default/starter/instructions.tr.md"),
    ),
];

/// One theme file and where it came from (for diagnostics).
#[derive(Debug, Clone)]
pub struct ThemeFile {
    pub bytes: Vec<u8>,
    pub origin: PathBuf,
}

/// Strings of one language, key → text.
pub type Strings = BTreeMap<String, String>;

#[derive(Debug)]
pub struct Theme {
    pub files: BTreeMap<String, ThemeFile>,
    pub templates: tera::Tera,
    /// language → strings
    pub strings: BTreeMap<String, Strings>,
    pub print: PrintSettings,
    /// The theme font as the PDFs embed it.
    pub fonts: Fonts,
    /// The project's theme folder, if it names one (else only the built-in files).
    pub folder: Option<PathBuf>,
}

/// Both faces of the theme font, loaded for drawing.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub regular: krilla::text::Font,
    pub bold: krilla::text::Font,
}

pub const FONT_REGULAR: &str = "fonts/NotoSans-Regular.ttf";
pub const FONT_BOLD: &str = "fonts/NotoSans-Bold.ttf";

/// `print.toml`: page margin, type sizes and colours of the PDFs.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintSettings {
    pub margin_mm: f32,
    pub title_size: f32,
    pub kicker_size: f32,
    pub heading_size: f32,
    pub body_size: f32,
    pub body_min_size: f32,
    pub small_size: f32,
    #[serde(deserialize_with = "colour")]
    pub ink: (u8, u8, u8),
    #[serde(deserialize_with = "colour")]
    pub muted: (u8, u8, u8),
    #[serde(deserialize_with = "colour")]
    pub accent: (u8, u8, u8),
}

impl PrintSettings {
    /// E008 for each value outside what a printed page can hold, at its line in the theme's
    /// `print.toml` (or the default's, for a key the theme does not set).
    fn out_of_range(&self, file: &ThemeFile) -> Vec<Diagnostic> {
        let sizes = [
            ("title_size", self.title_size),
            ("kicker_size", self.kicker_size),
            ("heading_size", self.heading_size),
            ("body_size", self.body_size),
            ("body_min_size", self.body_min_size),
            ("small_size", self.small_size),
        ];
        let mut wrong: Vec<(&str, f32, &str)> = sizes
            .into_iter()
            .filter(|(_, v)| !(4.0..=48.0).contains(v))
            .map(|(k, v)| (k, v, "type sizes are 4 to 48 pt"))
            .collect();
        if !(5.0..=30.0).contains(&self.margin_mm) {
            wrong.push(("margin_mm", self.margin_mm, "the margin is 5 to 30 mm"));
        }
        if self.body_min_size > self.body_size {
            wrong.push((
                "body_min_size",
                self.body_min_size,
                "body_min_size is at most body_size",
            ));
        }
        let text = String::from_utf8_lossy(&file.bytes);
        let src = Source {
            path: &file.origin,
            text: &text,
        };
        wrong
            .into_iter()
            .map(|(key, value, range)| {
                let at = text
                    .find(&format!("{key} "))
                    .or_else(|| text.find(&format!("{key}=")));
                let d = Diagnostic::error(
                    "E008",
                    format!("print.toml: `{key} = {value}` is out of range: {range}"),
                )
                .help("correct the value in the theme's print.toml; see themes/default/print.toml");
                match at {
                    Some(i) => d.at(src.locate(i..i + key.len())),
                    None => d.in_file(&file.origin),
                }
            })
            .collect()
    }
}

fn colour<'de, D: serde::Deserializer<'de>>(d: D) -> Result<(u8, u8, u8), D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    let hex = text
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let byte = |i: usize| hex.and_then(|h| u8::from_str_radix(&h[i..i + 2], 16).ok());
    match (byte(0), byte(2), byte(4)) {
        (Some(r), Some(g), Some(b)) => Ok((r, g, b)),
        _ => Err(serde::de::Error::custom(format!(
            "`{text}` is not a colour like \"#0a5cad\""
        ))),
    }
}

impl Theme {
    /// The page's stylesheet: `static/style.css`, then a theme's `static/custom.css` (if any),
    /// which can restyle the default with a few variables instead of a copy of it.
    pub fn css(&self) -> String {
        let custom = self.text("static/custom.css");
        if custom.is_empty() {
            self.text("static/style.css").to_string()
        } else {
            format!("{}\n{custom}", self.text("static/style.css"))
        }
    }

    /// Renders a template; a failure is an E008 at the template's file and line.
    pub fn render(&self, name: &str, context: &serde_json::Value) -> crate::Result<String> {
        let context = tera::Context::from_serialize(context).unwrap_or_default();
        crate::budget::render(&self.templates, name, &context, 16 << 20).map_err(|e| {
            let file = &self.files[&format!("templates/{name}")];
            let text = String::from_utf8_lossy(&file.bytes);
            crate::Error::Invalid(vec![template_error(&e, &file.origin, &text)])
        })
    }

    pub fn text(&self, name: &str) -> &str {
        self.files
            .get(name)
            .and_then(|f| std::str::from_utf8(&f.bytes).ok())
            .unwrap_or_default()
    }
}

fn default_files() -> BTreeMap<String, ThemeFile> {
    DEFAULT
        .iter()
        .map(|(name, bytes)| {
            let file = ThemeFile {
                bytes: bytes.to_vec(),
                origin: Path::new("themes/default").join(name),
            };
            (name.to_string(), file)
        })
        .collect()
}

/// The text of a built-in strings file, e.g. for `init` to start a new language from.
pub fn default_strings_text(lang: &str) -> &'static str {
    let name = format!("i18n/{lang}.toml");
    DEFAULT
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .unwrap_or_default()
}

/// The built-in strings of a language (empty for one the theme does not carry).
pub fn builtin_strings(lang: &str) -> Strings {
    toml::from_str::<Strings>(default_strings_text(lang)).unwrap_or_default()
}

/// The keys every language must have: those of the default theme's English strings.
pub fn required_keys() -> Vec<String> {
    builtin_strings("en")
        .into_keys()
        .filter(|k| !OPTIONAL_KEYS.contains(&k.as_str()))
        .collect()
}

/// Strings added after projects wrote their own strings files: a language that lacks them
/// uses the English ones, so an update breaks no project.
pub const OPTIONAL_KEYS: [&str; 4] = [
    "projects_search",
    "projects_matching",
    "projects_none",
    "projects_group_main",
];

/// Builds the theme: default files, overridden by `folder` (when the project names one),
/// strings for each language, templates compiled. Problems go to `diags`. Projects whose
/// theme files, own strings files and languages are the same share one theme: it is built
/// once per run (fonts parsed, templates compiled) and held once.
pub fn load(
    folder: Option<&Path>,
    project_dir: &Path,
    languages: &[String],
    language_at: &dyn Fn(&str) -> Location,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<Theme>> {
    let before = diags.len();
    let mut overrides = BTreeMap::new();
    if let Some(folder) = folder {
        read_folder(folder, &mut overrides, diags);
    }
    let own: Vec<Option<ThemeFile>> = languages
        .iter()
        .map(|lang| {
            let path = project_dir.join("i18n").join(format!("{lang}.toml"));
            read_strings_file(&path, diags).map(|bytes| ThemeFile {
                bytes,
                origin: path,
            })
        })
        .collect();
    if diags.len() != before {
        return None;
    }
    let key = cache_key(folder, &overrides, languages, &own);
    if let Some(theme) = cache::get(&key) {
        return Some(theme);
    }
    let mut files = default_files();
    files.extend(overrides);
    let strings = languages
        .iter()
        .zip(own)
        .map(|(lang, own)| {
            let merged = language_strings(&files, own, lang, language_at, diags);
            (lang.clone(), merged)
        })
        .collect();
    let print = print_settings(&files, diags);
    let fonts = load_fonts(&files, diags);
    let templates = compile_templates(&files, diags);
    let (print, fonts) = (print?, fonts?);
    let theme = Arc::new(Theme {
        files,
        templates,
        strings,
        print,
        fonts,
        folder: folder.map(Path::to_path_buf),
    });
    (diags.len() == before).then(|| cache::put(key, theme))
}

/// What makes two themes the same: the folder, its files, the languages and the project's
/// own strings files, byte for byte.
fn cache_key(
    folder: Option<&Path>,
    overrides: &BTreeMap<String, ThemeFile>,
    languages: &[String],
    own: &[Option<ThemeFile>],
) -> [u8; 32] {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    let mut part = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    part(folder.map_or(&b""[..], |f| f.as_os_str().as_encoded_bytes()));
    for (name, file) in overrides {
        part(name.as_bytes());
        part(&file.bytes);
    }
    for (lang, file) in languages.iter().zip(own) {
        part(lang.as_bytes());
        match file {
            Some(file) => {
                part(file.origin.as_os_str().as_encoded_bytes());
                part(&file.bytes);
            }
            None => part(b"-"),
        }
    }
    hash.finalize().into()
}

/// The themes built in this run, the most recent few (a long `serve` edits its theme often).
mod cache {
    use super::Theme;
    use std::sync::{Arc, Mutex};

    const KEEP: usize = 8;
    static THEMES: Mutex<Vec<([u8; 32], Arc<Theme>)>> = Mutex::new(Vec::new());

    pub fn get(key: &[u8; 32]) -> Option<Arc<Theme>> {
        let themes = THEMES.lock().unwrap_or_else(|e| e.into_inner());
        themes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| Arc::clone(t))
    }

    pub fn put(key: [u8; 32], theme: Arc<Theme>) -> Arc<Theme> {
        let mut themes = THEMES.lock().unwrap_or_else(|e| e.into_inner());
        if themes.len() >= KEEP {
            themes.remove(0);
        }
        themes.push((key, Arc::clone(&theme)));
        theme
    }
}

/// A theme folder's files over the default ones; links are refused.
fn read_folder(
    folder: &Path,
    files: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Vec<Diagnostic>,
) {
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(
                    Diagnostic::error("E004", format!("the theme folder cannot be read: {e}"))
                        .in_file(folder),
                );
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(folder) else {
            continue;
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let name = rel.to_string_lossy().replace('\\', "/");
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::error("E004", format!("the theme file `{name}` is a link"))
                    .in_file(entry.path())
                    .help("copy the file into the theme folder instead of linking it"),
            );
            continue;
        }
        match crate::input::read_published(entry.path(), crate::input::cap::THEME_FILE) {
            Ok(bytes) => {
                let origin = entry.path().to_path_buf();
                files.insert(name, ThemeFile { bytes, origin });
            }
            Err(e) => diags.push(
                Diagnostic::error("E004", format!("the theme file cannot be read: {e}"))
                    .in_file(entry.path()),
            ),
        }
    }
}

/// A project's `i18n/<lang>.toml`, if there is one.
fn read_strings_file(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
    std::fs::symlink_metadata(path).ok()?;
    match crate::input::read_published(path, crate::input::cap::SETTINGS) {
        Ok(bytes) => Some(bytes),
        Err(why) => {
            diags.push(
                Diagnostic::error("E004", format!("the strings file cannot be read: {why}"))
                    .in_file(path),
            );
            None
        }
    }
}

/// A language's strings: the theme's, then the project's `i18n/<lang>.toml` over them; E007
/// names the keys still missing.
fn language_strings(
    files: &BTreeMap<String, ThemeFile>,
    project_file: Option<ThemeFile>,
    lang: &str,
    language_at: &dyn Fn(&str) -> Location,
    diags: &mut Vec<Diagnostic>,
) -> Strings {
    let mut merged = Strings::new();
    let theme_file = files.get(&format!("i18n/{lang}.toml")).cloned();
    let mut last_origin = None;
    for file in [theme_file, project_file].into_iter().flatten() {
        if let Some(parsed) = parse_strings(&file, diags) {
            merged.extend(parsed);
        }
        last_origin = Some(file.origin);
    }
    let missing: Vec<String> = required_keys()
        .into_iter()
        .filter(|k| !merged.contains_key(k))
        .collect();
    if !missing.is_empty() {
        let read = last_origin.map(|o| format!(" (read: {})", crate::diag::display_path(&o)));
        diags.push(
            Diagnostic::error(
                "E007",
                format!(
                    "the language `{lang}` lacks theme strings: {}",
                    missing.join(", ")
                ),
            )
            .at(language_at(lang))
            .help(format!(
                "add them to i18n/{lang}.toml beside project.toml{}",
                read.unwrap_or_default()
            )),
        );
    }
    merged
}

/// Both faces of the theme font, loaded once for the PDFs; they must also load for
/// measuring (rustybuzz).
fn load_fonts(files: &BTreeMap<String, ThemeFile>, diags: &mut Vec<Diagnostic>) -> Option<Fonts> {
    let mut load = |font: &str| {
        let file = &files[font];
        let loaded = krilla::text::Font::new(file.bytes.clone().into(), 0)
            .filter(|_| rustybuzz::Face::from_slice(&file.bytes, 0).is_some());
        if loaded.is_none() {
            diags.push(
                Diagnostic::error("E008", format!("the font `{font}` cannot be read"))
                    .in_file(&file.origin)
                    .help("use a TrueType or OpenType font that covers Latin, Greek and Cyrillic"),
            );
        }
        loaded
    };
    let (regular, bold) = (load(FONT_REGULAR), load(FONT_BOLD));
    Some(Fonts {
        regular: regular?,
        bold: bold?,
    })
}

fn compile_templates(
    files: &BTreeMap<String, ThemeFile>,
    diags: &mut Vec<Diagnostic>,
) -> tera::Tera {
    let mut templates = tera::Tera::new();
    templates.autoescape_on([".html", ".htm", ".xml", ".svg"]);
    crate::budget::install(&mut templates);
    // Our escape also neutralises NUL, control characters and bidi overrides.
    templates.set_escape_fn(|text, out| out.write_all(crate::html::escape(text).as_bytes()));
    for (name, file) in files {
        let Some(template) = name.strip_prefix("templates/") else {
            continue;
        };
        let source = String::from_utf8_lossy(&file.bytes);
        if let Err(e) = templates.add_raw_template(template, &source) {
            diags.push(template_error(&e, &file.origin, &source));
        }
    }
    templates
}

/// The default `print.toml` with the theme's own keys over it.
fn print_settings(
    files: &BTreeMap<String, ThemeFile>,
    diags: &mut Vec<Diagnostic>,
) -> Option<PrintSettings> {
    let mut merged = toml::Table::new();
    let defaults = default_files();
    for file in [&defaults["print.toml"], &files["print.toml"]] {
        let text = String::from_utf8_lossy(&file.bytes);
        let src = Source {
            path: &file.origin,
            text: &text,
        };
        match toml::from_str::<toml::Table>(&text) {
            Ok(table) => merged.extend(table),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "E008",
                        format!("print.toml cannot be read: {}", e.message()),
                    )
                    .at(src.locate(e.span().unwrap_or(0..0)))
                    .help("each line is `key = value`; see themes/default/print.toml"),
                );
                return None;
            }
        }
    }
    match PrintSettings::deserialize(toml::Value::Table(merged)) {
        Ok(settings) => {
            let file = &files["print.toml"];
            let problems = settings.out_of_range(file);
            let fine = problems.is_empty();
            diags.extend(problems);
            fine.then_some(settings)
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "E008",
                    format!("print.toml has a wrong value: {}", e.message()),
                )
                .in_file(&files["print.toml"].origin)
                .help("see themes/default/print.toml for every key and its type"),
            );
            None
        }
    }
}

fn parse_strings(file: &ThemeFile, diags: &mut Vec<Diagnostic>) -> Option<Strings> {
    let text = String::from_utf8_lossy(&file.bytes);
    match toml::from_str::<Strings>(&text) {
        Ok(strings) => Some(strings),
        Err(e) => {
            let src = Source {
                path: &file.origin,
                text: &text,
            };
            diags.push(
                Diagnostic::error(
                    "E007",
                    format!("the theme strings cannot be read: {}", e.message()),
                )
                .at(src.locate(e.span().unwrap_or(0..0)))
                .help("each line is `key = \"text\"`"),
            );
            None
        }
    }
}

/// A tera error as an E008 pointing into the template (or instructions) file.
pub fn template_error(error: &tera::Error, file: &Path, text: &str) -> Diagnostic {
    let src = Source { path: file, text };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let width = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            Diagnostic::error("E008", format!("`{}` cannot be rendered: {}", crate::diag::display_path(file), report.message()))
                .at(src.locate_line(span.start_line, span.start_col + 1, width))
                .help("check the `{{ … }}` and `{% … %}` tags; variables are project, registration, contact, ids, kit and lang")
        }
        _ => Diagnostic::error(
            "E008",
            format!(
                "`{}` cannot be rendered: {error}",
                crate::diag::display_path(file)
            ),
        )
        .in_file(file)
        .help("check the `{{ … }}` and `{% … %}` tags"),
    }
}
