//! What a kit holds: every renderer turns the validated project into files in memory;
//! `write` puts them on disk.

pub mod email;
pub mod image;
pub mod manifest;
pub mod page;
pub mod pdf;
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

/// A kit in memory: its files (manifest last) and what the build report should say about
/// them.
#[derive(Debug, Default)]
pub struct Kit {
    pub files: Vec<KitFile>,
    pub notes: Vec<String>,
}

/// Renders a project's kit into memory, manifest last.
pub fn build(project: &Project, outputs: &[String], languages: &[String]) -> Result<Kit> {
    let wants = |kind: &str| outputs.iter().any(|o| o == kind);
    // Each language renders on its own thread while this one draws the shared files; the
    // files are sorted afterwards, so the kit is the same whatever order they finish in.
    let (shared, per_language) = std::thread::scope(|scope| {
        let workers: Vec<_> = languages
            .iter()
            .map(|lang| scope.spawn(move || language_files(project, outputs, lang)))
            .collect();
        let shared = shared_files(project, languages, wants("qr"), wants("html"));
        let per_language: Vec<Result<Kit>> = workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(Error::Internal("a renderer stopped unexpectedly".into()))
                })
            })
            .collect();
        (shared, per_language)
    });
    // Every language's problems are reported, not only the first one's.
    let mut kit = Kit::default();
    let mut problems = Vec::new();
    let shared = shared.map(|files| Kit {
        files,
        notes: Vec::new(),
    });
    for result in std::iter::once(shared).chain(per_language) {
        match result {
            Ok(part) => {
                kit.files.extend(part.files);
                kit.notes.extend(part.notes);
            }
            Err(Error::Invalid(found)) => problems.extend(found),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    kit.files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = manifest::render(project, &kit.files);
    kit.files.push(manifest);
    Ok(kit)
}

/// What rendering the whole kit would refuse: `check` runs this after validation, so it
/// reports every problem `build` would — the same code, from the same place.
pub fn judge(project: &Project) -> Result<Vec<crate::diag::Diagnostic>> {
    match build(project, &project.kit.outputs, &project.languages) {
        Ok(_) => Ok(Vec::new()),
        Err(Error::Invalid(found)) => Ok(found),
        Err(e) => Err(e),
    }
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

/// The files of one language. Every output is tried, so every problem is reported.
fn language_files(project: &Project, outputs: &[String], lang: &str) -> Result<Kit> {
    let wants = |kind: &str| outputs.iter().any(|o| o == kind);
    let mut kit = Kit::default();
    let mut problems = Vec::new();
    let mut keep = |result: Result<Vec<KitFile>>, kit: &mut Kit| match result {
        Ok(files) => {
            kit.files.extend(files);
            Ok(())
        }
        Err(Error::Invalid(found)) => {
            problems.extend(found);
            Ok(())
        }
        Err(e) => Err(e),
    };
    if wants("pdf") {
        let print = print_files(project, lang).map(|(files, notes)| {
            kit.notes.extend(notes);
            files
        });
        keep(print, &mut kit)?;
    }
    if wants("md") {
        let markdown = &project.instructions[lang];
        let file = KitFile::new(
            format!("instructions.{lang}.md"),
            markdown.as_bytes(),
            vec![],
        );
        keep(Ok(vec![file]), &mut kit)?;
    }
    if wants("card") {
        keep(image::render(project, lang).map(|f| vec![f]), &mut kit)?;
    }
    if wants("email") {
        keep(email::render(project, lang).map(|f| vec![f]), &mut kit)?;
    }
    if wants("message") {
        let message = crate::layout::message::compose(project, lang)
            .map(|text| vec![KitFile::new(format!("message.{lang}.txt"), text, vec![])]);
        keep(message, &mut kit)?;
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(kit)
}

/// The PDFs of one language and the notes on them.
fn print_files(project: &Project, lang: &str) -> Result<(Vec<KitFile>, Vec<String>)> {
    let print = print_kit(project, lang)?;
    let fonts = pdf::Fonts::of(project)?;
    let mut files = Vec::new();
    for document in &print.documents {
        let codes = document.codes.iter().map(|c| c.as_str()).collect();
        let bytes = pdf::write(project, &fonts, document)?;
        files.push(KitFile::new(document.file.clone(), bytes, codes));
    }
    Ok((files, print.notes))
}

/// The laid-out print kit of one language; what does not fit is an input error.
pub fn print_kit(project: &Project, lang: &str) -> Result<crate::layout::PrintKit> {
    let m = crate::layout::measure(project).ok_or_else(|| {
        Error::Internal("the theme font passed validation but cannot be measured".into())
    })?;
    crate::layout::print_kit(project, &m, lang).map_err(|d| Error::Invalid(vec![*d]))
}
