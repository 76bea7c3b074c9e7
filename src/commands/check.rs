use crate::Outcome;
use crate::cli::CheckArgs;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::ledger::{self, Rules};
use crate::project::{self, Project};

/// Judges every project as `build` would — the same validation, then the kit rendered in
/// memory, so whatever `build` refuses is reported here first — and checks each ledger.
pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let sources = project::discover(&args.projects)?;
    let from_file = args
        .baseline
        .as_ref()
        .is_some_and(|b| !b.starts_with("git:"));
    if from_file && sources.len() > 1 {
        return Err(Error::BaselineForMany {
            projects: sources.len(),
        });
    }
    let mut all = Vec::new();
    let mut ledgers = 0;
    let mut ids = Vec::new();
    let mut projects = Vec::new();
    for source in &sources {
        let (config, mut diagnostics) = project::config::read(source)?;
        if let Some(config) = config {
            let src = config.source();
            ids.push((
                config.project.id.get_ref().clone(),
                src.locate(config.project.id.span()),
            ));
            let project = project::validate::validate(&config, &mut diagnostics);
            if let Some(project) = project
                && !diagnostics.iter().any(Diagnostic::is_error)
            {
                diagnostics.extend(crate::kit::judge(&project)?);
                projects.push(project);
            }
            if config.ids.ledger.is_some() {
                match check_ledger(&config, args) {
                    Ok(found) => diagnostics.extend(found),
                    Err(Error::Invalid(found)) => diagnostics.extend(found),
                    Err(e) => return Err(e),
                }
                ledgers += 1;
            }
        }
        crate::diag::sort(&mut diagnostics);
        all.extend(diagnostics);
    }
    all.extend(project::unique_ids(
        ids.iter().map(|(id, at)| (id.as_str(), at)),
    ));
    if projects.len() > 1 && projects.len() == sources.len() {
        let refs: Vec<&Project> = projects.iter().collect();
        if let Err(Error::Invalid(found)) = crate::kit::page::projects_index(&refs) {
            all.extend(found);
        }
    }
    Ok(report(all, sources.len(), ledgers, args.deny_warnings))
}

fn report(all: Vec<Diagnostic>, projects: usize, ledgers: usize, deny_warnings: bool) -> Outcome {
    let (errors, warnings) = crate::diag::summary(&all);
    let text = if errors + warnings == 0 {
        format!("checked {projects} project(s) and {ledgers} ledger(s): no problems\n")
    } else {
        String::new()
    };
    Outcome {
        diagnostics: all,
        text,
        json: serde_json::json!({"projects": projects, "ledgers": ledgers}),
        deny_warnings,
        ..Outcome::default()
    }
}

fn check_ledger(
    config: &project::Config,
    args: &CheckArgs,
) -> Result<Vec<crate::diag::Diagnostic>> {
    let path = ledger::path_of(config)?;
    let rules = Rules {
        first_id: *config.ids.first.get_ref(),
        self_service: config.self_service(),
        pending_days: args.pending_days,
    };
    let mut diagnostics = ledger::check_file(&path, &rules)?.diagnostics;
    if let Some(baseline) = &args.baseline {
        diagnostics.extend(ledger::check_baseline(&path, baseline)?);
    }
    Ok(diagnostics)
}
