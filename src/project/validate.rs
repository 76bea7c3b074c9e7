//! The only place that judges input files: `Config` → `Project`, or diagnostics.
//! After it nothing re-reads a file or re-checks a value.

use super::config::{self, Config};
use super::model::{
    Codes, Contact, KitSettings, Output, Paper, Places, PosterSize, Project, Stock,
};
use super::paths::{self, PathProblem};
use crate::diag::{Diagnostic, Source, Sources};
use crate::error::{Error, Result};
use crate::kit::fingerprint::Depends;
use crate::qr::{Ec, Matrix};
use std::collections::BTreeMap;
use std::path::PathBuf;
use toml::Spanned;

/// Loads and validates a project for `build`: the model and its warnings.
pub fn load(project: &std::path::Path) -> Result<(Project, Vec<Diagnostic>)> {
    let config = config::load(project)?;
    let mut diags = Vec::new();
    let project = validate(&config, &mut diags);
    crate::diag::sort(&mut diags);
    match project {
        Some(project) if !diags.iter().any(Diagnostic::is_error) => Ok((project, diags)),
        _ => Err(Error::Invalid(diags)),
    }
}

/// Turns a config into the model; every problem goes to `diags`.
pub fn validate(config: &Config, diags: &mut Vec<Diagnostic>) -> Option<Project> {
    let src = config.source();
    let ec = config
        .kit
        .qr_ec
        .as_ref()
        .and_then(|e| Ec::parse(e.get_ref()))
        .unwrap_or(KitSettings::default().ec);
    let codes = codes(config, &src, ec, diags);
    if let Some(ledger) = &config.ids.ledger {
        resolve(config, &src, "ledger", ledger, diags);
    }
    let languages = config.languages();
    let theme = theme(config, &src, &languages, diags);
    let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.get_ref().clone());
    let contact = Contact {
        name: text(&config.contact.name),
        email: text(&config.contact.email),
        phone: text(&config.contact.phone),
    };
    let kit = kit_settings(config, ec);
    let vars = variables(config, &contact, &kit);
    let read: BTreeMap<String, Instructions> = languages
        .iter()
        .filter_map(|l| Some((l.clone(), instructions_for(config, &src, l, &vars, diags)?)))
        .collect();
    if let Some(theme) = &theme {
        if kit.outputs.contains(&Output::Pdf) {
            check_glyphs(config, &src, theme, &read, diags);
        }
        super::translation::check(config, &src, theme, &read, diags);
    }
    let codes = codes?;
    let draft = super::stand_in::check(config, &src, &codes, diags);
    let theme = theme?;
    let inputs = inputs(config, &theme, &read);
    Some(Project {
        source: config.path.clone(),
        id: config.project.id.get_ref().clone(),
        name: config.project.name.get_ref().clone(),
        languages,
        codes,
        registration_url: text(&config.registration.url),
        contact,
        email_from: mailbox(&config.email.from),
        email_to: mailbox(&config.email.to),
        ids_first: *config.ids.first.get_ref(),
        kit,
        theme,
        instruction_files: read
            .iter()
            .map(|(l, r)| (l.clone(), r.path.clone()))
            .collect(),
        instructions: read.into_iter().map(|(l, r)| (l, r.filled)).collect(),
        places: places(config, &src),
        draft,
        inputs,
        record: None,
    })
}

/// Every file the project was read from, and those looked for that may appear (a
/// project's own strings file, a theme file added to its folder); of the ledger, only
/// that it is there.
fn inputs(
    config: &Config,
    theme: &crate::theme::Theme,
    read: &BTreeMap<String, Instructions>,
) -> Vec<(PathBuf, Depends)> {
    let mut inputs: Vec<PathBuf> = config.files().map(PathBuf::from).collect();
    let (a, apps) = (&config.activation, &config.apps);
    for image in [&a.qr, &apps.app_store_qr, &apps.google_play_qr]
        .into_iter()
        .flatten()
    {
        inputs.push(config.dir_of(&image.span()).join(image.get_ref()));
    }
    inputs.extend(read.values().map(|r| r.path.clone()));
    if let Some(folder) = &theme.folder {
        inputs.push(folder.clone());
        let own = theme
            .files
            .values()
            .filter(|f| f.origin.starts_with(folder));
        inputs.extend(own.map(|f| f.origin.clone()));
    }
    for lang in theme.strings.keys() {
        inputs.push(config.dir.join("i18n").join(format!("{lang}.toml")));
    }
    let mut inputs: Vec<_> = inputs.into_iter().map(|p| (p, Depends::Content)).collect();
    if let Some(ledger) = &config.ids.ledger {
        inputs.push((config.dir.join(ledger.get_ref()), Depends::Presence));
    }
    inputs
}

fn mailbox(address: &Option<Spanned<String>>) -> Option<(Option<String>, String)> {
    config::mailbox(address.as_ref()?.get_ref())
}

/// The four codes, each encoded once.
fn codes(config: &Config, src: &Sources, ec: Ec, diags: &mut Vec<Diagnostic>) -> Option<Codes> {
    let apps = &config.apps;
    let app_store = store_code(
        config,
        src,
        "app_store",
        &apps.app_store,
        &apps.app_store_qr,
        ec,
        diags,
    );
    let google_play = store_code(
        config,
        src,
        "google_play",
        &apps.google_play,
        &apps.google_play_qr,
        ec,
        diags,
    );
    let activation = match (&config.activation.qr, &config.activation.payload) {
        (Some(image), _) => image_payload(config, src, "activation QR image", image, diags)
            .and_then(|payload| encode(&payload, ec, src, image, diags)),
        (None, Some(payload)) => encode(payload.get_ref(), ec, src, payload, diags),
        (None, None) => None,
    };
    let registration = match &config.registration.url {
        Some(url) => encode(url.get_ref(), ec, src, url, diags).map(Some),
        None => Some(None),
    };
    Some(Codes {
        app_store: app_store?,
        google_play: google_play?,
        activation: activation?,
        registration: registration?,
    })
}

/// The theme the project names, with the strings of its languages.
pub fn theme(
    config: &Config,
    src: &Sources,
    languages: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<std::sync::Arc<crate::theme::Theme>> {
    let dir = match &config.project.theme {
        Some(theme) if theme.get_ref() != crate::theme::DEFAULT_NAME => {
            Some(resolve(config, src, "theme folder", theme, diags)?)
        }
        _ => None,
    };
    let language_at = |lang: &str| language_place(config, src, lang);
    crate::theme::load(dir.as_deref(), &config.dir, languages, &language_at, diags)
}

/// Where a language is named in `[project] languages`.
pub fn language_place(config: &Config, src: &Sources, lang: &str) -> crate::diag::Location {
    let languages = &config.project.languages;
    let entry = languages.get_ref().iter().find(|l| l.get_ref() == lang);
    src.locate(entry.map_or(languages.span(), |l| l.span()))
}

/// `[kit]` over the defaults.
fn kit_settings(config: &Config, ec: Ec) -> KitSettings {
    let kit = &config.kit;
    let default = KitSettings::default();
    let list = |list: &Option<Spanned<Vec<Spanned<String>>>>| {
        list.as_ref().map(|l| {
            l.get_ref()
                .iter()
                .map(|s| s.get_ref().clone())
                .collect::<Vec<_>>()
        })
    };
    KitSettings {
        outputs: list(&kit.outputs).map_or(default.outputs, |l| {
            l.iter().filter_map(|o| Output::parse(o)).collect()
        }),
        paper: list(&kit.paper).map_or(default.paper, |l| {
            l.iter().filter_map(|p| Paper::parse(p)).collect()
        }),
        cards: list(&kit.cards).map_or(default.cards, |l| {
            l.iter().filter_map(|s| Stock::parse(s)).collect()
        }),
        posters: list(&kit.poster).map_or(default.posters, |l| {
            l.iter().filter_map(|s| PosterSize::parse(s)).collect()
        }),
        ec,
        qr_size_mm: kit
            .qr_size_mm
            .as_ref()
            .map_or(default.qr_size_mm, |s| *s.get_ref()),
        date: kit.date.as_ref().map(|d| d.get_ref().to_string()),
    }
}

/// Where the values the layout may blame were set.
fn places(config: &Config, src: &Sources) -> Places {
    let whole_file = || src.locate(0..0);
    Places {
        id: src.locate(config.project.id.span()),
        name: src.locate(config.project.name.span()),
        qr_size_mm: config
            .kit
            .qr_size_mm
            .as_ref()
            .map_or_else(whole_file, |s| src.locate(s.span())),
        registration_url: config
            .registration
            .url
            .as_ref()
            .map(|u| src.locate(u.span())),
        contact_email: config.contact.email.as_ref().map(|e| src.locate(e.span())),
        languages: config
            .project
            .languages
            .get_ref()
            .iter()
            .map(|l| (l.get_ref().clone(), src.locate(l.span())))
            .collect(),
    }
}

/// The variables instructions may use: `{{ project.name }}`, `{{ registration.url }}`, …
fn variables(config: &Config, contact: &Contact, kit: &KitSettings) -> tera::Context {
    let p = &config.project;
    let value = serde_json::json!({
        "project": {
            "id": p.id.get_ref(),
            "name": p.name.get_ref(),
            "languages": p.languages.get_ref().iter().map(|l| l.get_ref()).collect::<Vec<_>>(),
        },
        "registration": { "url": config.registration.url.as_ref().map(|u| u.get_ref()) },
        "contact": contact,
        "ids": { "first": config.ids.first.get_ref() },
        "kit": { "date": kit.date, "qr_ec": kit.ec.as_str(), "qr_size_mm": kit.qr_size_mm },
    });
    tera::Context::from_serialize(&value).unwrap_or_default()
}

/// An instructions file as read and as filled in.
pub struct Instructions {
    pub path: PathBuf,
    pub text: String,
    pub filled: String,
}

fn instructions_for(
    config: &Config,
    src: &Sources,
    lang: &str,
    vars: &tera::Context,
    diags: &mut Vec<Diagnostic>,
) -> Option<Instructions> {
    let setting = &config.registration.instructions;
    let relative = setting.get_ref().replace("{lang}", lang);
    let path = match paths::resolve(config.dir_of(&setting.span()), &relative) {
        Ok(path) => path,
        Err(PathProblem::Missing) => {
            diags.push(
                Diagnostic::error("E007", format!("the language `{lang}` lacks its instructions file `{relative}`"))
                    .at(src.locate(setting.span()))
                    .help(format!("write the instructions in {lang} to `{relative}` beside project.toml, or drop `{lang}` from `languages`")),
            );
            return None;
        }
        Err(problem) => {
            let (message, help) = problem.describe("instructions file", &relative);
            diags.push(
                Diagnostic::error("E004", message)
                    .at(src.locate(setting.span()))
                    .help(help),
            );
            return None;
        }
    };
    let cap = crate::instructions::MAX_BYTES as u64;
    let bytes = match crate::input::read_published(&path, cap) {
        Ok(bytes) => bytes,
        Err(crate::input::Refused::TooLarge { bytes, .. }) => {
            diags.push(
                Diagnostic::error("E008", format!("the instructions are {} KiB, more than the {} KiB a kit can carry", bytes / 1024, cap / 1024))
                    .in_file(&path)
                    .help("keep the instructions to what users need to get started; link to longer documentation"),
            );
            return None;
        }
        Err(why) => {
            diags.push(
                Diagnostic::error(
                    "E004",
                    format!("the instructions file cannot be read: {why}"),
                )
                .in_file(&path),
            );
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let at = Source {
                path: &path,
                text: &lossy,
            }
            .locate(valid..valid + 1);
            diags.push(
                Diagnostic::error("E008", "the instructions are not UTF-8 text")
                    .at(at)
                    .help("save the file as UTF-8"),
            );
            return None;
        }
    };
    let name = crate::diag::display_path(&path);
    match crate::instructions::fill(&name, &text, vars) {
        Ok(filled) => Some(Instructions { path, text, filled }),
        Err(e) => {
            diags.push(crate::theme::template_error(&e, &path, &text));
            None
        }
    }
}

fn resolve(
    config: &Config,
    src: &Sources,
    what: &str,
    value: &Spanned<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<PathBuf> {
    match paths::resolve(config.dir_of(&value.span()), value.get_ref()) {
        Ok(path) => Some(path),
        Err(problem) => {
            let (message, help) = problem.describe(what, value.get_ref());
            diags.push(
                Diagnostic::error("E004", message)
                    .at(src.locate(value.span()))
                    .help(help),
            );
            None
        }
    }
}

/// Reads a QR image named in project.toml and decodes its one code.
fn image_payload(
    config: &Config,
    src: &Sources,
    what: &str,
    image: &Spanned<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let path = resolve(config, src, what, image, diags)?;
    let decoded = crate::input::read_published(&path, crate::input::cap::IMAGE)
        .map_err(|why| format!("it cannot be read ({why})"))
        .and_then(|bytes| crate::qr::decode_single_png(&bytes));
    match decoded {
        Ok(payload) => Some(payload),
        Err(why) => {
            diags.push(
                Diagnostic::error("E006", format!("the {what} `{}` cannot be used: {why}", image.get_ref()))
                    .at(src.locate(image.span()))
                    .help("download the PNG again from Manager's Settings page, or paste the code's content as `payload`"),
            );
            None
        }
    }
}

fn store_code(
    config: &Config,
    src: &Sources,
    store: &str,
    link: &Option<Spanned<String>>,
    image: &Option<Spanned<String>>,
    ec: Ec,
    diags: &mut Vec<Diagnostic>,
) -> Option<Matrix> {
    match (link, image) {
        (Some(link), None) => encode(link.get_ref(), ec, src, link, diags),
        (None, Some(image)) => {
            let what = format!("{} QR image", config::store_name(store));
            let payload = image_payload(config, src, &what, image, diags)?;
            if let Err(why) = config::check_store_link(store, &payload) {
                diags.push(
                    Diagnostic::error(
                        "E005",
                        format!(
                            "the code in `{}` does not lead to the store: {why}",
                            image.get_ref()
                        ),
                    )
                    .at(src.locate(image.span()))
                    .help("use the store QR image BALTECH publishes for the Mobile ID app"),
                );
                return None;
            }
            encode(&payload, ec, src, image, diags)
        }
        _ => None,
    }
}

fn encode<T>(
    payload: &str,
    ec: Ec,
    src: &Sources,
    at: &Spanned<T>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Matrix> {
    let matrix = Matrix::encode(payload, ec);
    if matrix.is_none() {
        diags.push(
            Diagnostic::error(
                "E006",
                format!(
                    "a payload of {} bytes does not fit in a QR code at level {}",
                    payload.len(),
                    ec.as_str()
                ),
            )
            .at(src.locate(at.span()))
            .help("use a lower `qr_ec` in [kit], or a shorter text"),
        );
    }
    matrix
}

/// Text printed in the PDFs must have glyphs in the theme font, or it prints as empty boxes
/// on every flyer.
fn check_glyphs(
    config: &Config,
    src: &Sources,
    theme: &crate::theme::Theme,
    instructions: &BTreeMap<String, Instructions>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(measure) = crate::layout::text::Measure::of(theme) else {
        return;
    };
    let missing = |text: &str| -> Option<(usize, char)> {
        text.char_indices().find(|(_, c)| {
            // Controls and bidi overrides are dropped before printing (text::visible).
            !c.is_whitespace()
                && !c.is_control()
                && !crate::text::is_bidi_control(*c)
                && !measure.covers(*c)
        })
    };
    let help = "replace the character, or give the theme a font that has it (fonts/NotoSans-Regular.ttf, fonts/NotoSans-Bold.ttf)";
    let message = |c: char, what: &str| {
        format!(
            "the theme font has no glyph for `{c}` (U+{:04X}) in {what}, so the PDFs would print an empty box",
            c as u32
        )
    };
    // Every value of project.toml the PDFs print.
    let c = &config.contact;
    let printed = [
        ("the project name", Some(&config.project.name)),
        ("the contact name", c.name.as_ref()),
        ("the contact email", c.email.as_ref()),
        ("the contact phone", c.phone.as_ref()),
        ("the registration link", config.registration.url.as_ref()),
        ("the App Store link", config.apps.app_store.as_ref()),
        ("the Google Play link", config.apps.google_play.as_ref()),
    ];
    for (what, value) in printed {
        let Some(value) = value else { continue };
        if let Some((at, c)) = missing(value.get_ref()) {
            let span = value.span();
            diags.push(
                Diagnostic::error("E008", message(c, what))
                    .at(src.locate(span.start + 1 + at..span.start + 1 + at + c.len_utf8()))
                    .help(help),
            );
        }
    }
    for read in instructions.values() {
        if let Some((at, c)) = missing(&read.filled) {
            // The filled text is not the file; find the character in the file itself.
            let (path, raw) = (&read.path, &read.text);
            let file = Source { path, text: raw };
            let located = match raw.find(c) {
                Some(i) => Diagnostic::error("E008", message(c, "the instructions"))
                    .at(file.locate(i..i + c.len_utf8())),
                None => Diagnostic::error(
                    "E008",
                    message(
                        c,
                        &format!("the instructions (from a variable, near byte {at})"),
                    ),
                )
                .in_file(path),
            };
            diags.push(located.help(help));
        }
    }
    for (lang, strings) in &theme.strings {
        for (key, text) in strings {
            if let Some((_, c)) = missing(text) {
                diags.push(
                    Diagnostic::error("E008", message(c, &format!("the `{lang}` string `{key}`")))
                        .in_file(&config.path)
                        .help(help),
                );
            }
        }
    }
}
