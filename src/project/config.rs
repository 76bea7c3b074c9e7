//! `project.toml`: serde structs with `deny_unknown_fields`, parsed section by section so that
//! one run reports every problem, then checked value by value in a second pass that can name
//! the offending key.

use super::extends::{self, ChainFile};
use super::model::{Output, Paper, PosterSize, Stock};
use crate::diag::{Diagnostic, Source, Sources, did_you_mean};
use crate::error::{Error, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

pub const FILE_NAME: &str = "project.toml";

/// The names of [`Output`] and [`Paper`], as `project.toml` and `--only` write them.
pub const OUTPUTS: [&str; 8] = {
    let mut names = [""; 8];
    let mut i = 0;
    while i < names.len() {
        names[i] = Output::ALL[i].as_str();
        i += 1;
    }
    names
};
pub const PAPERS: [&str; 2] = [Paper::ALL[0].as_str(), Paper::ALL[1].as_str()];
pub const STOCKS: [&str; 3] = [
    Stock::ALL[0].as_str(),
    Stock::ALL[1].as_str(),
    Stock::ALL[2].as_str(),
];
pub const POSTERS: [&str; 3] = [
    PosterSize::ALL[0].as_str(),
    PosterSize::ALL[1].as_str(),
    PosterSize::ALL[2].as_str(),
];
/// `[kit] qr_size_mm`: the documented range; every value in it builds.
pub const QR_SIZE_MM: std::ops::RangeInclusive<u32> = 20..=60;
const SECTIONS: [&str; 9] = [
    "project",
    "activation",
    "apps",
    "registration",
    "contact",
    "ids",
    "kit",
    "email",
    "users",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub self_service: Spanned<bool>,
    pub languages: Spanned<Vec<Spanned<String>>>,
    pub theme: Option<Spanned<String>>,
    /// Offered by Manager only in projects without self-service (E003).
    pub auto_sync: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivationSection {
    pub qr: Option<Spanned<String>>,
    pub payload: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppsSection {
    pub app_store: Option<Spanned<String>>,
    pub app_store_qr: Option<Spanned<String>>,
    pub google_play: Option<Spanned<String>>,
    pub google_play_qr: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationSection {
    pub url: Option<Spanned<String>>,
    pub instructions: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactSection {
    pub name: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub phone: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsSection {
    pub first: Spanned<u64>,
    pub ledger: Option<Spanned<String>>,
}

/// Optional headers of the email draft.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSection {
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KitSection {
    pub outputs: Option<Spanned<Vec<Spanned<String>>>>,
    pub paper: Option<Spanned<Vec<Spanned<String>>>>,
    pub cards: Option<Spanned<Vec<Spanned<String>>>>,
    pub poster: Option<Spanned<Vec<Spanned<String>>>>,
    pub qr_ec: Option<Spanned<String>>,
    pub qr_size_mm: Option<Spanned<u32>>,
    pub date: Option<Spanned<toml::value::Datetime>>,
}

/// A parsed `project.toml` whose keys and values passed both passes.
#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub text: String,
    pub project: ProjectSection,
    pub activation: ActivationSection,
    pub apps: AppsSection,
    pub registration: RegistrationSection,
    pub contact: ContactSection,
    pub ids: IdsSection,
    pub kit: KitSection,
    pub email: EmailSection,
    /// Span of a `[[users]]` table, if any (E003).
    pub users: Option<Range<usize>>,
    /// The shared files `extends` names, nearest first; their spans follow the site's text.
    pub shared: Vec<ChainFile>,
}

impl Config {
    /// Where a span lies: in `project.toml` or one of the shared files.
    pub fn source(&self) -> Sources<'_> {
        let site = Source {
            path: &self.path,
            text: &self.text,
        };
        let mut files = vec![(0, site)];
        files.extend(super::extends::sources(&self.shared).files);
        Sources { files }
    }

    /// The folder a path set at `span` resolves against: that of the file that set it.
    pub fn dir_of(&self, span: &Range<usize>) -> &Path {
        self.shared
            .iter()
            .rev()
            .find(|f| f.base <= span.start)
            .map_or(&self.dir, |f| &f.dir)
    }

    /// Every settings file read: `project.toml` and the shared files.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.path.as_path()).chain(self.shared.iter().map(|f| f.path.as_path()))
    }

    /// `[project] languages`, the first the default.
    pub fn languages(&self) -> Vec<String> {
        let languages = self.project.languages.get_ref();
        languages.iter().map(|l| l.get_ref().clone()).collect()
    }

    pub fn self_service(&self) -> bool {
        *self.project.self_service.get_ref()
    }
}

/// Where `project.toml` is, given a folder or the file itself.
pub fn toml_path(project: &Path) -> PathBuf {
    if project.is_dir() {
        project.join(FILE_NAME)
    } else {
        project.to_path_buf()
    }
}

/// Reads and checks `project.toml`. `Err(Invalid)` carries every problem found.
pub fn load(project: &Path) -> Result<Config> {
    match read(project)? {
        (Some(config), diagnostics) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(config),
        (_, diagnostics) => Err(Error::Invalid(diagnostics)),
    }
}

/// Reads `project.toml`: the config when it parsed (even if values are wrong), and every
/// problem found. `Err` only when the file cannot be read.
pub fn read(project: &Path) -> Result<(Option<Config>, Vec<Diagnostic>)> {
    let path = toml_path(project);
    let bytes =
        crate::input::read(&path, crate::input::cap::SETTINGS).map_err(|why| Error::Input {
            path: path.clone(),
            why,
        })?;
    Ok(from_bytes(&path, &bytes))
}

/// Parses and checks the bytes of a `project.toml` found at `path` (its folder resolves the
/// relative paths). Never fails: problems are diagnostics.
pub fn from_bytes(path: &Path, bytes: &[u8]) -> (Option<Config>, Vec<Diagnostic>) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(e) => {
            let valid = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            let src = Source { path, text: &text };
            let d = Diagnostic::error("E001", "project.toml is not UTF-8 text")
                .at(src.locate(valid..valid + 1))
                .help("save the file as UTF-8 (without binary content)");
            return (None, vec![d]);
        }
    };
    let mut diagnostics = Vec::new();
    let config = parse(path, dir, text, &mut diagnostics);
    if let Some(config) = &config {
        check_values(config, &mut diagnostics);
    }
    crate::diag::sort(&mut diagnostics);
    (config, diagnostics)
}

fn parse(path: &Path, dir: PathBuf, text: String, diags: &mut Vec<Diagnostic>) -> Option<Config> {
    let site = ChainFile::new(path, text, 0);
    let src = Source {
        path,
        text: &site.text,
    };
    let (root, errors) = DeTable::parse_recoverable(&site.text);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            diags.push(
                Diagnostic::error(
                    "E001",
                    format!("project.toml is not valid TOML: {}", e.message()),
                )
                .at(src.locate(span))
                .help("see https://toml.io for the syntax; strings need double quotes"),
            );
        }
        return None;
    }
    let root_span = root.span();
    let mut root = root.into_inner();
    let shared = extends::read_chain(&site, &root, diags);
    let mut all = vec![(0, src)];
    all.extend(extends::sources(&shared).files);
    let src = Sources { files: all };
    for file in &shared {
        extends::merge(&mut root, file, &src, diags);
    }
    let sections = parse_sections(&src, root, &root_span, diags)?;
    let (project, activation, apps, registration, ids, contact, kit, email, users) = sections;
    Some(Config {
        path: path.to_path_buf(),
        dir,
        project,
        activation,
        apps,
        registration,
        ids,
        contact,
        kit,
        email,
        users,
        text: site.text,
        shared,
    })
}

/// The sections of a `project.toml`, as parsed.
type Sections = (
    ProjectSection,
    ActivationSection,
    AppsSection,
    RegistrationSection,
    IdsSection,
    ContactSection,
    KitSection,
    EmailSection,
    Option<Range<usize>>,
);

fn parse_sections(
    src: &Sources,
    root: DeTable,
    root_span: &Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Sections> {
    let mut sections: std::collections::HashMap<&str, Spanned<DeValue>> = Default::default();
    for (key, value) in root {
        let name = key.get_ref().as_ref();
        if name == extends::KEY {
            continue;
        }
        match SECTIONS.iter().find(|s| **s == name) {
            Some(known) => {
                sections.insert(known, value);
            }
            None => {
                let mut d = Diagnostic::error("E001", format!("unknown table `[{name}]`"))
                    .at(src.locate(key.span()));
                d = match did_you_mean(name, SECTIONS) {
                    Some(close) => d.help(format!("did you mean `[{close}]`?")),
                    None => d.help(format!("the tables are: {}", SECTIONS.join(", "))),
                };
                diags.push(d);
            }
        }
    }
    let mut take = |name: &str| sections.remove(name);
    let project = required::<ProjectSection>(src, "project", take("project"), root_span, diags);
    let activation = required(src, "activation", take("activation"), root_span, diags);
    let apps = required(src, "apps", take("apps"), root_span, diags);
    let registration = required(src, "registration", take("registration"), root_span, diags);
    let ids = required(src, "ids", take("ids"), root_span, diags);
    let contact = optional(src, "contact", take("contact"), diags);
    let kit = optional(src, "kit", take("kit"), diags);
    let email = optional(src, "email", take("email"), diags);
    let users = take("users").map(|v| v.span());
    Some((
        project?,
        activation?,
        apps?,
        registration?,
        ids?,
        contact?,
        kit?,
        email?,
        users,
    ))
}

fn required<T: DeserializeOwned>(
    src: &Sources,
    name: &str,
    value: Option<Spanned<DeValue>>,
    root_span: &Range<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match value {
        Some(value) => section(src, name, value, diags),
        None => {
            diags.push(
                Diagnostic::error("E001", format!("the table `[{name}]` is missing"))
                    .at(src.locate(root_span.start..root_span.start))
                    .help(format!(
                        "add a `[{name}]` table; see the project.toml reference in the README"
                    )),
            );
            None
        }
    }
}

fn optional<T: DeserializeOwned + Default>(
    src: &Sources,
    name: &str,
    value: Option<Spanned<DeValue>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match value {
        Some(value) => section(src, name, value, diags),
        None => Some(T::default()),
    }
}

/// Deserializes one section. On an error it reports it, drops the offending key and tries
/// again, so every unknown key and wrong type of the section is reported in one run.
fn section<T: DeserializeOwned>(
    src: &Sources,
    name: &str,
    mut value: Spanned<DeValue>,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    let section_span = value.span();
    if !value.get_ref().is_table() {
        diags.push(
            Diagnostic::error("E001", format!("`{name}` must be a table"))
                .at(src.locate(section_span))
                .help(format!(
                    "write it as a `[{name}]` header followed by its keys"
                )),
        );
        return None;
    }
    let mut failed = false;
    // Keys dropped after an error, and the keys "did you mean" offered for them: their
    // absence is a consequence, not another problem.
    let mut dropped: Vec<String> = Vec::new();
    for _ in 0..256 {
        let error = match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(parsed) => return (!failed).then_some(parsed),
            Err(error) => error,
        };
        failed = true;
        let message = error.message().to_string();
        if let Some(field) = between(&message, "missing field `", "`") {
            if !dropped.iter().any(|d| d == field) {
                diags.push(
                    Diagnostic::error(
                        "E001",
                        format!("`[{name}]` lacks the required key `{field}`"),
                    )
                    .at(src.locate(section_span.start..section_span.start))
                    .help(format!("add `{field} = ...` under `[{name}]`")),
                );
            }
            return None;
        }
        let span = error.span().unwrap_or(section_span.clone());
        let DeValue::Table(table) = value.get_mut() else {
            return None;
        };
        let key = table
            .iter()
            .find(|(k, v)| contains(&k.span(), span.start) || contains(&v.span(), span.start))
            .map(|(k, _)| k.clone());
        diags.push(describe(
            src,
            name,
            key.as_ref().map(|k| k.get_ref().as_ref()),
            &message,
            span,
        ));
        let key = key?;
        dropped.push(key.get_ref().to_string());
        if let Some(close) = did_you_mean(key.get_ref(), section_keys(name).iter().copied()) {
            dropped.push(close.to_string());
        }
        table.remove(&key);
    }
    None
}

fn contains(range: &Range<usize>, at: usize) -> bool {
    range.start <= at && at < range.end.max(range.start + 1)
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// Turns a serde message into a sentence with a fix.
fn describe(
    src: &Sources,
    section: &str,
    key: Option<&str>,
    message: &str,
    span: Range<usize>,
) -> Diagnostic {
    let at = src.locate(span);
    let known = section_keys(section);
    if let Some(key) = between(message, "unknown field `", "`") {
        let help = match did_you_mean(key, known.iter().copied()) {
            _ if key == extends::KEY => {
                "`extends` belongs on the first line, before any table: extends = \"../company.toml\"".into()
            }
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the keys of `[{section}]` are: {}", known.join(", ")),
        };
        return Diagnostic::error("E001", format!("unknown key `{key}` in `[{section}]`"))
            .at(at)
            .help(help);
    }
    let what = key.map_or(format!("a value in `[{section}]`"), |k| {
        format!("`{k}` in `[{section}]`")
    });
    Diagnostic::error(
        "E001",
        format!("{what} has the wrong type or range: {message}"),
    )
    .at(at)
    .help("see the project.toml reference in the README for each key's type")
}

/// The keys of each section, for "did you mean" (`auto_sync` is recognised, but not offered).
fn section_keys(section: &str) -> &'static [&'static str] {
    match section {
        "project" => &["id", "name", "self_service", "languages", "theme"],
        "activation" => &["qr", "payload"],
        "apps" => &["app_store", "app_store_qr", "google_play", "google_play_qr"],
        "registration" => &["url", "instructions"],
        "contact" => &["name", "email", "phone"],
        "ids" => &["first", "ledger"],
        "kit" => &[
            "outputs",
            "paper",
            "cards",
            "poster",
            "qr_ec",
            "qr_size_mm",
            "date",
        ],
        "email" => &["from", "to"],
        _ => &[],
    }
}

/// The second pass: every value in its range, every rule of SPEC that needs no other file.
fn check_values(config: &Config, diags: &mut Vec<Diagnostic>) {
    let mut r = Report {
        src: config.source(),
        diags,
    };
    project_values(config, &mut r);
    activation_values(config, &mut r);
    app_links(config, &mut r);
    registration_and_contact(config, &mut r);
    kit_values(config, &mut r);
}

/// Where the second pass reports to.
struct Report<'a> {
    src: Sources<'a>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Report<'_> {
    fn error(&mut self, code: &'static str, span: Range<usize>, message: String, help: &str) {
        self.diags.push(
            Diagnostic::error(code, message)
                .at(self.src.locate(span))
                .help(help),
        );
    }
}

/// `[project]`: id, name, mode, languages.
fn project_values(config: &Config, r: &mut Report) {
    let p = &config.project;

    let id = p.id.get_ref();
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        r.error(
            "E001",
            p.id.span(),
            format!("the project id `{}` is not valid", id.escape_debug()),
            "use 1 to 64 characters from a-z, 0-9 and `-`; it names the output folder",
        );
    }
    if p.name.get_ref().trim().is_empty() {
        r.error(
            "E001",
            p.name.span(),
            "the project name is empty".into(),
            "give the name printed on every material",
        );
    }
    if !*p.self_service.get_ref() {
        r.error(
            "E002",
            p.self_service.span(),
            "the project is not a self-service project".into(),
            "kits are for self-service projects, and Manager cannot switch an existing project to self-service: create a new project with \"Use self-service registration\" and set `self_service = true`",
        );
    } else {
        if let Some(auto_sync) = &p.auto_sync {
            r.error(
                "E003",
                auto_sync.span(),
                "`auto_sync` is configured in a self-service project".into(),
                "Manager offers auto-sync only in projects without self-service; remove the key",
            );
        }
        if let Some(users) = &config.users {
            r.error(
                "E003",
                users.clone(),
                "`users` are configured in a self-service project".into(),
                "in a self-service project users register themselves; remove the `[[users]]` tables",
            );
        }
    }
    language_values(config, r);
}

/// `[project] languages`: at least one, each a tag as written, each once.
fn language_values(config: &Config, r: &mut Report) {
    let p = &config.project;
    let languages = p.languages.get_ref();
    if languages.is_empty() {
        r.error(
            "E001",
            p.languages.span(),
            "no language is configured".into(),
            "name at least one, e.g. `languages = [\"en\"]`",
        );
    }
    for (i, lang) in languages.iter().enumerate() {
        if !is_language_tag(lang.get_ref()) {
            let shown = lang.get_ref().escape_debug();
            let (message, help) = match language_tag(lang.get_ref()) {
                Some(tag) => (
                    format!("the language tag `{shown}` is written `{tag}`"),
                    format!("write `{tag}`"),
                ),
                None => (
                    format!("`{shown}` is not a language tag"),
                    "use a tag such as `en`, `de`, `pt-BR`".into(),
                ),
            };
            r.error("E001", lang.span(), message, &help);
        } else if languages[..i].iter().any(|l| l.get_ref() == lang.get_ref()) {
            r.error(
                "E001",
                lang.span(),
                format!("the language `{}` is named twice", lang.get_ref()),
                "name each language once",
            );
        }
    }
}

/// `[activation]`: exactly one of `qr` and `payload`.
fn activation_values(config: &Config, r: &mut Report) {
    let a = &config.activation;
    match (&a.qr, &a.payload) {
        (Some(_), Some(payload)) => r.error(
            "E001",
            payload.span(),
            "`[activation]` has both `qr` and `payload`".into(),
            "keep exactly one: the image downloaded from Manager, or its content",
        ),
        (None, None) => r.error(
            "E001",
            0..0,
            "`[activation]` has neither `qr` nor `payload`".into(),
            "add `qr = \"activation-qr.png\"` with the image from Manager's Settings",
        ),
        (None, Some(payload)) if crate::text::visible(payload.get_ref()).trim().is_empty() => r
            .error(
                "E001",
                payload.span(),
                "the activation payload is empty (nothing but spaces or hidden characters)".into(),
                "paste the content of Manager's activation code",
            ),
        _ => {}
    }
}

/// `[apps]`: one of link and image per store; links on the store's host (E005).
fn app_links(config: &Config, r: &mut Report) {
    let apps = &config.apps;
    for (store, link, image) in [
        ("app_store", &apps.app_store, &apps.app_store_qr),
        ("google_play", &apps.google_play, &apps.google_play_qr),
    ] {
        match (link, image) {
            (Some(link), Some(_)) => r.error(
                "E001",
                link.span(),
                format!("`{store}` and `{store}_qr` are both set"),
                "keep exactly one: the link BALTECH publishes, or its downloaded QR image",
            ),
            (None, None) => r.error(
                "E001",
                0..0,
                format!("`[apps]` has neither `{store}` nor `{store}_qr`"),
                "paste the store link BALTECH publishes for the Mobile ID app",
            ),
            (Some(link), None) => {
                if let Err(why) = check_store_link(store, link.get_ref()) {
                    r.error("E005", link.span(), why, store_help(store));
                }
            }
            (None, Some(_)) => {}
        }
    }
}

/// `[registration]` url and instructions path, `[contact]` and `[email]` addresses.
fn registration_and_contact(config: &Config, r: &mut Report) {
    if let Some(url) = &config.registration.url {
        let u = url.get_ref();
        if !(u.starts_with("https://") || u.starts_with("http://"))
            || u.len() <= 8
            || u.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            r.error(
                "E001",
                url.span(),
                format!("`{}` is not a web address", u.escape_debug()),
                "give the full address of the host system's self-registration page, starting with https://",
            );
        }
    }
    if !config
        .registration
        .instructions
        .get_ref()
        .contains("{lang}")
        && config.project.languages.get_ref().len() > 1
    {
        r.error(
            "E001",
            config.registration.instructions.span(),
            "the instructions path has no `{lang}`".into(),
            "with several languages, name one file per language, e.g. \"instructions.{lang}.md\"",
        );
    }
    if let Some(email) = &config.contact.email {
        let e = email.get_ref();
        if !is_address(e) {
            r.error(
                "E001",
                email.span(),
                format!("`{}` is not an email address", e.escape_debug()),
                "write only the address, as name@example.com (no name, no ?subject or other parts of a link)",
            );
        }
    }
    if let Some(phone) = &config.contact.phone
        && !is_phone_number(phone.get_ref())
    {
        r.error(
            "E001",
            phone.span(),
            format!("`{}` is not a phone number", phone.get_ref().escape_debug()),
            "write digits, spaces and + ( ) - / . only, as +49 30 1234 5678",
        );
    }
    for address in [&config.email.from, &config.email.to].into_iter().flatten() {
        if mailbox(address.get_ref()).is_none() {
            r.error(
                "E001",
                address.span(),
                format!(
                    "`{}` is not an email address",
                    address.get_ref().escape_debug()
                ),
                "write it as it@example.com or \"IT Service Desk <it@example.com>\"",
            );
        }
    }
}

/// `[kit]`: outputs, paper, EC level, code size and date.
fn kit_values(config: &Config, r: &mut Report) {
    let kit = &config.kit;
    for (key, list, allowed) in [
        ("outputs", &kit.outputs, &OUTPUTS[..]),
        ("paper", &kit.paper, &PAPERS[..]),
        ("cards", &kit.cards, &STOCKS[..]),
        ("poster", &kit.poster, &POSTERS[..]),
    ] {
        if let Some(list) = list {
            if list.get_ref().is_empty() {
                r.error(
                    "E001",
                    list.span(),
                    format!("`{key}` is empty"),
                    "name at least one, or remove the key for the default",
                );
            }
            for item in list.get_ref() {
                if !allowed.contains(&item.get_ref().as_str()) {
                    let help = match did_you_mean(item.get_ref(), allowed.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("choose from: {}", allowed.join(", ")),
                    };
                    r.error(
                        "E001",
                        item.span(),
                        format!(
                            "`{}` is not a known {key} value",
                            item.get_ref().escape_debug()
                        ),
                        &help,
                    );
                }
            }
        }
    }
    if let Some(ec) = &kit.qr_ec
        && crate::qr::Ec::parse(ec.get_ref()).is_none()
    {
        r.error(
            "E001",
            ec.span(),
            format!(
                "`{}` is not a QR error correction level",
                ec.get_ref().escape_debug()
            ),
            "use L, M, Q or H (M is a good default for print)",
        );
    }
    if let Some(size) = &kit.qr_size_mm
        && !QR_SIZE_MM.contains(size.get_ref())
    {
        r.error(
            "E001",
            size.span(),
            format!(
                "a code of {} mm is outside {} to {} mm",
                size.get_ref(),
                QR_SIZE_MM.start(),
                QR_SIZE_MM.end()
            ),
            "codes smaller than 20 mm do not scan reliably from a printout, and larger than 60 mm do not fit the flyer",
        );
    }
    if let Some(date) = &kit.date {
        let d = date.get_ref();
        if d.date.is_none() || d.time.is_some() {
            r.error(
                "E001",
                date.span(),
                "`date` must be a calendar date".into(),
                "write it as date = 2026-03-01",
            );
        }
    }
}

/// `name@host` or `Display Name <name@host>` → (display name, address).
pub fn mailbox(text: &str) -> Option<(Option<String>, String)> {
    let text = text.trim();
    let (name, address) = match text.strip_suffix('>').and_then(|t| t.rsplit_once('<')) {
        Some((name, address)) => (
            Some(unquoted(name.trim())).filter(|n| !n.is_empty()),
            address.trim(),
        ),
        None => (None, text),
    };
    if !is_address(address)
        || name
            .as_deref()
            .is_some_and(|n| n.chars().any(char::is_control))
    {
        return None;
    }
    Some((name, address.to_string()))
}

/// A display name without the one pair of quotes around all of it (`"IT, Desk"`); quotes
/// inside it (`IT Desk "quoted"`) are part of the name.
fn unquoted(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner.to_string(),
        _ => name.to_string(),
    }
}

/// An email address and nothing else: `local@host.tld`, the local part of letters, digits and
/// `.!$'*+/=^_`{|}~-`, the host of dot-separated labels of letters, digits and `-` — so
/// no `?bcc=` or other link parts can ride along into a `mailto:`.
pub fn is_address(address: &str) -> bool {
    let Some((local, host)) = address.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            // `#`, `%` and `&` are allowed by RFC 5322 but change a `mailto:` link.
            .all(|c| c.is_alphanumeric() || ".!$'*+/=^_`{|}~-".contains(c));
    let labels: Vec<&str> = host.split('.').collect();
    let host_ok = labels.len() >= 2
        && host.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && host_ok
}

/// A phone number as people write it: an optional leading `+`, then digits (at least three)
/// with spaces, `( ) - / .` between them.
pub fn is_phone_number(phone: &str) -> bool {
    let rest = phone.trim().strip_prefix('+').unwrap_or(phone.trim());
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && phone.len() <= 40
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-/.".contains(c))
}

/// A BCP 47 language tag written as `check` expects it: the language in lower case, a script
/// in title case, a region in upper case (`pt-BR`, `sr-Latn-RS`), from any case; `None` for
/// what is not a language tag.
pub fn language_tag(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let language = parts.next()?;
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut tag = language.to_ascii_lowercase();
    for part in parts {
        if !(1..=8).contains(&part.len()) || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let alphabetic = part.bytes().all(|b| b.is_ascii_alphabetic());
        let written = match part.len() {
            4 if alphabetic => {
                let (first, rest) = part.split_at(1);
                format!(
                    "{}{}",
                    first.to_ascii_uppercase(),
                    rest.to_ascii_lowercase()
                )
            }
            2 if alphabetic => part.to_ascii_uppercase(),
            _ => part.to_ascii_lowercase(),
        };
        tag.push('-');
        tag.push_str(&written);
    }
    Some(tag)
}

fn is_language_tag(tag: &str) -> bool {
    language_tag(tag).as_deref() == Some(tag)
}

fn store_help(store: &str) -> &'static str {
    if store == "app_store" {
        "paste the App Store link BALTECH publishes: https://apps.apple.com/..."
    } else {
        "paste the Google Play link BALTECH publishes: https://play.google.com/store/apps/details?id=..."
    }
}

/// A store link must be `https` on the store's own host: a wrong link on a printed flyer
/// sends a whole workforce to the wrong app.
pub fn check_store_link(store: &str, link: &str) -> std::result::Result<(), String> {
    let host = if store == "app_store" {
        "apps.apple.com"
    } else {
        "play.google.com"
    };
    let Some(rest) = link.strip_prefix("https://") else {
        return Err(format!(
            "the {} link `{}` is not https",
            store_name(store),
            link.escape_debug()
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority != host || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the {} link `{}` is not on {host}",
            store_name(store),
            link.escape_debug()
        ));
    }
    Ok(())
}

pub fn store_name(store: &str) -> &'static str {
    if store.starts_with("app_store") {
        "App Store"
    } else {
        "Google Play"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_links() {
        assert!(check_store_link("app_store", "https://apps.apple.com/de/app/x/id1").is_ok());
        assert!(check_store_link("app_store", "http://apps.apple.com/app").is_err());
        assert!(check_store_link("app_store", "https://apps.apple.com.evil.io/app").is_err());
        assert!(check_store_link("app_store", "https://apps.apple.com@evil.io/app").is_err());
        assert!(
            check_store_link(
                "google_play",
                "https://play.google.com/store/apps/details?id=a"
            )
            .is_ok()
        );
        assert!(check_store_link("google_play", "https://apps.apple.com/x").is_err());
    }

    #[test]
    fn mailboxes() {
        assert_eq!(
            mailbox("it@example.com"),
            Some((None, "it@example.com".into()))
        );
        assert_eq!(
            mailbox("IT Desk <it@example.com>"),
            Some((Some("IT Desk".into()), "it@example.com".into()))
        );
        assert_eq!(
            mailbox("\"IT, Desk\" <it@example.com>"),
            Some((Some("IT, Desk".into()), "it@example.com".into()))
        );
        assert_eq!(mailbox("not an address"), None);
        assert_eq!(mailbox("a@b@c.d"), None);
        assert_eq!(mailbox("a@localhost"), None);
        assert_eq!(
            mailbox("IT Desk \"quoted\" <it@example.com>"),
            Some((Some("IT Desk \"quoted\"".into()), "it@example.com".into()))
        );
        assert!(!is_address("a@b.example?bcc=spy@evil.example"));
        assert!(!is_address("a@b.example?subject=x"));
        assert!(!is_address("a#x@b.example") && !is_address("a%3Fbcc@b.example"));
        assert!(is_address("jörg.o'neil+it@beispiel.de"));
        assert!(is_phone_number("+49 (30) 1234-5678") && is_phone_number("030/123 45"));
        assert!(!is_phone_number("javascript:alert(1)") && !is_phone_number("12"));
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("en") && is_language_tag("pt-BR") && is_language_tag("uk"));
        assert_eq!(language_tag("EN").as_deref(), Some("en"));
        assert_eq!(language_tag("pt-br").as_deref(), Some("pt-BR"));
        assert_eq!(language_tag("SR-LATN-rs").as_deref(), Some("sr-Latn-RS"));
        assert_eq!(language_tag("en_US"), None);
        assert!(
            !is_language_tag("EN")
                && !is_language_tag("e")
                && !is_language_tag("en_US")
                && !is_language_tag("../x")
        );
    }
}
