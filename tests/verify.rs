//! `verify`: a kit passes as built and fails, naming the file, when a file is swapped,
//! comes from another build or is damaged.

mod common;

use common::*;
use std::path::{Path, PathBuf};

fn built(fixture_name: &str) -> (tempfile::TempDir, PathBuf) {
    let (tmp, project) = fixture(fixture_name);
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out").join(project.file_name().unwrap());
    (tmp, kit)
}

fn verify(kit: &Path) -> Run {
    run_in(kit.parent().unwrap(), &["verify", kit.to_str().unwrap()])
}

#[test]
fn a_fresh_kit_passes() {
    let (_tmp, kit) = built("good");
    let r = verify(&kit);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("0 failing") && r.stdout.contains("every code decodes"),
        "{}",
        r.stdout
    );
    for file in [
        "flyer-a4.en.pdf (4 codes)",
        "cards-a4.de.pdf (1 codes)",
        "email.de.eml (4 codes)",
        "index.html (4 codes)",
        "card.en.png (3 codes)",
        "qr/registration.svg (1 codes)",
    ] {
        assert!(
            r.stdout.contains(&format!("ok    {file}")),
            "{file}: {}",
            r.stdout
        );
    }
    // JSON names every file.
    let r = run_in(
        kit.parent().unwrap(),
        &["verify", kit.to_str().unwrap(), "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json["ok"], true);
}

#[test]
fn a_swapped_code_image_fails_and_is_named() {
    let (_tmp, kit) = built("good");
    std::fs::copy(kit.join("qr/google-play.png"), kit.join("qr/app-store.png")).unwrap();
    let r = verify(&kit);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stdout
            .contains("FAIL  qr/app-store.png: the app-store code is not found or does not decode"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "FAIL  qr/app-store.png: it shows a code that is not its own: https://play.google.com"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 file(s) fail:") && r.stdout.contains("qr/app-store.png"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_flyer_from_another_build_fails() {
    let (_tmp, kit) = built("good");
    let (_other_tmp, other) = built("intl");
    std::fs::copy(other.join("flyer-a4.en.pdf"), kit.join("flyer-a4.en.pdf")).unwrap();
    let r = verify(&kit);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("FAIL  flyer-a4.en.pdf: its content differs from the manifest"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("FAIL  flyer-a4.en.pdf: the activation code is not found"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_truncated_pdf_is_a_finding_not_a_crash() {
    let (_tmp, kit) = built("good");
    let bytes = std::fs::read(kit.join("flyer-a4.de.pdf")).unwrap();
    std::fs::write(kit.join("flyer-a4.de.pdf"), &bytes[..bytes.len() / 3]).unwrap();
    std::fs::write(kit.join("card.de.png"), b"\x89PNG\r\n\x1a\ngarbage").unwrap();
    let r = verify(&kit);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("FAIL  flyer-a4.de.pdf"), "{}", r.stdout);
    assert!(r.stdout.contains("FAIL  card.de.png"), "{}", r.stdout);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    std::fs::remove_file(kit.join("email.en.eml")).unwrap();
    let r = verify(&kit);
    assert!(
        r.stdout.contains("FAIL  email.en.eml: cannot be read"),
        "{}",
        r.stdout
    );
}

#[test]
fn build_verify_checks_what_it_wrote() {
    let (tmp, project) = fixture("good");
    let r = run_in(
        tmp.path(),
        &[
            "build",
            project.to_str().unwrap(),
            "-o",
            "out",
            "--verify",
            "--only",
            "qr,html",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("every code decodes"), "{}", r.stdout);
    let r = run_in(tmp.path(), &["verify", "nowhere"]);
    assert_eq!(r.code, 2);
}

#[test]
fn every_example_kit_passes() {
    let (tmp, _) = build_examples();
    let r = run_in(tmp.path(), &["verify", "dist"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("acme-hq")
            && r.stdout.contains("nordwerk-plant")
            && r.stdout.contains("every code decodes"),
        "{}",
        r.stdout
    );
}
