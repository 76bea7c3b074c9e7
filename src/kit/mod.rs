//! What a kit holds: every renderer turns the validated project into files in memory;
//! `write` puts them on disk.

pub mod email;
pub mod fingerprint;
pub mod image;
pub mod manifest;
pub mod page;
pub mod pdf;
pub mod tags;
pub mod write;

use crate::error::{Error, Result};
use crate::project::Project;
use crate::project::model::{CodeName, Output};

/// One file of a kit, not yet written.
#[derive(Debug, Clone, PartialEq)]
pub struct KitFile {
    /// Relative to the kit folder, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
    /// The QR codes the file shows.
    pub codes: Vec<CodeName>,
    /// For a PDF, each code it prints, its size and reach.
    pub prints: Vec<crate::reach::Print>,
}

impl KitFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>, codes: Vec<CodeName>) -> Self {
        KitFile {
            path: path.into(),
            bytes: bytes.into(),
            codes,
            prints: Vec::new(),
        }
    }
}

/// A kit in memory: its files (manifest last) and what the build report should say about
/// them.
#[derive(Debug, Default)]
pub struct Kit {
    pub files: Vec<KitFile>,
    pub notes: Vec<String>,
    /// Warnings about the kit (W020: a printed code that scans only from close up).
    pub warnings: Vec<crate::diag::Diagnostic>,
}

/// Renders a project's kit into memory, manifest last.
pub fn build(project: &Project, outputs: &[Output], languages: &[String]) -> Result<Kit> {
    let wants = |kind: Output| outputs.contains(&kind);
    // The languages render on as many threads as the machine has cores (so a project with
    // hundreds of languages does not hold hundreds of renders at once) while this one
    // draws the shared files; the files are sorted afterwards, so the kit is the same
    // whatever order they finish in.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (shared, per_language) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(languages.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(lang) = languages.get(i) else {
                            break done;
                        };
                        done.push(language_files(project, outputs, lang));
                    }
                })
            })
            .collect();
        let shared = shared_files(project, languages, wants(Output::Qr), wants(Output::Html));
        let per_language: Vec<Result<Kit>> = workers
            .into_iter()
            .flat_map(|w| {
                w.join().unwrap_or_else(|_| {
                    vec![Err(Error::Internal(
                        "a renderer stopped unexpectedly".into(),
                    ))]
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
        ..Kit::default()
    });
    for result in std::iter::once(shared).chain(per_language) {
        match result {
            Ok(part) => {
                kit.files.extend(part.files);
                kit.notes.extend(part.notes);
                kit.warnings.extend(part.warnings);
            }
            Err(Error::Invalid(found)) => problems.extend(found),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        // The warnings go with the errors, as `check` reports both.
        problems.append(&mut kit.warnings);
        return Err(Error::Invalid(problems));
    }
    kit.files.sort_by(|a, b| a.path.cmp(&b.path));
    let printed = kit
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.prints.as_slice()));
    if let Some((reach, code, file)) = crate::reach::shortest(printed) {
        kit.notes.push(format!(
            "the shortest reach: {reach} cm, the {code} code on {file} (a phone camera reads it from up to that far)"
        ));
    }
    let manifest = manifest::render(project, &kit.files, &kit.notes);
    kit.files.push(manifest);
    Ok(kit)
}

/// What rendering the whole kit would refuse: `check` runs this after validation, so it
/// reports every problem `build` would — the same code, from the same place. It runs every
/// step of `build` that judges input (the print layout, every template, the chat message)
/// and leaves out the encoders that cannot fail on input (PDF writing, PNG, MIME).
pub fn judge(project: &Project) -> Result<Vec<crate::diag::Diagnostic>> {
    let wants = |kind: Output| project.kit.outputs.contains(&kind);
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    let mut keep = |result: Result<()>| match result {
        Err(Error::Invalid(problems)) => {
            found.extend(problems);
            Ok(())
        }
        other => other,
    };
    if wants(Output::Html) {
        keep(page::render_all(project, &project.languages).map(drop))?;
    }
    for lang in &project.languages {
        if wants(Output::Pdf) {
            keep(print_kit(project, lang).map(|print| warnings.extend(print.warnings)))?;
        }
        if wants(Output::Poster) {
            keep(posters(project, lang).map(|print| warnings.extend(print.warnings)))?;
        }
        if wants(Output::Card) {
            keep(image::svg(project, lang).map(drop))?;
        }
        if wants(Output::Email) {
            keep(email::parts(project, lang).map(drop))?;
        }
        if wants(Output::Message) {
            keep(crate::layout::message::compose(project, lang).map(drop))?;
        }
    }
    found.extend(warnings);
    Ok(found)
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
        for (name, code) in project.codes.each() {
            let file = name.as_str();
            files.push(KitFile::new(
                format!("qr/{file}.svg"),
                code.to_svg(file),
                vec![name],
            ));
            files.push(KitFile::new(
                format!("qr/{file}.png"),
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
fn language_files(project: &Project, outputs: &[Output], lang: &str) -> Result<Kit> {
    let wants = |kind: Output| outputs.contains(&kind);
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
    if wants(Output::Pdf) {
        let print =
            print_files(project, print_kit(project, lang)).map(|(files, notes, warnings)| {
                kit.notes.extend(notes);
                kit.warnings.extend(warnings);
                files
            });
        keep(print, &mut kit)?;
    }
    if wants(Output::Poster) {
        let print = print_files(project, posters(project, lang)).map(|(files, _, warnings)| {
            kit.warnings.extend(warnings);
            files
        });
        keep(print, &mut kit)?;
    }
    if wants(Output::Md) {
        let markdown = &project.instructions[lang];
        let file = KitFile::new(
            format!("instructions.{lang}.md"),
            markdown.as_bytes(),
            vec![],
        );
        keep(Ok(vec![file]), &mut kit)?;
    }
    if wants(Output::Card) {
        keep(image::render(project, lang).map(|f| vec![f]), &mut kit)?;
    }
    if wants(Output::Email) {
        keep(email::render(project, lang).map(|f| vec![f]), &mut kit)?;
    }
    if wants(Output::Message) {
        let message = crate::layout::message::compose(project, lang)
            .map(|text| vec![KitFile::new(format!("message.{lang}.txt"), text, vec![])]);
        keep(message, &mut kit)?;
    }
    if !problems.is_empty() {
        // The warnings go with the errors, as `check` reports both.
        problems.append(&mut kit.warnings);
        return Err(Error::Invalid(problems));
    }
    Ok(kit)
}

/// The PDFs of one language, the notes on them and their warnings.
type PrintFiles = (Vec<KitFile>, Vec<String>, Vec<crate::diag::Diagnostic>);

fn print_files(project: &Project, print: Result<crate::layout::PrintKit>) -> Result<PrintFiles> {
    let print = print?;
    let mut files = Vec::new();
    for document in &print.documents {
        let bytes = pdf::write(project, document)?;
        let mut file = KitFile::new(document.file.clone(), bytes, document.codes.clone());
        file.prints = crate::reach::prints(document);
        files.push(file);
    }
    Ok((files, print.notes, print.warnings))
}

/// The laid-out print kit of one language; what does not fit is an input error.
pub fn print_kit(project: &Project, lang: &str) -> Result<crate::layout::PrintKit> {
    let m = measure(project)?;
    crate::layout::print_kit(project, &m, lang).map_err(|d| Error::Invalid(vec![*d]))
}

/// The laid-out posters of one language.
pub fn posters(project: &Project, lang: &str) -> Result<crate::layout::PrintKit> {
    let m = measure(project)?;
    crate::layout::posters(project, &m, lang).map_err(|d| Error::Invalid(vec![*d]))
}

fn measure(project: &Project) -> Result<crate::layout::text::Measure<'_>> {
    crate::layout::measure(project).ok_or_else(|| {
        Error::Internal("the theme font passed validation but cannot be measured".into())
    })
}
