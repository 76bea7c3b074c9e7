//! `ledger assigned|register|revoke|import`: appends that keep every rule, under a lock,
//! atomically.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn ledger(p: &Path) -> String {
    std::fs::read_to_string(p.join("ledger.csv")).unwrap()
}

fn run_ledger(p: &Path, args: &[&str]) -> Run {
    let mut all = vec!["ledger"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-p", p.to_str().unwrap()]);
    run_in(p.parent().unwrap(), &all)
}

/// `ledger register ID userID --date 2026-03-03 -p PROJECT`, not yet started.
fn register(project: &Path, id: u64) -> std::process::Command {
    let mut command = bin();
    command
        .args([
            "ledger",
            "register",
            &id.to_string(),
            &format!("user{id}"),
            "--date",
            "2026-03-03",
            "-p",
        ])
        .arg(project);
    command
}

const START: &str = "date,event,id,subject,note\n2026-03-01,created,,self-service,\n2026-03-02,assigned,1-2,,\n2026-03-02,registered,1,jdoe,\n";

#[test]
fn appends_rows_that_keep_the_rules() {
    let (_tmp, p) = fixture("good");
    assert_eq!(ledger(&p), START);
    let r = run_ledger(&p, &["assigned", "--through", "5", "--date", "2026-03-03"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_ledger(
        &p,
        &[
            "register",
            "3",
            "Doe, Jane",
            "--date",
            "2026-03-04",
            "--note",
            "ticket \"42\"",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_ledger(&p, &["revoke", "1", "--date", "2026-03-05"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        ledger(&p),
        format!(
            "{START}2026-03-03,assigned,3-5,,\n2026-03-04,registered,3,\"Doe, Jane\",\"ticket \"\"42\"\"\"\n2026-03-05,revoked,1,,\n"
        )
    );
    assert_eq!(run_in(p.parent().unwrap(), &["check", "good"]).code, 0);
    // Without --date the row carries today's date.
    let r = run_ledger(&p, &["register", "4", "kweber", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let today = json["appended"][0]["date"].as_str().unwrap().to_string();
    assert!(ledger(&p).ends_with(&format!("{today},registered,4,kweber,\n")));
}

#[test]
fn refuses_appends_that_break_a_rule_and_writes_nothing() {
    let (_tmp, p) = fixture("good");
    let cases: &[(&[&str], &str)] = &[
        (
            &["assigned", "--through", "2", "--date", "2026-03-03"],
            "E110",
        ),
        (&["register", "1", "asmith", "--date", "2026-03-03"], "E121"),
        (&["register", "7", "asmith", "--date", "2026-03-03"], "E120"),
        (&["revoke", "9", "--date", "2026-03-03"], "E122"),
        (&["register", "2", "asmith", "--date", "2026-02-01"], "E111"),
    ];
    for (args, code) in cases {
        let r = run_ledger(&p, args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.all());
        assert!(
            r.stderr.contains(&format!("error[{code}]")),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(ledger(&p), START, "{args:?} changed the ledger");
    }
    let r = run_ledger(&p, &["register", "1", "asmith", "--date", "2026-03-03"]);
    assert!(
        r.stderr
            .contains("ID 1 is registered twice (in the row to append)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("it was registered on line 4 (jdoe)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        run_ledger(&p, &["register", "2", "x", "--date", "soon"]).code,
        2
    );
    assert_eq!(ledger(&p), START);
}

#[test]
fn keeps_the_files_line_endings_and_column_order() {
    let (_tmp, p) = fixture("good");
    std::fs::copy(
        repo().join("tests/fixtures/ledgers/excel.csv"),
        p.join("ledger.csv"),
    )
    .unwrap();
    let before = std::fs::read(p.join("ledger.csv")).unwrap();
    let r = run_ledger(&p, &["register", "3", "kweber", "--date", "2026-03-04"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let after = std::fs::read(p.join("ledger.csv")).unwrap();
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(
        &after[before.len()..],
        b"registered,3,2026-03-04,,kweber\r\n"
    );
}

fn write_export(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn imports_a_semicolon_windows_1252_export() {
    let (tmp, p) = fixture("good");
    run_ledger(&p, &["assigned", "--through", "6", "--date", "2026-03-02"]);
    // As a German host system exports: semicolons, Windows-1252, its own column names.
    let export = write_export(
        tmp.path(),
        "export.csv",
        b"Personalnummer;Name;Mobile ID;Datum\r\njdoe;Doe;1;02.03.2026\r\nmm\xfcller;M\xfcller;3;04.03.2026\r\nasmith;Smith;2;03.03.2026\r\nmm\xfcller;M\xfcller;3;04.03.2026\r\n",
    );
    let args = [
        "import",
        export.to_str().unwrap(),
        "--id-column",
        "Mobile ID",
        "--subject-column",
        "Personalnummer",
        "--date-column",
        "Datum",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let r = run_ledger(&p, &dry);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("2 row(s) would append, 2 skipped"),
        "{}",
        r.stdout
    );
    let before = ledger(&p);
    let r = run_ledger(&p, &args);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        r.stdout,
        "appended: 2026-03-03,registered,2,asmith,\nappended: 2026-03-04,registered,3,mmüller,\nskipped line 2: ID 1 (jdoe) is already in the ledger\nskipped line 5: ID 3 (mmüller) is twice in the export\n2 row(s) appended, 2 skipped\n"
    );
    assert_eq!(
        ledger(&p),
        format!("{before}2026-03-03,registered,2,asmith,\n2026-03-04,registered,3,mmüller,\n")
    );
    // Importing the same export again appends nothing.
    let r = run_ledger(&p, &args);
    assert!(
        r.stdout.contains("0 row(s) appended, 4 skipped"),
        "{}",
        r.stdout
    );
}

#[test]
fn one_bad_export_row_refuses_the_whole_import_and_lists_every_bad_row() {
    let (tmp, p) = fixture("good");
    let export = write_export(tmp.path(), "export.tsv", b"id\tsubject\tdate\n2\tasmith\t2026-03-03\nx2\tbad\t2026-03-03\n2\t\t2026-03-03\n2\tkw\tnever\n");
    let r = run_ledger(&p, &["import", export.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.all());
    for place in ["export.tsv:3:1", "export.tsv:4:3", "export.tsv:5:6"] {
        assert!(r.stderr.contains(place), "{place} missing: {}", r.stderr);
    }
    assert_eq!(ledger(&p), START);
    // A row that breaks a ledger rule refuses the import too.
    let export = write_export(tmp.path(), "export.csv", b"id,subject\n2,asmith\n9,ghost\n");
    let r = run_ledger(
        &p,
        &["import", export.to_str().unwrap(), "--date", "2026-03-03"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E120]: ID 9 is registered, but Manager has not assigned it"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger(&p), START);
    let r = run_ledger(
        &p,
        &[
            "import",
            export.to_str().unwrap(),
            "--id-column",
            "Mobile ID",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the export has no column `Mobile ID` (it has: id, subject)"),
        "{}",
        r.stderr
    );
}

#[test]
fn sixteen_processes_append_at_once() {
    let (_tmp, p) = fixture("good");
    assert_eq!(
        run_ledger(&p, &["assigned", "--through", "17", "--date", "2026-03-02"]).code,
        0
    );
    let children: Vec<_> = (2..=17)
        .map(|id| {
            register(&p, id)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = ledger(&p);
    for id in 2..=17 {
        assert!(
            text.contains(&format!("2026-03-03,registered,{id},user{id},\n")),
            "row {id} lost"
        );
    }
    assert_eq!(text.lines().count(), 5 + 16);
    assert_eq!(run_in(p.parent().unwrap(), &["check", "good"]).code, 0);
}

#[cfg(unix)]
#[test]
fn killed_append_leaves_old_or_new_ledger() {
    let (_tmp, p) = fixture("good");
    // A ledger large enough that an append takes a while.
    let mut big = String::from(
        "date,event,id,subject,note\n2026-03-01,created,,self-service,\n2026-03-02,assigned,1-200000,,\n",
    );
    for id in 1..=150_000 {
        big.push_str(&format!("2026-03-02,registered,{id},user{id},\n"));
    }
    std::fs::write(p.join("ledger.csv"), &big).unwrap();
    let mut old = big;
    let mut kills = 0;
    for (round, id) in (150_001..150_013).enumerate() {
        let mut child = register(&p, id)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5 + 7 * round as u64));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let now = ledger(&p);
        let new = format!("{old}2026-03-03,registered,{id},user{id},\n");
        assert!(
            now == old || now == new,
            "round {round}: the ledger is neither the old nor the new one"
        );
        old = now;
    }
    assert!(
        kills > 0,
        "no append was interrupted; the test proves nothing"
    );
    assert_eq!(run_in(p.parent().unwrap(), &["check", "good"]).code, 0);
    let r = run_ledger(&p, &["register", "199999", "last", "--date", "2026-03-04"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(ledger(&p).ends_with("2026-03-04,registered,199999,last,\n"));
}
