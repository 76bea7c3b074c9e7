//! `init`: a new project that builds and checks as it is.

mod common;

use common::*;

#[test]
fn init_writes_a_project_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(
        tmp.path(),
        &[
            "init",
            "acme",
            "--name",
            "ACME \"HQ\"",
            "--lang",
            "de,en,hu",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        files(&tmp.path().join("acme")),
        [
            "i18n/hu.toml",
            "instructions.de.md",
            "instructions.en.md",
            "instructions.hu.md",
            "ledger.csv",
            "project.toml"
        ]
    );
    let ledger = std::fs::read_to_string(tmp.path().join("acme/ledger.csv")).unwrap();
    let mut lines = ledger.lines();
    assert_eq!(lines.next(), Some("date,event,id,subject,note"));
    assert!(lines.next().unwrap().contains(",created,,self-service,"));
    let r = run_in(tmp.path(), &["check", "acme"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_in(tmp.path(), &["build", "acme", "-o", "dist"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let page = std::fs::read_to_string(tmp.path().join("dist/acme/index.html")).unwrap();
    assert!(page.contains("<html lang=\"de\">") && page.contains("ACME &quot;HQ&quot;"));
    // The starter instructions cover what users trip over.
    let en = std::fs::read_to_string(tmp.path().join("acme/instructions.en.md")).unwrap();
    for topic in [
        "camera",
        "Bluetooth",
        "Nearby devices",
        "notifications",
        "\"Active\"",
        "your ID",
        "Register",
        "rather than deleting it",
    ] {
        assert!(en.contains(topic), "starter text lacks {topic}");
    }
}

#[test]
fn init_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "p"]).code, 0);
    let r = run_in(tmp.path(), &["init", "p"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: p/project.toml exists already; init writes only new files\n"
    );
    let r = run_in(tmp.path(), &["init", "q", "--lang", "../x"]);
    assert_eq!(r.code, 2);
    assert!(!tmp.path().join("q").exists());
}

#[test]
fn every_command_explains_itself_with_an_example() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in [
        "build",
        "check",
        "status",
        "verify",
        "init",
        "ledger",
        "ledger assigned",
        "ledger register",
        "ledger revoke",
        "ledger import",
    ] {
        let mut args: Vec<&str> = cmd.split(' ').collect();
        args.push("--help");
        let r = run_in(tmp.path(), &args);
        assert_eq!(r.code, 0);
        // The example is the line after "Example:": the command with arguments, not the
        // usage line clap prints anyway.
        let example = r
            .stdout
            .lines()
            .skip_while(|l| !l.starts_with("Example"))
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd} has no example: {}", r.stdout));
        let invocation = format!("mobileid-kit {cmd} ");
        assert!(
            example.trim_start().starts_with(&invocation),
            "{cmd}: {example}"
        );
        assert!(
            example.trim().len() > invocation.len() + 2,
            "{cmd}: {example}"
        );
    }
    let r = run_in(tmp.path(), &["build", "--bogus"]);
    assert_eq!(r.code, 2);
}
