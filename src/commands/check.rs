use crate::Outcome;
use crate::cli::CheckArgs;
use crate::error::{Error, Result};
use crate::project;

pub fn run(args: &CheckArgs) -> Result<Outcome> {
    let sources = project::discover(&args.projects)?;
    let mut diagnostics = Vec::new();
    for source in &sources {
        match project::config::load(source) {
            Ok(config) => {
                project::validate::validate(&config, &mut diagnostics);
            }
            Err(Error::Invalid(d)) => diagnostics.extend(d),
            Err(e) => return Err(e),
        }
    }
    crate::diag::sort(&mut diagnostics);
    let (errors, warnings) = crate::diag::summary(&diagnostics);
    let text = if errors + warnings == 0 {
        format!("checked {} project(s): no problems\n", sources.len())
    } else {
        String::new()
    };
    Ok(Outcome {
        diagnostics,
        text,
        json: serde_json::json!({"projects": sources.len()}),
        deny_warnings: args.deny_warnings,
    })
}
