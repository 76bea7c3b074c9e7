//! `check` and `build` judge a project alike: for each edge input both exit the same way with
//! the same codes, and a refusal names the file and line of its cause.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

struct Case {
    name: &'static str,
    change: fn(&Path),
    /// The error codes expected (empty: it builds).
    codes: &'static [&'static str],
    /// The file (name) and line the refusal points at.
    at: Option<(&'static str, usize)>,
}

fn qr_size(p: &Path, size: u32) {
    edit(
        &p.join("project.toml"),
        "[kit]",
        &format!("[kit]\nqr_size_mm = {size}"),
    );
}

const CASES: &[Case] = &[
    Case {
        name: "qr_size_mm = 20",
        change: |p| qr_size(p, 20),
        codes: &[],
        at: None,
    },
    Case {
        name: "qr_size_mm = 36",
        change: |p| qr_size(p, 36),
        codes: &[],
        at: None,
    },
    Case {
        name: "qr_size_mm = 45",
        change: |p| qr_size(p, 45),
        codes: &[],
        at: None,
    },
    Case {
        name: "qr_size_mm = 60",
        change: |p| qr_size(p, 60),
        codes: &[],
        at: None,
    },
    Case {
        name: "instructions that need the back page",
        change: |p| {
            let text = std::fs::read_to_string(p.join("instructions.en.md")).unwrap();
            std::fs::write(p.join("instructions.en.md"), text.repeat(3)).unwrap();
        },
        codes: &[],
        at: None,
    },
    Case {
        name: "instructions too long even for the back page",
        change: |p| {
            let para =
                "A paragraph that tells the users something they need to know about the app.\n\n";
            std::fs::write(
                p.join("instructions.en.md"),
                format!("## Setup\n\n{}", para.repeat(200)),
            )
            .unwrap();
        },
        codes: &["E008"],
        // The back page holds about 130 of these paragraphs; each takes two lines.
        at: Some(("instructions.en.md", 0)),
    },
    Case {
        name: "a character the font lacks",
        change: |p| {
            std::fs::write(
                p.join("instructions.en.md"),
                "## Setup\n\nOpen Settings → Mobile ID.\n",
            )
            .unwrap()
        },
        codes: &["E008"],
        at: Some(("instructions.en.md", 3)),
    },
    Case {
        name: "a print setting no page can hold",
        change: |p| {
            edit(
                &p.join("project.toml"),
                "languages = [\"en\", \"de\"]",
                "languages = [\"en\", \"de\"]\ntheme = \"theme\"",
            );
            std::fs::create_dir_all(p.join("theme")).unwrap();
            std::fs::write(p.join("theme/print.toml"), "# huge\nbody_size = 2e7\n").unwrap();
        },
        codes: &["E008"],
        at: Some(("print.toml", 2)),
    },
    Case {
        name: "a contact name in a script the font lacks",
        change: |p| {
            edit(
                &p.join("project.toml"),
                "name = \"IT\"",
                "name = \"IT 服务台\"",
            )
        },
        codes: &["E008"],
        at: Some(("project.toml", 19)),
    },
    Case {
        name: "a project name too long for the wallet card",
        change: |p| {
            edit(
                &p.join("project.toml"),
                "name = \"Good Project\"",
                &format!("name = \"{}\"", "Building ".repeat(33)),
            )
        },
        codes: &["E008", "E008"],
        at: Some(("project.toml", 3)),
    },
    Case {
        name: "a chat message over its limit",
        change: |p| {
            edit(
                &p.join("project.toml"),
                "url = \"https://intranet.example.com/mobile-id\"",
                &format!(
                    "url = \"https://intranet.example.com/mobile-id?from={}\"",
                    "a".repeat(990)
                ),
            )
        },
        codes: &["E008", "E008"],
        at: Some(("project.toml", 15)),
    },
    Case {
        name: "a theme template that fails to render",
        change: |p| {
            edit(
                &p.join("project.toml"),
                "languages = [\"en\", \"de\"]",
                "languages = [\"en\", \"de\"]\ntheme = \"theme\"",
            );
            std::fs::create_dir_all(p.join("theme/templates")).unwrap();
            std::fs::write(
                p.join("theme/templates/message.txt"),
                "Hello\n{{ project.nonsense.deeper }}\n",
            )
            .unwrap();
        },
        // One template, one line: both languages fail there, and it is said once.
        codes: &["E008"],
        at: Some(("message.txt", 2)),
    },
];

/// (severity, code, file, line) of each diagnostic of a `--format json` run.
fn diagnostics(stdout: &str) -> Vec<(String, String, String, u64)> {
    let json: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    json["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    (
                        d["severity"].as_str().unwrap_or_default().to_string(),
                        d["code"].as_str().unwrap_or_default().to_string(),
                        d["file"].as_str().unwrap_or_default().to_string(),
                        d["line"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn check_and_build_agree_on_edge_inputs() {
    for case in CASES {
        let (tmp, p) = fixture("good");
        (case.change)(&p);
        let check = run_in(tmp.path(), &["check", "good", "--format", "json"]);
        let build = run_in(
            tmp.path(),
            &["build", "good", "-o", "out", "--format", "json"],
        );
        let name = case.name;
        assert_eq!(
            check.code,
            build.code,
            "{name}: check\n{}\nbuild\n{}",
            check.all(),
            build.all()
        );
        let expected = if case.codes.is_empty() { 0 } else { 1 };
        assert_eq!(build.code, expected, "{name}: {}", build.all());
        let (found_check, found_build) = (diagnostics(&check.stdout), diagnostics(&build.stdout));
        let codes = |d: &[(String, String, String, u64)]| {
            let mut c: Vec<String> = d.iter().map(|d| d.1.clone()).collect();
            c.sort();
            c
        };
        assert_eq!(codes(&found_check), codes(&found_build), "{name}");
        let errors: Vec<_> = found_build.iter().filter(|d| d.0 == "error").collect();
        assert_eq!(
            errors.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            case.codes,
            "{name}: {}",
            build.stdout
        );
        if let Some((file, line)) = case.at {
            for d in found_check
                .iter()
                .chain(&found_build)
                .filter(|d| d.0 == "error")
            {
                assert!(d.2.ends_with(file), "{name}: {d:?} is not in {file}");
                assert!(d.3 > 0, "{name}: {d:?} names no line");
                if line > 0 {
                    assert_eq!(d.3, line as u64, "{name}: {d:?}");
                }
            }
            assert!(
                !tmp.path().join("out").exists(),
                "{name}: a refused build wrote files"
            );
        } else {
            assert!(
                tmp.path().join("out/good/manifest.json").is_file(),
                "{name}"
            );
        }
    }
}

#[test]
fn a_back_page_holds_what_the_front_cannot() {
    let (tmp, p) = fixture("good");
    qr_size(&p, 60);
    let text = std::fs::read_to_string(p.join("instructions.en.md")).unwrap();
    std::fs::write(p.join("instructions.en.md"), text.repeat(3)).unwrap();
    let r = run_in(tmp.path(), &["build", "good", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let pdf = lopdf::Document::load(tmp.path().join("out/good/flyer-a4.en.pdf")).unwrap();
    assert_eq!(
        pdf.get_pages().len(),
        2,
        "a flyer with 60 mm codes puts the instructions on its back"
    );
    let back = pdf.extract_text(&[2]).unwrap();
    assert!(back.contains("Step by step"), "{back}");
    // The wallet card holds less than 60 mm; the report says what it printed.
    assert!(
        r.stdout.contains("cards-a4.en.pdf: the activation code is"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("(qr_size_mm = 60)"), "{}", r.stdout);
}

#[test]
fn two_projects_with_one_id_are_an_input_error_naming_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    for site in ["north", "south"] {
        copy_tree(
            &repo().join("tests/fixtures/good"),
            &tmp.path().join("sites").join(site),
        );
    }
    for command in [&["check", "sites"][..], &["build", "sites", "-o", "out"]] {
        let r = run_in(tmp.path(), command);
        assert_eq!(r.code, 1, "{command:?}: {}", r.all());
        assert!(
            r.stderr.contains(
                "error[E001]: the project id `good` is used by sites/north/project.toml too"
            ),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("--> sites/south/project.toml:2:6"),
            "{}",
            r.stderr
        );
    }
    assert!(!tmp.path().join("out").exists());
}
