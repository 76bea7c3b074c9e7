use crate::Outcome;
use crate::cli::BuildArgs;
use crate::diag::{Diagnostic, display_path};
use crate::error::{Error, Result};
use crate::kit;
use crate::project::model::Output;
use crate::project::{self, Project};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub fn run(args: &BuildArgs) -> Result<Outcome> {
    // Ctrl-C or SIGTERM stops the build between two steps, so nothing half-written stays.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::Internal(format!("could not handle signal {signal}: {e}")))?;
    }
    let stopped = || stop.load(Ordering::Relaxed);
    let sources = project::discover(&args.projects)?;
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    for source in &sources {
        match project::validate::load(source) {
            Ok((p, warnings)) => {
                diagnostics.extend(warnings);
                projects.push(p);
            }
            Err(Error::Invalid(d)) => diagnostics.extend(d),
            Err(e) => return Err(e),
        }
    }
    diagnostics.extend(project::unique_ids(
        projects.iter().map(|p| (p.id.as_str(), &p.places.id)),
    ));
    refuse_errors(&diagnostics)?;

    // Render everything in memory first: nothing is written unless every kit renders.
    let mut kits = Vec::new();
    for p in &projects {
        if stopped() {
            return Err(Error::Interrupted);
        }
        let (outputs, languages) = selection(args, p)?;
        match kit::build(p, &outputs, &languages) {
            Ok(mut kit) => {
                diagnostics.append(&mut kit.warnings);
                kits.push((p, kit));
            }
            Err(Error::Invalid(d)) => diagnostics.extend(d),
            Err(e) => return Err(e),
        }
    }
    refuse_errors(&diagnostics)?;
    let index = if projects.len() > 1 {
        let refs: Vec<&Project> = projects.iter().collect();
        Some(kit::page::projects_index(&refs)?)
    } else {
        None
    };
    let mut outcome = write(args, &kits, index.as_deref(), &stopped)?;
    outcome.diagnostics = diagnostics;
    Ok(outcome)
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

/// Writes the kits (and the index of several), then verifies them if asked.
fn write(
    args: &BuildArgs,
    kits: &[(&Project, kit::Kit)],
    index: Option<&str>,
    stopped: &dyn Fn() -> bool,
) -> Result<Outcome> {
    std::fs::create_dir_all(&args.output)
        .map_err(Error::io("create the output folder", &args.output))?;
    // One build writes into a folder at a time; a second waits for it.
    let _held = crate::lock::acquire(
        &args.output,
        "the output folder",
        std::time::Duration::from_secs(args.wait),
        stopped,
    )?;
    let mut text = String::new();
    let mut built = Vec::new();
    for (p, kit) in kits {
        let (target, warning) = kit::write::write_kit(&args.output, &p.id, &kit.files, stopped)?;
        if let Some(warning) = warning {
            eprintln!("warning: {warning}");
        }
        text.push_str(&format!(
            "built {} → {} ({} files)\n",
            p.id,
            display_path(&target),
            kit.files.len()
        ));
        for note in &kit.notes {
            text.push_str(&format!("  note: {note}\n"));
        }
        built.push(serde_json::json!({"project": p.id, "dir": display_path(&target), "files": kit.files.len(), "notes": kit.notes}));
    }
    if let Some(index) = index {
        kit::write::write_index(&args.output, index)?;
        text.push_str(&format!(
            "wrote {}\n",
            display_path(&args.output.join("index.html"))
        ));
    }
    if !args.verify {
        return Ok(Outcome {
            text,
            json: serde_json::json!({"built": built}),
            ..Outcome::default()
        });
    }
    let dirs: Vec<std::path::PathBuf> = kits.iter().map(|(p, _)| args.output.join(&p.id)).collect();
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
