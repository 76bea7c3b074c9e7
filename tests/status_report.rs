//! The rollout report (`status --format html`) and the ledger kept in git
//! (`check --baseline git:REV`).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The subjects of a ledger's `registered` rows: none may reach the report.
fn subjects(ledger: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(ledger).unwrap();
    let headers = reader.headers().unwrap().clone();
    let event = headers.iter().position(|h| h == "event").unwrap();
    let subject = headers.iter().position(|h| h == "subject").unwrap();
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[event] == "registered")
        .map(|r| r[subject].to_string())
        .collect()
}

fn pending_ids(project: &Path, days: &str) -> Vec<u64> {
    let r = run_in(
        project,
        &["status", "--format", "json", "--pending-days", days],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    json["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn the_report_holds_the_counts_two_charts_every_pending_id_and_no_subject() {
    for (example, lang, title) in [
        ("acme-hq", "en", "Mobile ID rollout"),
        ("nordwerk-plant", "de", "Einführung der Mobile ID"),
    ] {
        let (_tmp, p) = copy_dir(&repo().join("example-projects").join(example));
        let r = run_in(
            &p,
            &[
                "status",
                "--format",
                "html",
                "--lang",
                lang,
                "--pending-days",
                "3",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.all());
        let html = &r.stdout;
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"")
                && html.contains(&format!("<html lang=\"{lang}\">"))
        );
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{example}");
        assert_eq!(html.matches("<svg class=\"chart\"").count(), 2, "{example}");
        assert_eq!(html.matches("role=\"img\" aria-labelledby=").count(), 2);
        let json: serde_json::Value =
            serde_json::from_str(&run_in(&p, &["status", "--format", "json"]).stdout).unwrap();
        for key in ["assigned", "registered", "revoked"] {
            assert!(
                html.contains(&format!("<dd>{}</dd>", json[key])),
                "{example}: {key}"
            );
        }
        let pending = pending_ids(&p, "3");
        assert!(!pending.is_empty(), "{example} has pending IDs at 3 days");
        for id in pending {
            assert!(
                html.contains(&format!("<tr><td>{id}</td>")),
                "{example}: pending {id}"
            );
        }
        for subject in subjects(&p.join("ledger.csv")) {
            assert!(
                !html.contains(&subject),
                "{example}: the subject {subject} is on the page"
            );
        }
        // Self-contained: nothing loads from anywhere.
        assert!(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"));
    }
}

#[test]
fn the_report_of_100000_rows_lists_every_pending_id() {
    let (_tmp, p) = fixture("good");
    let mut ledger =
        String::from("date,event,id,subject,note\n2026-01-01,created,,self-service,\n");
    let mut rows = 1;
    let mut id = 1;
    for day in 0..553 {
        let date = format!("2026-{:02}-{:02}", 1 + day / 28 % 12, 1 + day % 28);
        let date = if day >= 336 {
            format!("2027-{:02}-{:02}", 1 + (day - 336) / 28 % 12, 1 + day % 28)
        } else {
            date
        };
        ledger.push_str(&format!("{date},assigned,{id}-{},,\n", id + 199));
        rows += 1;
        for n in id..id + 199 {
            if n % 10 != 0 {
                ledger.push_str(&format!("{date},registered,{n},user{n},\n"));
                rows += 1;
            }
        }
        id += 200;
    }
    assert!(rows >= 100_000, "{rows}");
    std::fs::write(p.join("ledger.csv"), &ledger).unwrap();
    let start = std::time::Instant::now();
    let r = run_in(&p, &["status", "--format", "html"]);
    let took = start.elapsed();
    assert_eq!(r.code, 0, "{}", r.all());
    // A bound against hangs; the figure itself is measured by `cargo bench --bench ledger`.
    assert!(took.as_secs() < 10, "{took:?}");
    let pending = pending_ids(&p, "14");
    assert!(pending.len() > 9_000, "{}", pending.len());
    let listed: std::collections::BTreeSet<u64> = r
        .stdout
        .split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split('<').next()?.parse().ok())
        .collect();
    assert_eq!(
        listed,
        pending.into_iter().collect(),
        "every pending ID, and only those"
    );
    eprintln!("status --format html of {rows} rows: {took:?}");
    assert!(!r.stdout.contains("user"), "a subject is on the page");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_baseline_from_git_passes_after_an_append_and_names_a_rewrite() {
    let (tmp, p) = fixture("good");
    git(tmp.path(), &["init", "-q"]);
    git(
        tmp.path(),
        &[
            "-c",
            "user.name=IT",
            "-c",
            "user.email=it@example.com",
            "add",
            ".",
        ],
    );
    git(
        tmp.path(),
        &[
            "-c",
            "user.name=IT",
            "-c",
            "user.email=it@example.com",
            "commit",
            "-qm",
            "ledger",
        ],
    );
    let r = run_in(
        &p,
        &["ledger", "register", "2", "asmith", "--date", "2026-03-03"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_in(&p, &["check", "--baseline", "git:HEAD"]);
    assert_eq!(r.code, 0, "{}", r.all());
    // From the top of the work tree, with the project given as a path, too.
    let r = run_in(tmp.path(), &["check", "good", "--baseline", "git:HEAD"]);
    assert_eq!(r.code, 0, "{}", r.all());
    edit(&p.join("ledger.csv"), "jdoe", "jdough");
    let r = run_in(&p, &["check", "--baseline", "git:HEAD"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E140]: row 4 differs from the baseline"),
        "{}",
        r.stderr
    );
    // A ledger not committed yet has no history to rewrite.
    std::fs::copy(p.join("ledger.csv"), p.join("new.csv")).unwrap();
    edit(
        &p.join("project.toml"),
        "ledger = \"ledger.csv\"",
        "ledger = \"new.csv\"",
    );
    let r = run_in(&p, &["check", "--baseline", "git:HEAD"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_in(&p, &["check", "--baseline", "git:no-such-branch"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("`no-such-branch` is not a revision"),
        "{}",
        r.stderr
    );
}

#[test]
fn before_the_first_commit_and_against_an_empty_baseline_there_is_no_history() {
    let (tmp, p) = fixture("good");
    git(tmp.path(), &["init", "-q"]);
    let r = run_in(&p, &["check", "--baseline", "git:HEAD"]);
    assert_eq!(r.code, 0, "{}", r.all());
    std::fs::write(tmp.path().join("empty.csv"), "").unwrap();
    let empty = tmp.path().join("empty.csv");
    let r = run_in(&p, &["check", "--baseline", empty.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.all());
}

#[test]
fn a_rewritten_time_of_day_is_a_rewrite() {
    let (tmp, p) = fixture("good");
    let baseline = tmp.path().join("released.csv");
    edit(
        &p.join("ledger.csv"),
        "2026-03-02,registered,1,jdoe,",
        "2026-03-02T10:00:00Z,registered,1,jdoe,",
    );
    std::fs::copy(p.join("ledger.csv"), &baseline).unwrap();
    edit(
        &p.join("ledger.csv"),
        "2026-03-02T10:00:00Z",
        "2026-03-02T23:59:00Z",
    );
    let r = run_in(&p, &["check", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E140]: row 4 differs"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_baseline_from_git_outside_a_work_tree_is_exit_2() {
    let (tmp, p) = fixture("good");
    let r = common::bin()
        .args(["check", "--baseline", "git:HEAD"])
        .current_dir(&p)
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not in a git work tree"), "{stderr}");
}
