//! A ledger opened and saved by Excel in a German locale — semicolons, Windows-1252, CRLF,
//! dates as DD.MM.YYYY — checks as the original did, takes appends in its own dialect and
//! still proves (`--baseline`) that history was only appended.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// The ledger as the program writes it: comma, UTF-8, LF, ISO dates, quotes where needed.
const ORIGINAL: &str = "date,event,id,subject,note\n\
2026-03-01,created,,self-service,\"created in Manager, by IT\"\n\
2026-03-02,assigned,1-4,,\n\
2026-03-02,registered,1,jdoe,\n\
2026-03-03,registered,2,Jürgen Müller,\"said \"\"hi\"\"\"\n\
2026-03-20,registered,3,\"Weiß; Anna\",\n";

/// What German Excel saves: each row re-separated with `;`, dates rewritten, the text in
/// Windows-1252, CRLF line ends, quotes only where a field needs them.
fn excel_saved(original: &str) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(original.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        let fields: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let parts: Vec<&str> = f.split('-').collect();
                match (i, parts.as_slice()) {
                    (0, [y, m, d]) if y.len() == 4 => format!("{d}.{m}.{y}"),
                    _ => f.to_string(),
                }
            })
            .collect();
        writer.write_record(&fields).unwrap();
    }
    let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn project(ledger: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, p) = fixture("good");
    std::fs::write(p.join("ledger.csv"), ledger).unwrap();
    (tmp, p)
}

fn status(p: &Path) -> serde_json::Value {
    let r = run_in(p, &["status", "--format", "json", "--pending-days", "5"]);
    assert_eq!(r.code, 0, "{}", r.all());
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn an_excel_saved_ledger_reads_as_the_original() {
    let excel = excel_saved(ORIGINAL);
    assert!(excel.starts_with(b"date;event;id;subject;note\r\n01.03.2026;created;;self-service;"));
    assert!(excel.windows(2).any(|w| w == b"\xfcl"), "Windows-1252 ü");
    let (_a, original) = project(ORIGINAL.as_bytes());
    let (_b, saved) = project(&excel);
    for p in [&original, &saved] {
        let r = run_in(p, &["check", "--pending-days", "30"]);
        assert_eq!(r.code, 0, "{}", r.all());
        assert!(r.stdout.contains("1 ledger(s): no problems"), "{}", r.all());
    }
    let (a, b) = (status(&original), status(&saved));
    assert_eq!(a, b);
    assert_eq!(b["registered"], 3);
    assert_eq!(b["pending"][0]["id"], 4);
}

#[test]
fn an_append_keeps_the_dialect_byte_for_byte_and_the_baseline_holds() {
    let excel = excel_saved(ORIGINAL);
    let (tmp, p) = project(&excel);
    let r = run_in(
        &p,
        &[
            "ledger",
            "register",
            "4",
            "Jörg Weiß",
            "--date",
            "2026-03-21",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let after = std::fs::read(p.join("ledger.csv")).unwrap();
    let mut expected = excel.clone();
    expected.extend_from_slice(b"21.03.2026;registered;4;J\xf6rg Wei\xdf;\r\n");
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(after, expected);

    // The UTF-8 original as baseline: the Excel re-save plus an append is no rewrite.
    let baseline = tmp.path().join("released.csv");
    std::fs::write(&baseline, ORIGINAL).unwrap();
    let r = run_in(&p, &["check", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.all());
    // A changed subject is a rewrite, named at its row.
    let rewritten = String::from_utf8_lossy(&after).replace("jdoe", "jdoe2");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&rewritten);
    std::fs::write(p.join("ledger.csv"), &bytes).unwrap();
    let r = run_in(&p, &["check", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E140]: row 4 differs from the baseline"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_subject_a_spreadsheet_would_run_is_refused() {
    let (_tmp, p) = project(ORIGINAL.as_bytes());
    for subject in [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1",
        "-1+2",
        "@SUM(A1)",
    ] {
        let r = run_in(&p, &["ledger", "register", "4", "--", subject]);
        assert_eq!(r.code, 1, "{subject}: {}", r.all());
        assert!(r.stderr.contains("error[E100]"), "{}", r.stderr);
        assert!(r.stderr.contains("would run as a formula"), "{}", r.stderr);
        assert_eq!(
            std::fs::read_to_string(p.join("ledger.csv")).unwrap(),
            ORIGINAL
        );
    }
    let r = run_in(&p, &["ledger", "register", "4", "jdoe4", "--note", "=1+1"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("the note `=1+1`"), "{}", r.stderr);
}

#[test]
fn a_misspelt_header_column_is_one_error() {
    let misspelt = ORIGINAL.replacen("subject", "subjcet", 1);
    let (_tmp, p) = project(misspelt.as_bytes());
    let r = run_in(&p, &["check"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert_eq!(r.stderr.matches("error[").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown column `subjcet`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `subject`?"), "{}", r.stderr);
}
