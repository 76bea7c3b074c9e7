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
            let valid = project.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
            // The kit renders on its own thread while this one reads the ledger.
            let (judged, ledger) = std::thread::scope(|scope| {
                let judge = valid.as_ref().map(|p| scope.spawn(|| crate::kit::judge(p)));
                let ledger = config
                    .ids
                    .ledger
                    .is_some()
                    .then(|| check_ledger(&config, args));
                let judged = judge.map(|j| {
                    j.join().unwrap_or_else(|_| {
                        Err(Error::Internal(
                            "the kit's renderer stopped unexpectedly".into(),
                        ))
                    })
                });
                (judged, ledger)
            });
            if let Some(judged) = judged {
                diagnostics.extend(judged?);
            }
            projects.extend(valid);
            if let Some(ledger) = ledger {
                match ledger {
                    Ok(found) => diagnostics.extend(found),
                    Err(Error::Invalid(found)) => diagnostics.extend(found),
                    Err(e) => return Err(e),
                }
                ledgers += 1;
            }
        }
        crate::diag::sort(&mut diagnostics);
        crate::diag::dedup(&mut diagnostics);
        all.extend(diagnostics);
    }
    all.extend(project::unique_ids(
        ids.iter().map(|(id, at)| (id.as_str(), at)),
    ));
    if projects.len() > 1
        && projects.len() == sources.len()
        && let Err(Error::Invalid(found)) = projects_index(&projects)
    {
        all.extend(found);
    }
    // A problem in a shared file is one problem, however many sites extend it.
    crate::diag::dedup(&mut all);
    Ok(report(all, sources.len(), ledgers, args.deny_warnings))
}

/// `DIR/index.html` as `build` renders it for these projects, to judge the template.
fn projects_index(projects: &[Project]) -> Result<String> {
    use crate::kit::page::{self, Listed};
    let sources: Vec<&std::path::Path> = projects.iter().map(|p| p.source.as_path()).collect();
    let listed: Vec<Listed> = projects
        .iter()
        .zip(page::groups(&sources))
        .map(|(p, group)| Listed {
            id: p.id.clone(),
            name: p.name.clone(),
            group,
        })
        .collect();
    match projects.first() {
        Some(first) => page::projects_index(first, &listed),
        None => Ok(String::new()),
    }
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
