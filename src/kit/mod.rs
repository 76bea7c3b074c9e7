//! What a kit holds: every renderer turns the validated project into files in memory;
//! `write` puts them on disk.

pub mod card;
pub mod email;
pub mod manifest;
pub mod page;
pub mod pdf;
pub mod text;
pub mod write;

use crate::error::{Error, Result};
use crate::project::Project;

/// One file of a kit, not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitFile {
    /// Relative to the kit folder, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The QR codes the file shows.
    pub codes: Vec<&'static str>,
}

impl KitFile {
    pub fn new(
        path: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
        codes: Vec<&'static str>,
    ) -> Self {
        KitFile {
            path: path.into(),
            bytes: bytes.into(),
            codes,
        }
    }
}

/// Text as it may be printed or drawn: control characters (NUL included) and bidi overrides
/// are dropped, so a hostile name can neither hide nor reorder text on a flyer or an image.
/// (HTML shows them as U+FFFD instead; see [`crate::html::escape`].)
pub fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !crate::diag::is_bidi_control(*c))
        .collect()
}

/// Which part of a kit to build.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--only`: a subset of the project's outputs.
    pub only: Option<Vec<String>>,
    /// `--lang`: a subset of the project's languages.
    pub languages: Option<Vec<String>>,
}

impl Selection {
    /// The outputs and languages to build for a project; a choice outside the project's
    /// own lists is a usage error.
    pub fn resolve(&self, project: &Project) -> Result<(Vec<String>, Vec<String>)> {
        let outputs = pick(
            &self.only,
            &project.kit.outputs,
            "output",
            "[kit] outputs",
            project,
        )?;
        let languages = pick(
            &self.languages,
            &project.languages,
            "language",
            "[project] languages",
            project,
        )?;
        Ok((outputs, languages))
    }
}

fn pick(
    choice: &Option<Vec<String>>,
    configured: &[String],
    what: &str,
    key: &str,
    project: &Project,
) -> Result<Vec<String>> {
    let Some(choice) = choice else {
        return Ok(configured.to_vec());
    };
    for item in choice {
        if !configured.contains(item) {
            return Err(Error::Usage(format!(
                "the {what} `{item}` is not in {key} of project `{}` ({})",
                project.id,
                configured.join(", ")
            )));
        }
    }
    // Keep the project's order, so the default language stays first.
    Ok(configured
        .iter()
        .filter(|c| choice.contains(c))
        .cloned()
        .collect())
}

/// Renders a project's kit into memory, manifest last.
pub fn build(project: &Project, outputs: &[String], languages: &[String]) -> Result<Vec<KitFile>> {
    let wants = |kind: &str| outputs.iter().any(|o| o == kind);
    // Each language renders on its own thread while this one draws the shared files; the
    // files are sorted afterwards, so the kit is the same whatever order they finish in.
    let (shared, per_language) = std::thread::scope(|scope| {
        let workers: Vec<_> = languages
            .iter()
            .map(|lang| scope.spawn(move || language_files(project, outputs, lang)))
            .collect();
        let shared = shared_files(project, languages, wants("qr"), wants("html"));
        let per_language: Vec<Result<Vec<KitFile>>> = workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(Error::Usage("a renderer stopped unexpectedly".into())))
            })
            .collect();
        (shared, per_language)
    });
    let mut files = shared?;
    for result in per_language {
        files.extend(result?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = manifest::render(project, &files);
    files.push(manifest);
    Ok(files)
}

/// The files every language shares: the codes alone and the pages (which link each other).
fn shared_files(
    project: &Project,
    languages: &[String],
    qr: bool,
    html: bool,
) -> Result<Vec<KitFile>> {
    let mut files = Vec::new();
    if qr {
        for (name, code) in project.codes.all() {
            files.push(KitFile::new(
                format!("qr/{name}.svg"),
                code.to_svg(name),
                vec![name],
            ));
            files.push(KitFile::new(
                format!("qr/{name}.png"),
                code.to_png(crate::qr::PNG_SCALE),
                vec![name],
            ));
        }
    }
    if html {
        files.extend(page::render_all(project, languages)?);
    }
    Ok(files)
}

/// The files of one language.
fn language_files(project: &Project, outputs: &[String], lang: &str) -> Result<Vec<KitFile>> {
    let wants = |kind: &str| outputs.iter().any(|o| o == kind);
    let mut files = Vec::new();
    if wants("pdf") {
        let fonts = pdf::Fonts::of(project)?;
        for paper in &project.kit.paper {
            let bytes = pdf::flyer::render(project, &fonts, paper, lang)?;
            files.push(KitFile::new(
                format!("flyer-{paper}.{lang}.pdf"),
                bytes,
                project.codes.names(),
            ));
        }
        let bytes = pdf::cards::render(project, &fonts, lang)?;
        files.push(KitFile::new(
            format!("cards-a4.{lang}.pdf"),
            bytes,
            vec![crate::project::model::CODE_NAMES[2]],
        ));
    }
    if wants("md") {
        let markdown = &project.instructions[lang];
        files.push(KitFile::new(
            format!("instructions.{lang}.md"),
            markdown.as_bytes(),
            vec![],
        ));
    }
    if wants("card") {
        files.push(card::render(project, lang)?);
    }
    if wants("email") {
        files.push(email::render(project, lang)?);
    }
    if wants("message") {
        files.push(text::message(project, lang)?);
    }
    Ok(files)
}
