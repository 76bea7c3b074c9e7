use crate::Outcome;
use crate::cli::{Format, StatusArgs};
use crate::diag::display_path;
use crate::error::{Error, Result};
use crate::ledger::{self, Rules};
use crate::project;

pub fn run(args: &StatusArgs, format: Format) -> Result<Outcome> {
    let config = project::config::load(&args.project)?;
    let path = ledger::path_of(&config)?;
    let rules = Rules {
        first_id: *config.ids.first.get_ref(),
        self_service: config.self_service(),
        pending_days: args.pending_days,
    };
    let checked = ledger::check_file(&path, &rules)?;
    // A ledger that breaks a rule cannot be reconciled; its warnings are what status lists.
    if checked.diagnostics.iter().any(|d| d.is_error()) {
        return Err(Error::Invalid(checked.diagnostics));
    }
    let s = &checked.summary;
    let json = serde_json::json!({
        "project": config.project.id.get_ref(),
        "ledger": display_path(&path),
        "newest": s.newest,
        "assigned": s.assigned,
        "registered": s.registered,
        "revoked": s.revoked,
        "unregistered": s.unregistered,
        "pending_days": args.pending_days,
        "pending": s.pending,
    });
    let text = match format {
        Format::Html => report_page(&config, args, s)?,
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record(["id", "assigned", "days"]);
            for p in &s.pending {
                let _ = w.write_record([p.id.to_string(), p.assigned.clone(), p.days.to_string()]);
            }
            String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
        }
        _ => table(config.project.id.get_ref(), &path, s, args.pending_days),
    };
    Ok(Outcome {
        text,
        json,
        ..Outcome::default()
    })
}

/// The rollout report in the theme's language and colours.
fn report_page(
    config: &project::Config,
    args: &StatusArgs,
    s: &ledger::check::Summary,
) -> Result<String> {
    let languages = config.languages();
    let lang = match &args.lang {
        Some(lang) if !languages.contains(lang) => {
            return Err(Error::NotConfigured {
                what: "language",
                item: lang.clone(),
                key: "[project] languages",
                project: config.project.id.get_ref().clone(),
                configured: languages,
            });
        }
        Some(lang) => lang.clone(),
        None => languages.first().cloned().unwrap_or_default(),
    };
    let mut diagnostics = Vec::new();
    let theme = project::validate::theme(
        config,
        &config.source(),
        std::slice::from_ref(&lang),
        &mut diagnostics,
    );
    let theme = match theme {
        Some(theme) if !diagnostics.iter().any(|d| d.is_error()) => theme,
        _ => return Err(Error::Invalid(diagnostics)),
    };
    let report = crate::report::Report {
        project: config.project.name.get_ref(),
        lang: &lang,
        pending_days: args.pending_days,
        summary: s,
    };
    crate::report::html(&theme, &report)
}

fn table(id: &str, path: &std::path::Path, s: &ledger::check::Summary, days: u32) -> String {
    let newest = s.newest.as_deref().unwrap_or("none");
    let mut t = format!("{id} — {} (newest row {newest})\n\n", display_path(path));
    t.push_str(&format!("  assigned     {:>8}\n", s.assigned));
    t.push_str(&format!("  registered   {:>8}\n", s.registered));
    t.push_str(&format!("  revoked      {:>8}\n", s.revoked));
    t.push_str(&format!(
        "  waiting      {:>8}   activated, not registered yet\n",
        s.unregistered
    ));
    t.push_str(&format!(
        "  pending      {:>8}   of them waiting more than {days} days\n",
        s.pending.len()
    ));
    if !s.pending.is_empty() {
        t.push_str("\n  pending ID   assigned      days\n");
        for p in &s.pending {
            t.push_str(&format!(
                "  {:<12} {:<12} {:>5}\n",
                p.id, p.assigned, p.days
            ));
        }
    }
    t
}
