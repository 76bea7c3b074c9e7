use crate::Outcome;
use crate::cli::BuildArgs;
use crate::diag::display_path;
use crate::error::{Error, Result};
use crate::kit::{self, Selection};
use crate::project::{self, Project};

pub fn run(args: &BuildArgs) -> Result<Outcome> {
    let sources = project::discover(&args.projects)?;
    let mut projects = Vec::new();
    let mut diagnostics = Vec::new();
    for source in &sources {
        match project::validate::load(source) {
            Ok(p) => projects.push(p),
            Err(Error::Invalid(d)) => diagnostics.extend(d),
            Err(e) => return Err(e),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Error::Invalid(diagnostics));
    }
    check_unique_ids(&projects)?;

    // Render everything in memory first: nothing is written unless every kit renders.
    let selection = Selection {
        only: args.only.clone(),
        languages: args.lang.clone(),
    };
    let mut kits = Vec::new();
    for p in &projects {
        let (outputs, languages) = selection.resolve(p)?;
        let files = kit::build(p, &outputs, &languages)?;
        kits.push((p, files));
    }
    let index = if projects.len() > 1 {
        let refs: Vec<&Project> = projects.iter().collect();
        Some(kit::page::projects_index(&refs)?)
    } else {
        None
    };

    let mut text = String::new();
    let mut built = Vec::new();
    for (p, files) in &kits {
        let target = kit::write::write_kit(&args.output, &p.id, files)?;
        text.push_str(&format!(
            "built {} → {} ({} files)\n",
            p.id,
            display_path(&target),
            files.len()
        ));
        built.push(serde_json::json!({"project": p.id, "dir": display_path(&target), "files": files.len()}));
    }
    if let Some(index) = index {
        kit::write::write_index(&args.output, &index)?;
        text.push_str(&format!(
            "wrote {}\n",
            display_path(&args.output.join("index.html"))
        ));
    }
    if args.verify {
        let dirs: Vec<std::path::PathBuf> =
            kits.iter().map(|(p, _)| args.output.join(&p.id)).collect();
        let verified = super::verify::run(&dirs)?;
        text.push_str(&verified.text);
        return Ok(Outcome {
            text,
            json: serde_json::json!({"built": built, "verify": verified.json}),
            failed: verified.failed,
            ..Outcome::default()
        });
    }
    Ok(Outcome {
        text,
        json: serde_json::json!({"built": built}),
        ..Outcome::default()
    })
}

fn check_unique_ids(projects: &[Project]) -> Result<()> {
    for (i, p) in projects.iter().enumerate() {
        if let Some(other) = projects[..i].iter().find(|o| o.id == p.id) {
            return Err(Error::Usage(format!(
                "{} and {} both have the id `{}`; each kit needs its own folder",
                display_path(&other.source),
                display_path(&p.source),
                p.id
            )));
        }
    }
    Ok(())
}
