//! `check` and `status` on ledgers: one fixture ledger per code, with its exact place.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// The good project with the named fixture as its ledger.
fn project_with(ledger: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, p) = fixture("good");
    std::fs::copy(
        repo().join("tests/fixtures/ledgers").join(ledger),
        p.join("ledger.csv"),
    )
    .unwrap();
    (tmp, p)
}

fn check(p: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", p.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_in(p.parent().unwrap(), &args)
}

/// Asserts exactly these (code, line, column) diagnostics, in JSON.
fn assert_diagnostics(r: &Run, expected: &[(&str, u64, u64)]) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.all()));
    let got: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l, *col))
        .collect();
    assert_eq!(got, expected, "{}", r.stdout);
    json
}

fn single(ledger: &str, code: &str, line: u64, column: u64) -> serde_json::Value {
    let (_tmp, p) = project_with(ledger);
    let r = check(&p, &["--format", "json"]);
    assert_eq!(
        r.code,
        if code.starts_with('E') { 1 } else { 0 },
        "{}",
        r.all()
    );
    let json = assert_diagnostics(&r, &[(code, line, column)]);
    assert!(
        json["diagnostics"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("ledger.csv")
    );
    json
}

#[test]
fn e100_malformed_row() {
    let json = single("e100-bad-date.csv", "E100", 4, 1);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "`2026-03-0x` is not a date"
    );
}

#[test]
fn e101_created_first_and_once() {
    single("e101-created-not-first.csv", "E101", 2, 12);
}

#[test]
fn e102_mode_differs_from_project() {
    let json = single("e102-mode.csv", "E102", 2, 21);
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("created `admin-managed`")
    );
}

#[test]
fn e110_gap_names_the_missing_ids_and_overlap_the_repeated_ones() {
    let json = single("e110-gap.csv", "E110", 4, 21);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "IDs 4–5 were never assigned: this row starts at 6"
    );
    let json = single("e110-overlap.csv", "E110", 4, 21);
    assert_eq!(
        json["diagnostics"][0]["message"],
        "IDs 2–3 were assigned before"
    );
}

#[test]
fn e111_dates_never_go_backwards() {
    single("e111-backwards.csv", "E111", 5, 1);
}

#[test]
fn e120_registered_before_assigned() {
    single("e120-not-assigned.csv", "E120", 4, 23);
}

#[test]
fn e121_registered_twice_in_rustc_style() {
    let (_tmp, p) = project_with("e121-twice.csv");
    let r = check(&p, &[]);
    assert_eq!(r.code, 1);
    let expected = format!(
        "error[E121]: ID 2 is registered twice
 --> {}:5:23
  |
5 | 2026-03-03,registered,2,asmith,
  |                       ^
  = help: it was registered on line 4 (jdoe); revoke it first if the phone changed hands

1 error(s), 0 warning(s)
",
        p.join("ledger.csv").display()
    );
    assert_eq!(r.stderr, expected);
    single("e121-twice.csv", "E121", 5, 23);
}

#[test]
fn e122_revoked_ids_are_retired() {
    single("e122-after-revoke.csv", "E122", 6, 23);
}

#[test]
fn w150_pending_ids_warn_and_deny_warnings_fails() {
    let json = single("w150-pending.csv", "W150", 3, 21);
    assert_eq!(json["diagnostics"][0]["severity"], "warning");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("IDs 2, 3 assigned 30 days")
    );
    let (_tmp, p) = project_with("w150-pending.csv");
    assert_eq!(check(&p, &["--deny-warnings"]).code, 1);
    assert_eq!(check(&p, &["--pending-days", "30"]).code, 0);
}

#[test]
fn several_problems_are_all_reported() {
    let (_tmp, p) = project_with("many.csv");
    let r = check(&p, &["--format", "json"]);
    assert_eq!(r.code, 1);
    let json = assert_diagnostics(
        &r,
        &[
            ("E100", 4, 1),
            ("E100", 5, 12),
            ("E111", 6, 1),
            ("E121", 7, 23),
            ("E122", 8, 20),
            ("E101", 9, 12),
        ],
    );
    assert_eq!(json["summary"]["errors"], 6);
}

#[test]
fn excel_made_ledger_passes() {
    let (_tmp, p) = project_with("excel.csv");
    let r = check(&p, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("no problems"));
}

#[test]
fn e140_baseline_must_be_a_prefix() {
    let (tmp, p) = project_with("w150-base.csv");
    let baseline = tmp.path().join("released.csv");
    std::fs::copy(p.join("ledger.csv"), &baseline).unwrap();
    // Appending keeps the baseline a prefix.
    let text = std::fs::read_to_string(p.join("ledger.csv")).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        format!("{text}2026-03-31,registered,4,mmueller,\n"),
    )
    .unwrap();
    let r = check(&p, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.all());
    // Rewriting a row is named.
    std::fs::write(
        p.join("ledger.csv"),
        text.replace("registered,2,asmith", "registered,2,bsmith"),
    )
    .unwrap();
    let r = check(
        &p,
        &["--baseline", baseline.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(r.code, 1);
    let json = assert_diagnostics(&r, &[("E140", 5, 1)]);
    assert!(
        json["diagnostics"][0]["help"]
            .as_str()
            .unwrap()
            .contains("2026-03-02,registered,2,asmith,")
    );
    // Cutting history is named.
    let cut: String = text.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(p.join("ledger.csv"), cut).unwrap();
    let r = check(&p, &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E140]: the ledger lacks rows the baseline has, from baseline line 5"),
        "{}",
        r.stderr
    );
}

#[test]
fn status_text_json_and_csv() {
    let (_tmp, p) = fixture("good");
    std::fs::copy(
        repo().join("example-projects/acme-hq/ledger.csv"),
        p.join("ledger.csv"),
    )
    .unwrap();
    edit(&p.join("project.toml"), "first = 1", "first = 1001");
    let dir = p.parent().unwrap();
    let r = run_in(dir, &["status", "good", "--pending-days", "5"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        r.stdout,
        "good — good/ledger.csv (newest row 2026-03-09)

  assigned            7
  registered          4
  revoked             1
  waiting             2   activated, not registered yet
  pending             1   of them waiting more than 5 days

  pending ID   assigned      days
  1003         2026-03-02       7
"
    );
    let r = run_in(dir, &["status", "good", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (
            json["assigned"].as_u64(),
            json["registered"].as_u64(),
            json["revoked"].as_u64()
        ),
        (Some(7), Some(4), Some(1))
    );
    assert_eq!(json["pending"], serde_json::json!([]));
    let r = run_in(
        dir,
        &["status", "good", "--format", "csv", "--pending-days", "3"],
    );
    assert_eq!(
        r.stdout,
        "id,assigned,days\n1003,2026-03-02,7\n1006,2026-03-05,4\n"
    );
    // A broken ledger cannot be reconciled.
    std::fs::copy(
        repo().join("tests/fixtures/ledgers/e121-twice.csv"),
        p.join("ledger.csv"),
    )
    .unwrap();
    edit(&p.join("project.toml"), "first = 1001", "first = 1");
    let r = run_in(dir, &["status", "good"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[E121]"));
    assert_eq!(run_in(dir, &["check", "good", "--format", "csv"]).code, 2);
}
