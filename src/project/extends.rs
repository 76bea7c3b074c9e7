//! `extends = "../company.toml"`: a site's `project.toml` over the shared files it names.
//!
//! Every file of the chain keeps its own text; its spans are moved to a base offset of its
//! own (see [`crate::diag::Sources`]), so after merging, a value still says in which file
//! and line it was set, and a path still resolves against the folder of the file that set it.

use crate::diag::{Diagnostic, Source, Sources};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

/// The key that names a shared file.
pub const KEY: &str = "extends";

/// A chain longer than this is refused (it is a mistake, not a company).
const MAX_DEPTH: usize = 8;

/// What a shared file may set: these tables (of `[project]` only `languages` and `theme`).
const SHARED_TABLES: [&str; 6] = ["project", "apps", "registration", "contact", "email", "kit"];
/// The keys of `[project]` only a site may set (others are unknown keys, E001).
const SITE_PROJECT_KEYS: [&str; 4] = ["id", "name", "self_service", "auto_sync"];
/// What only a site may set, since only Manager knows it per project.
const SITE_TABLES: [&str; 3] = ["activation", "ids", "users"];

/// One file of the chain: the site's `project.toml` (base 0) or a shared file.
#[derive(Debug)]
pub struct ChainFile {
    pub path: PathBuf,
    /// The folder its relative paths resolve against.
    pub dir: PathBuf,
    pub text: String,
    /// Where its spans start in the chain's offsets.
    pub base: usize,
}

impl ChainFile {
    pub fn new(path: &Path, text: String, base: usize) -> Self {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        ChainFile {
            path: path.to_path_buf(),
            dir,
            text,
            base,
        }
    }

    /// Its text, for locating spans in its own offsets.
    pub fn source(&self) -> Source<'_> {
        Source {
            path: &self.path,
            text: &self.text,
        }
    }

    fn end(&self) -> usize {
        self.base + self.text.len() + 1
    }
}

/// The files of a chain as one located text.
pub fn sources(files: &[ChainFile]) -> Sources<'_> {
    Sources {
        files: files.iter().map(|f| (f.base, f.source())).collect(),
    }
}

/// Reads the shared files `root` (the site's table) names, nearest first. A problem is an
/// E009 (or E001 for a file that is not TOML) at the `extends` that leads to it.
pub fn read_chain(site: &ChainFile, root: &DeTable, diags: &mut Vec<Diagnostic>) -> Vec<ChainFile> {
    let mut chain: Vec<ChainFile> = Vec::new();
    let mut seen = vec![real_path(&site.path)];
    let mut next = named(root, &site.source(), site.base, diags);
    while let Some((relative, span)) = next.take() {
        let from = chain.last().unwrap_or(site);
        let file = match open_shared(from, &relative, &mut seen) {
            Ok(file) => file,
            Err(refused) => {
                let files = std::iter::once(site).chain(&chain);
                let all = Sources {
                    files: files.map(|f| (f.base, f.source())).collect(),
                };
                diags.push(refused.at(all.locate(span)));
                break;
            }
        };
        let (table, errors) = DeTable::parse_recoverable(&file.text);
        let src = file.source();
        if errors.is_empty() {
            next = named(table.get_ref(), &src, file.base, diags);
        }
        diags.extend(errors.iter().map(|e| syntax_error(&src, e)));
        // Kept even when it is not TOML: `serve` watches it for the fix.
        chain.push(file);
    }
    chain
}

fn real_path(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The shared file `relative` names from the file `from`, read; `seen` holds the files of
/// the chain so far. The refusal is an E009 still to be placed at the `extends`.
fn open_shared(
    from: &ChainFile,
    relative: &str,
    seen: &mut Vec<PathBuf>,
) -> Result<ChainFile, Box<Diagnostic>> {
    let found = shared_path(&from.dir, relative).map_err(|why| Box::new(refusal(why, relative)))?;
    let real = real_path(&found);
    let shown = relative.escape_debug();
    if seen.contains(&real) || seen.len() > MAX_DEPTH {
        let message = if seen.contains(&real) {
            format!("`extends = \"{shown}\"` forms a cycle")
        } else {
            format!("`extends = \"{shown}\"` leads more than {MAX_DEPTH} shared files deep")
        };
        return Err(Box::new(Diagnostic::error("E009", message).help(
            "a shared file may extend one further up, never one that extends it back",
        )));
    }
    seen.push(real);
    let text = crate::input::read(&found, crate::input::cap::SETTINGS)
        .map_err(|why| why.to_string())
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".into()))
        .map_err(|why| {
            Diagnostic::error(
                "E009",
                format!("the shared file `{shown}` cannot be read: {why}"),
            )
            .help("save the shared settings as UTF-8 text")
        })?;
    Ok(ChainFile::new(&found, text, from.end()))
}

pub fn syntax_error(src: &Source, e: &toml::de::Error) -> Diagnostic {
    Diagnostic::error(
        "E001",
        format!(
            "{} is not valid TOML: {}",
            crate::diag::display_path(src.path),
            e.message()
        ),
    )
    .at(src.locate(e.span().unwrap_or(0..0)))
    .help("see https://toml.io for the syntax; strings need double quotes")
}

/// The `extends` of a file, if it names one: its text and its span moved to `base`. One
/// that is not a string is an E001 at its place in `src` (the file itself).
pub fn named(
    root: &DeTable,
    src: &Source,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, Range<usize>)> {
    let (_, value) = root.iter().find(|(k, _)| k.get_ref() == KEY)?;
    let span = value.span().start + base..value.span().end + base;
    match value.get_ref() {
        DeValue::String(path) => Some((path.to_string(), span)),
        _ => {
            diags.push(
                Diagnostic::error(
                    "E001",
                    "`extends` must be the path of a shared file, in quotes",
                )
                .at(src.locate(value.span()))
                .help("write it as the first line: extends = \"../company.toml\""),
            );
            None
        }
    }
}

/// Why a shared file cannot be used.
enum Refused {
    Sideways,
    Missing,
}

fn refusal(why: Refused, relative: &str) -> Diagnostic {
    let shown = relative.escape_debug();
    match why {
        Refused::Sideways => Diagnostic::error("E009", format!("the shared file `{shown}` is not in this folder or a folder above it"))
            .help("name a file here or further up, as \"company.toml\", \"../company.toml\" or \"../../company.toml\"; not an absolute path, not a folder beside this one"),
        Refused::Missing => Diagnostic::error("E009", format!("the shared file `{shown}` does not exist"))
            .help("check the name and how many folders up it is (`../` per folder)"),
    }
}

/// `relative` from `dir`: only `..` steps, then a file name; the file's real folder must be
/// one of `dir`'s ancestors (or `dir` itself), so a link cannot lead sideways either.
fn shared_path(dir: &Path, relative: &str) -> Result<PathBuf, Refused> {
    let mut ups = 0;
    let mut name = None;
    for c in Path::new(relative).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if name.is_none() => ups += 1,
            Component::Normal(n) if name.is_none() => name = Some(n.to_owned()),
            _ => return Err(Refused::Sideways),
        }
    }
    let looks_absolute = relative.starts_with(['/', '\\']) || relative.get(1..2) == Some(":");
    let Some(name) = name.filter(|_| !looks_absolute && !relative.contains('\0')) else {
        return Err(Refused::Sideways);
    };
    // `site/../company.toml` is shown as `company.toml`.
    let mut path = dir.to_path_buf();
    for _ in 0..ups {
        if matches!(path.components().next_back(), Some(Component::Normal(_))) {
            path.pop();
        } else {
            path.push("..");
        }
    }
    let path = path.join(name);
    let real = path.canonicalize().map_err(|_| Refused::Missing)?;
    let here = dir.canonicalize().map_err(|_| Refused::Missing)?;
    match real.parent() {
        Some(folder) if here.starts_with(folder) && real.is_file() => Ok(path),
        Some(_) if !real.is_file() => Err(Refused::Missing),
        _ => Err(Refused::Sideways),
    }
}

/// Moves every span of a value by `base`.
fn shift<'i>(value: Spanned<DeValue<'i>>, base: usize) -> Spanned<DeValue<'i>> {
    let span = value.span();
    let moved = span.start + base..span.end + base;
    let inner = match value.into_inner() {
        DeValue::Table(table) => DeValue::Table(shift_table(table, base)),
        DeValue::Array(items) => {
            DeValue::Array(items.into_iter().map(|v| shift(v, base)).collect())
        }
        other => other,
    };
    Spanned::new(moved, inner)
}

fn shift_table(table: DeTable<'_>, base: usize) -> DeTable<'_> {
    table
        .into_iter()
        .map(|(k, v)| {
            let span = k.span();
            let key: Spanned<DeString> =
                Spanned::new(span.start + base..span.end + base, k.into_inner());
            (key, shift(v, base))
        })
        .collect()
}

/// Puts what a shared file sets under `root` where the site (or a nearer shared file) does
/// not set it, key by key. What a shared file may not set is an E009 and left out.
pub fn merge<'i>(
    root: &mut DeTable<'i>,
    file: &'i ChainFile,
    src: &Sources,
    diags: &mut Vec<Diagnostic>,
) {
    let (table, _) = DeTable::parse_recoverable(&file.text);
    let table = shift_table(table.into_inner(), file.base);
    let name = crate::diag::display_path(&file.path);
    for (key, value) in table {
        let section = key.get_ref().to_string();
        if section == KEY {
            continue;
        }
        if SITE_TABLES.contains(&section.as_str()) {
            diags.push(site_only(src, &name, &format!("[{section}]"), key.span()));
            continue;
        }
        let (span, mut value) = (value.span(), value.into_inner());
        if let (true, DeValue::Table(keys)) = (section == "project", &mut value) {
            let refused: Vec<Spanned<DeString>> = keys
                .iter()
                .map(|(k, _)| k.clone())
                .filter(|k| SITE_PROJECT_KEYS.contains(&k.get_ref().as_ref()))
                .collect();
            for k in refused {
                let what = format!("[project] {}", k.get_ref());
                diags.push(site_only(src, &name, &what, k.span()));
                keys.remove(&k);
            }
        }
        let value = Spanned::new(span, value);
        if SHARED_TABLES.contains(&section.as_str()) && !value.get_ref().is_table() {
            diags.push(
                Diagnostic::error(
                    "E001",
                    format!("`{section}` in the shared file {name} must be a table"),
                )
                .at(src.locate(key.span()))
                .help(format!(
                    "write it as a `[{section}]` header followed by its keys"
                )),
            );
            continue;
        }
        if !SHARED_TABLES.contains(&section.as_str()) {
            // An unknown table: the site's own reading names it, at its place here.
            root.entry(key).or_insert(value);
            continue;
        }
        fill(root, key, value);
    }
}

/// Adds the keys of a shared section that the site's section lacks.
fn fill<'i>(root: &mut DeTable<'i>, key: Spanned<DeString<'i>>, shared: Spanned<DeValue<'i>>) {
    let Some(own) = root.get_mut(&key) else {
        root.insert(key, shared);
        return;
    };
    let (DeValue::Table(own), DeValue::Table(shared)) = (own.get_mut(), shared.into_inner()) else {
        return;
    };
    for (k, v) in shared {
        // A store's link and its image are one setting: the site's either wins.
        let partner = match k.get_ref().as_ref() {
            "app_store" => "app_store_qr",
            "app_store_qr" => "app_store",
            "google_play" => "google_play_qr",
            "google_play_qr" => "google_play",
            _ => "",
        };
        if !partner.is_empty() && own.iter().any(|(o, _)| o.get_ref() == partner) {
            continue;
        }
        own.entry(k).or_insert(v);
    }
}

fn site_only(src: &Sources, file: &str, what: &str, span: Range<usize>) -> Diagnostic {
    Diagnostic::error(
        "E009",
        format!(
            "`{what}` is set in the shared file {file}, but only a site's project.toml may set it"
        ),
    )
    .at(src.locate(span))
    .help("Manager knows it per project: move it into each site's project.toml")
}
