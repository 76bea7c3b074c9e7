use crate::Outcome;
use crate::cli::{LedgerArgs, LedgerCommand};
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::ledger::append::{self, NewRow};
use crate::ledger::import::{self, Columns};
use crate::ledger::{self, Rules};
use crate::project;

pub fn run(command: &LedgerCommand) -> Result<Outcome> {
    let common = match command {
        LedgerCommand::Assigned { common, .. }
        | LedgerCommand::Register { common, .. }
        | LedgerCommand::Revoke { common, .. }
        | LedgerCommand::Import { common, .. } => common,
    };
    let date = row_date(common)?;
    let config = project::config::load(&common.project)?;
    let path = ledger::path_of(&config)?;
    let rules = Rules {
        first_id: *config.ids.first.get_ref(),
        self_service: config.self_service(),
        pending_days: u32::MAX,
    };
    let row = |event: &'static str, id: String, subject: &str| NewRow {
        date: date.clone(),
        event,
        id,
        subject: subject.to_string(),
        note: common.note.clone(),
    };

    let locked = append::lock(&path, std::time::Duration::from_secs(common.wait))?;
    let mut skipped_total = 0;
    let (rows, skipped, dry_run) = match command {
        LedgerCommand::Assigned { through, .. } => {
            let id = next_assignment(&locked, &rules, *through, &path)?;
            (vec![row("assigned", id, "")], vec![], false)
        }
        LedgerCommand::Register { id, subject, .. } => {
            if subject.trim().is_empty() || subject.contains(['\n', '\r']) {
                return Err(Error::BadArgument {
                    arg: "SUBJECT",
                    value: subject.clone(),
                    expected: "the host system's user reference, on one line",
                });
            }
            (
                vec![row("registered", id.to_string(), subject)],
                vec![],
                false,
            )
        }
        LedgerCommand::Revoke { id, .. } => {
            (vec![row("revoked", id.to_string(), "")], vec![], false)
        }
        LedgerCommand::Import {
            file,
            id_column,
            subject_column,
            date_column,
            dry_run,
            ..
        } => {
            let columns = Columns {
                id: id_column.clone(),
                subject: subject_column.clone(),
                date: date_column.clone(),
            };
            let plan = import::plan(file, &locked.bytes, &columns, &date, &common.note)?;
            skipped_total = plan.skipped_total;
            (plan.rows, plan.skipped, *dry_run)
        }
    };
    locked.append(&rules, &rows, dry_run)?;
    let import = matches!(command, LedgerCommand::Import { .. });
    Ok(report(
        &path,
        &rows,
        (&skipped, skipped_total),
        dry_run,
        import,
    ))
}

/// The IDs after the last assigned one through `through`, as the `assigned` row writes them.
fn next_assignment(
    locked: &append::Locked,
    rules: &Rules,
    through: u64,
    path: &std::path::Path,
) -> Result<String> {
    let current = locked.check(rules);
    let next = current
        .summary
        .assigned_through
        .map_or(Some(rules.first_id), |t| t.checked_add(1));
    match next {
        Some(next) if next <= through => Ok(append::id_text(next, through)),
        _ => {
            let have = current
                .summary
                .assigned_through
                .map_or("none".into(), |t| t.to_string());
            Err(Error::Invalid(vec![
                Diagnostic::error("E110", format!("IDs through {through} are assigned already (the ledger has IDs through {have})"))
                    .in_file(path)
                    .help("give the highest ID Manager's Settings show as assigned now"),
            ]))
        }
    }
}

fn report(
    path: &std::path::Path,
    rows: &[NewRow],
    (skipped, skipped_total): (&[import::Skipped], usize),
    dry_run: bool,
    import: bool,
) -> Outcome {
    let verb = if dry_run { "would append" } else { "appended" };
    let mut text = String::new();
    for r in rows {
        text.push_str(&format!(
            "{verb}: {},{},{},{},{}\n",
            r.date, r.event, r.id, r.subject, r.note
        ));
    }
    for s in skipped {
        text.push_str(&format!(
            "skipped line {}: ID {} ({}) is {}\n",
            s.line, s.id, s.subject, s.reason
        ));
    }
    if skipped_total > skipped.len() {
        text.push_str(&format!(
            "… and {} more skipped (the first {} are listed)\n",
            skipped_total - skipped.len(),
            skipped.len()
        ));
    }
    if import {
        text.push_str(&format!(
            "{} row(s) {verb}, {skipped_total} skipped\n",
            rows.len()
        ));
    }
    let json = serde_json::json!({"ledger": crate::diag::display_path(path), "dry_run": dry_run, "appended": rows, "skipped": skipped, "skipped_total": skipped_total});
    Outcome {
        text,
        json,
        ..Outcome::default()
    }
}

fn row_date(common: &LedgerArgs) -> Result<String> {
    match &common.date {
        None => Ok(crate::date::format_day(crate::date::today())),
        Some(text) => match crate::date::parse_day(text) {
            Some(_) if text.len() == 10 => Ok(text.clone()),
            Some(day) => Ok(crate::date::format_day(day)),
            None => Err(Error::BadArgument {
                arg: "--date",
                value: text.clone(),
                expected: "a date; write YYYY-MM-DD",
            }),
        },
    }
}
