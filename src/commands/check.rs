use crate::Outcome;
use crate::cli::CheckArgs;
use crate::error::{Error, Result};
use crate::ledger::{self, Rules};
use crate::project;

pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let sources = project::discover(&args.projects)?;
    if args.baseline.is_some() && sources.len() > 1 {
        return Err(Error::Usage(format!(
            "--baseline compares one ledger, but {} projects were found; name one project",
            sources.len()
        )));
    }
    let mut all = Vec::new();
    let mut ledgers = 0;
    for source in &sources {
        let (config, mut diagnostics) = project::config::read(source)?;
        if let Some(config) = config {
            project::validate::validate(&config, &mut diagnostics);
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
    let (errors, warnings) = crate::diag::summary(&all);
    let text = if errors + warnings == 0 {
        format!(
            "checked {} project(s) and {ledgers} ledger(s): no problems\n",
            sources.len()
        )
    } else {
        String::new()
    };
    Ok(Outcome {
        diagnostics: all,
        text,
        json: serde_json::json!({"projects": sources.len(), "ledgers": ledgers}),
        deny_warnings: args.deny_warnings,
        ..Outcome::default()
    })
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
