//! One build of the preview: the same validation and renderers as `build`, into memory.

use super::state::Built;
use crate::diag;
use crate::error::Error;
use crate::kit;
use crate::project::model::Output;
use crate::project::validate;
use std::path::{Path, PathBuf};

/// Builds the project whose `project.toml` is `source` with every output and language it
/// configures. Once it validates, its pages go to `early` first: they are what an admin
/// watches, and they render in a fraction of the whole kit's time. Also returns the folders
/// to watch: the project's, its theme folder, and the shared files it extends.
pub fn rebuild(source: &Path, early: &dyn Fn(Built)) -> (Built, Vec<PathBuf>) {
    let project_dir = match source.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut roots = vec![project_dir];
    // The folders of the shared files too (only their own files: a company folder holds
    // every site).
    if let Ok((Some(config), _)) = crate::project::config::read(source) {
        roots.extend(config.shared.iter().map(|f| f.path.clone()));
    }
    let mut project = match validate::load(source) {
        Ok((project, _warnings)) => project,
        Err(error) => return (Built::Problems(problems(error)), roots),
    };
    // The manifest says what a plain `build` would record.
    let selection = kit::fingerprint::selection(&None, &None);
    let hasher = kit::fingerprint::Hasher::default();
    project.record = Some(hasher.record(&roots[0], &project.inputs, &selection, &project.name));
    roots.extend(project.theme.folder.clone());
    // Files read from beyond the project's folder (instructions or images beside or below a
    // shared file): their folders.
    let beyond: Vec<PathBuf> = (project.inputs.iter().map(|(p, _)| p))
        .filter(|p| !p.starts_with(&roots[0]) && p.is_file())
        .cloned()
        .collect();
    roots.extend(beyond);
    if project.kit.outputs.contains(&Output::Html)
        && let Ok(pages) = kit::page::render_all(&project, &project.languages)
    {
        early(Built::Pages {
            files: pages.into_iter().map(|f| (f.path, f.bytes)).collect(),
        });
    }
    let built = match kit::build(&project, &project.kit.outputs, &project.languages) {
        Ok(kit) => Built::Kit {
            files: kit.files.into_iter().map(|f| (f.path, f.bytes)).collect(),
            languages: project.languages.clone(),
        },
        Err(error) => Built::Problems(problems(error)),
    };
    (built, roots)
}

/// What stops a build, as `check` prints it.
fn problems(error: Error) -> String {
    let Error::Invalid(mut diagnostics) = error else {
        return format!("error: {error}\n");
    };
    diag::dedup(&mut diagnostics);
    let mut text = String::new();
    for d in &diagnostics {
        text.push_str(&d.render_text());
        text.push('\n');
    }
    let (errors, warnings) = diag::summary(&diagnostics);
    text.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
    text
}
