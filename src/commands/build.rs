use crate::Outcome;
use crate::cli::BuildArgs;
use crate::diag::{Diagnostic, display_path};
use crate::error::{Error, Result};
use crate::kit;
use crate::kit::fingerprint::Hasher;
use crate::project::model::Output;
use crate::project::{self, Project};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(args: &BuildArgs, progress: bool) -> Result<Outcome> {
    // Ctrl-C or SIGTERM stops the build between two steps, so nothing half-written stays.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::Internal(format!("could not handle signal {signal}: {e}")))?;
    }
    let stopped = || stop.load(Ordering::Relaxed);
    let sources = project::discover(&args.projects)?;
    let created = !args.output.exists();
    std::fs::create_dir_all(&args.output)
        .map_err(Error::io("create the output folder", &args.output))?;
    // One build into a folder at a time: no other changes a kit while this one judges it.
    let built = crate::lock::acquire(
        &args.output,
        "the output folder",
        std::time::Duration::from_secs(args.wait),
        &stopped,
    )
    .and_then(|_held| build_all(args, &sources, progress, &stopped));
    if built.is_err() && created {
        // Empty again, as the staged kits removed themselves: a refused build leaves
        // nothing, not even the folder.
        let _ = std::fs::remove_dir(&args.output);
    }
    built
}

/// Judges every project before anything is written (an unchanged kit only as far as its
/// settings), then renders and stages the kits and swaps them all in.
fn build_all(
    args: &BuildArgs,
    sources: &[PathBuf],
    progress: bool,
    stopped: &(dyn Fn() -> bool + Sync),
) -> Result<Outcome> {
    let hasher = Hasher::default();
    let plans = crate::parallel::map(sources, |source| plan(args, source, &hasher));
    let mut diagnostics = Vec::new();
    let mut kits = Vec::new();
    for plan in plans {
        match plan? {
            Plan::Unchanged(kept) => kits.push(Kit::Unchanged(kept)),
            Plan::Build(project, warnings) => {
                diagnostics.extend(warnings);
                kits.push(Kit::Build(project));
            }
            Plan::Refused(found) => diagnostics.extend(found),
        }
    }
    let places = kits.iter().map(|k| match k {
        Kit::Build(p) => (p.id.as_str(), &p.places.id),
        Kit::Unchanged(k) => (k.id.as_str(), &k.at),
    });
    diagnostics.extend(project::unique_ids(places));
    refuse_errors(&diagnostics)?;
    let index = match kits.len() {
        0 | 1 => None,
        _ => Some(index(sources, &kits)?),
    };
    let bar = crate::progress::Bar::new(progress, kits.iter().filter(|k| k.builds()).count());
    let staged = crate::parallel::map(&kits, |kit| {
        let staged = stage(args, kit, stopped);
        bar.advance(kit.builds());
        staged
    });
    bar.finish();
    let mut outcome = commit(args, &kits, staged, index, &mut diagnostics, stopped)?;
    outcome.diagnostics = diagnostics;
    Ok(outcome)
}

/// What a build does with one project.
enum Plan {
    /// Its kit was built from these same inputs: left as it is.
    Unchanged(Kept),
    /// Valid: build its kit (with these warnings).
    Build(Box<Project>, Vec<Diagnostic>),
    /// These problems refuse the build.
    Refused(Vec<Diagnostic>),
}

/// A kit left as it is.
struct Kept {
    id: String,
    name: String,
    /// Where its id is set, to find another project with the same id.
    at: crate::diag::Location,
    /// The build report's notes of its last build.
    notes: Vec<String>,
}

enum Kit {
    Unchanged(Kept),
    Build(Box<Project>),
}

impl Kit {
    fn builds(&self) -> bool {
        matches!(self, Kit::Build(_))
    }

    fn id(&self) -> &str {
        match self {
            Kit::Unchanged(k) => &k.id,
            Kit::Build(p) => &p.id,
        }
    }

    fn name(&self) -> &str {
        match self {
            Kit::Unchanged(k) => &k.name,
            Kit::Build(p) => &p.name,
        }
    }
}

/// Reads one project and decides: unchanged (only its settings are parsed, for its id),
/// to build (validated, its inputs recorded), or refused.
fn plan(args: &BuildArgs, source: &Path, hasher: &Hasher) -> Result<Plan> {
    let (config, mut diags) = project::config::read(source)?;
    let config = match config {
        Some(config) if !diags.iter().any(Diagnostic::is_error) => config,
        _ => return Ok(Plan::Refused(diags)),
    };
    let kit_dir = args.output.join(config.project.id.get_ref());
    let picked = selection_key(args);
    if !args.force
        && let Some(kept) = hasher.unchanged(&kit_dir, &config.dir, &picked)
    {
        let id = config.project.id.get_ref().clone();
        let at = config.source().locate(config.project.id.span());
        let (name, notes) = (kept.name, kept.notes);
        return Ok(Plan::Unchanged(Kept {
            id,
            name,
            at,
            notes,
        }));
    }
    let project = project::validate::validate(&config, &mut diags);
    crate::diag::sort(&mut diags);
    match project {
        Some(mut p) if !diags.iter().any(Diagnostic::is_error) => {
            // A pick the project does not configure is refused before anything is written.
            selection(args, &p)?;
            p.record = Some(hasher.record(&config.dir, &p.inputs, &picked, &p.name));
            Ok(Plan::Build(Box::new(p), diags))
        }
        _ => Ok(Plan::Refused(diags)),
    }
}

fn selection_key(args: &BuildArgs) -> String {
    kit::fingerprint::selection(&args.only, &args.lang)
}

/// A kit rendered and written beside its folder, with its report; `None` if unchanged.
type Staged = Option<(kit::write::Staged, kit::Kit)>;

fn stage(args: &BuildArgs, kit: &Kit, stopped: &dyn Fn() -> bool) -> Result<Staged> {
    let Kit::Build(p) = kit else {
        return Ok(None);
    };
    if stopped() {
        return Err(Error::Interrupted);
    }
    let (outputs, languages) = selection(args, p)?;
    let mut built = kit::build(p, &outputs, &languages)?;
    let staged = kit::write::stage(&args.output, &p.id, &built.files, stopped)?;
    // The files are on disk now; only the report stays in memory.
    built.files = vec![kit::KitFile::new("", Vec::new(), vec![]); built.files.len()];
    Ok(Some((staged, built)))
}

/// Errors refuse the build; warnings are reported with it.
fn refuse_errors(diagnostics: &[Diagnostic]) -> Result<()> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        let mut shown = diagnostics.to_vec();
        crate::diag::dedup(&mut shown);
        return Err(Error::Invalid(shown));
    }
    Ok(())
}

/// Once every kit rendered, swaps them all in (or, if one failed, none: the staged kits
/// remove themselves), writes the index of several, and verifies them if asked.
fn commit(
    args: &BuildArgs,
    kits: &[Kit],
    staged: Vec<Result<Staged>>,
    index: Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
    stopped: &dyn Fn() -> bool,
) -> Result<Outcome> {
    let mut ready = Vec::new();
    let mut failure = None;
    for result in staged {
        match result {
            Ok(s) => ready.push(s),
            Err(Error::Invalid(found)) => diagnostics.extend(found),
            Err(e) => failure = failure.or(Some(e)),
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    refuse_errors(diagnostics)?;
    if stopped() {
        return Err(Error::Interrupted);
    }
    let mut text = String::new();
    let mut built = Vec::new();
    for (kit, staged) in kits.iter().zip(ready) {
        let report = report(kit, staged, &args.output, diagnostics)?;
        text.push_str(&report.0);
        built.push(report.1);
    }
    if let Some(page) = index {
        kit::write::write_index(&args.output, &page)?;
        let written = display_path(&args.output.join("index.html"));
        text.push_str(&format!("wrote {written}\n"));
    }
    finish(args, kits, text, built)
}

/// Swaps one kit in and says what happened to it.
fn report(
    kit: &Kit,
    staged: Staged,
    output: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(String, serde_json::Value)> {
    let dir = display_path(&output.join(kit.id()));
    let (Some((staged, mut built)), Kit::Build(_)) = (staged, kit) else {
        let notes = match kit {
            Kit::Unchanged(kept) => kept.notes.as_slice(),
            Kit::Build(_) => &[],
        };
        let mut text = format!(
            "unchanged {} → {dir} (its inputs are the same; --force rebuilds it)\n",
            kit.id()
        );
        for note in notes {
            text.push_str(&format!("  note: {note}\n"));
        }
        let json =
            serde_json::json!({"project": kit.id(), "dir": dir, "notes": notes, "unchanged": true});
        return Ok((text, json));
    };
    let (_, warning) = staged.commit()?;
    if let Some(warning) = warning {
        eprintln!("warning: {warning}");
    }
    diagnostics.append(&mut built.warnings);
    let files = built.files.len();
    let mut text = format!("built {} → {dir} ({files} files)\n", kit.id());
    for note in &built.notes {
        text.push_str(&format!("  note: {note}\n"));
    }
    let json = serde_json::json!({"project": kit.id(), "dir": dir, "files": files, "notes": built.notes, "unchanged": false});
    Ok((text, json))
}

/// `DIR/index.html` for several kits, grouped by the folder each was found in, in the
/// theme and language of the first project (as `check` judges it); rendered before any
/// kit is swapped in.
fn index(sources: &[PathBuf], kits: &[Kit]) -> Result<String> {
    let paths: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
    let groups = kit::page::groups(&paths);
    let listed: Vec<kit::page::Listed> = kits
        .iter()
        .zip(groups)
        .map(|(k, group)| kit::page::Listed {
            id: k.id().to_string(),
            name: k.name().to_string(),
            group,
        })
        .collect();
    let loaded;
    let first = match kits.first() {
        Some(Kit::Build(p)) => p.as_ref(),
        _ => {
            loaded = project::validate::load(&sources[0])?.0;
            &loaded
        }
    };
    kit::page::projects_index(first, &listed)
}

/// The outcome, after verifying every kit if asked.
fn finish(
    args: &BuildArgs,
    kits: &[Kit],
    mut text: String,
    built: Vec<serde_json::Value>,
) -> Result<Outcome> {
    if !args.verify {
        return Ok(Outcome {
            text,
            json: serde_json::json!({"built": built}),
            ..Outcome::default()
        });
    }
    let dirs: Vec<PathBuf> = kits.iter().map(|k| args.output.join(k.id())).collect();
    let verified = super::verify::run(&dirs, false)?;
    text.push_str(&verified.text);
    Ok(Outcome {
        text,
        json: serde_json::json!({"built": built, "verify": verified.json}),
        failed: verified.failed,
        ..Outcome::default()
    })
}

/// The outputs and languages `--only` and `--lang` pick for a project, in the project's
/// order (so the default language stays first); a pick the project does not configure is
/// refused.
fn selection(args: &BuildArgs, project: &Project) -> Result<(Vec<Output>, Vec<String>)> {
    let configured: Vec<String> = project
        .kit
        .outputs
        .iter()
        .map(|o| o.as_str().to_string())
        .collect();
    let outputs = pick(
        &args.only,
        &configured,
        ("output", "[kit] outputs"),
        project,
    )?;
    let languages = pick(
        &args.lang,
        &project.languages,
        ("language", "[project] languages"),
        project,
    )?;
    let outputs = outputs.iter().filter_map(|o| Output::parse(o)).collect();
    Ok((outputs, languages))
}

fn pick(
    choice: &Option<Vec<String>>,
    configured: &[String],
    (what, key): (&'static str, &'static str),
    project: &Project,
) -> Result<Vec<String>> {
    let Some(choice) = choice else {
        return Ok(configured.to_vec());
    };
    if let Some(item) = choice.iter().find(|c| !configured.contains(c)) {
        return Err(Error::NotConfigured {
            what,
            item: item.clone(),
            key,
            project: project.id.clone(),
            configured: configured.to_vec(),
        });
    }
    Ok(configured
        .iter()
        .filter(|c| choice.contains(c))
        .cloned()
        .collect())
}
