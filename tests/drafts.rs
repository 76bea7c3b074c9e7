//! A project fresh from `init` builds a draft that says so on every output, in its language;
//! once the stand-ins are replaced, no mark and no warning remains.

mod common;

use common::*;
use std::path::Path;

const DRAFT_DE: &str = "ENTWURF – nicht verteilen: die Platzhalter in project.toml ersetzen";

/// The text of every page of a PDF.
fn pdf_pages(path: &Path) -> Vec<String> {
    let pdf = lopdf::Document::load(path).unwrap();
    let pages = pdf.get_pages();
    pages
        .keys()
        .map(|n| pdf.extract_text(&[*n]).unwrap().replace('\n', " "))
        .collect()
}

/// Whether the messenger image has the red draft band under its accent bar.
fn has_draft_band(png: &Path) -> bool {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.line_size / info.width as usize;
    // Left of the centred text, inside the band (y 16 to 68).
    let at = (30 * info.width as usize + 20) * channels;
    pixels[at..at + 3] == [178, 34, 34]
}

fn subject(eml: &Path) -> String {
    let bytes = std::fs::read(eml).unwrap();
    let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    message.subject().unwrap_or_default().to_string()
}

#[test]
fn an_init_project_is_a_marked_draft_until_its_stand_ins_are_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(tmp.path(), &["init", "werk", "--lang", "de"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_in(tmp.path(), &["check", "werk", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert_eq!(r.stderr.matches("warning[W010]").count(), 3, "{}", r.stderr);
    let toml = std::fs::read_to_string(tmp.path().join("werk/project.toml")).unwrap();
    assert!(!toml.contains("com.baltech") && toml.contains("REPLACE-WITH-THE-GOOGLE-PLAY-LINK"));

    let r = run_in(tmp.path(), &["build", "werk", "-o", "dist"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stderr.contains("warning[W010]"), "{}", r.stderr);
    let kit = tmp.path().join("dist/werk");
    let page = std::fs::read_to_string(kit.join("index.html")).unwrap();
    assert!(page.contains(&format!("<p class=\"draft\" role=\"alert\">{DRAFT_DE}</p>")));
    for pdf in ["flyer-a4.de.pdf", "cards-a4.de.pdf"] {
        for (n, text) in pdf_pages(&kit.join(pdf)).iter().enumerate() {
            assert!(text.contains("ENTWURF"), "{pdf} page {}: {text}", n + 1);
        }
    }
    assert!(has_draft_band(&kit.join("card.de.png")));
    assert!(subject(&kit.join("email.de.eml")).starts_with("[ENTWURF] "));
    let message = std::fs::read_to_string(kit.join("message.de.txt")).unwrap();
    assert_eq!(message.lines().next(), Some(DRAFT_DE));

    // The admin replaces the stand-ins: nothing is marked, nothing is warned.
    let toml = tmp.path().join("werk/project.toml");
    edit(
        &toml,
        "REPLACE-WITH-THE-ACTIVATION-CODE-FROM-MANAGER",
        "MID:werk:4711",
    );
    edit(
        &toml,
        "app/REPLACE-WITH-THE-APP-STORE-LINK",
        "de/app/mobile-id/id1234567890",
    );
    edit(
        &toml,
        "id=REPLACE-WITH-THE-GOOGLE-PLAY-LINK",
        "id=com.example.mobileid",
    );
    let r = run_in(tmp.path(), &["check", "werk", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run_in(tmp.path(), &["build", "werk", "-o", "dist"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.all());
    let page = std::fs::read_to_string(kit.join("index.html")).unwrap();
    assert!(!page.contains("ENTWURF"));
    for pdf in ["flyer-a4.de.pdf", "cards-a4.de.pdf"] {
        assert!(
            pdf_pages(&kit.join(pdf))
                .iter()
                .all(|t| !t.contains("ENTWURF")),
            "{pdf}"
        );
    }
    assert!(!has_draft_band(&kit.join("card.de.png")));
    assert!(!subject(&kit.join("email.de.eml")).contains("ENTWURF"));
    let message = std::fs::read_to_string(kit.join("message.de.txt")).unwrap();
    assert!(!message.contains("ENTWURF"));
}

#[test]
fn a_stand_in_is_recognised_in_a_decoded_image_too() {
    let (tmp, p) = fixture("good");
    // A store code image that still carries the stand-in link.
    let matrix = mobileid_kit::qr::Matrix::encode(
        mobileid_kit::project::stand_in::APP_STORE,
        mobileid_kit::qr::Ec::M,
    )
    .unwrap();
    std::fs::write(p.join("app-store.png"), matrix.to_png(8)).unwrap();
    edit(
        &p.join("project.toml"),
        "app_store = \"https://apps.apple.com/app/id1\"",
        "app_store_qr = \"app-store.png\"",
    );
    let r = run_in(tmp.path(), &["check", "good"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stderr
            .contains("warning[W010]: the App Store link is still the stand-in"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--> good/project.toml:11:16"),
        "{}",
        r.stderr
    );
}

#[test]
fn init_writes_language_tags_as_check_expects_and_refuses_others() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(tmp.path(), &["init", "a", "--lang", "DE,en,PT-br"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let toml = std::fs::read_to_string(tmp.path().join("a/project.toml")).unwrap();
    assert!(
        toml.contains("languages = [\"de\", \"en\", \"pt-BR\"]"),
        "{toml}"
    );
    assert!(tmp.path().join("a/instructions.pt-BR.md").is_file());
    let r = run_in(tmp.path(), &["check", "a"]);
    assert_eq!(r.code, 0, "{}", r.all());
    // pt-BR has no built-in strings yet: its page would be English, and check says so.
    assert!(
        r.stderr
            .contains("warning[W011]: the `pt-BR` theme strings are still the `en` text"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("warning[W011]: the `pt-BR` instructions are still the `en` text"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`de` instructions"), "{}", r.stderr);
    for bad in ["en_US", "e", "english!", "../x"] {
        let r = run_in(tmp.path(), &["init", "b", "--lang", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.all());
        assert!(
            r.stderr.contains("is not a language tag"),
            "{bad}: {}",
            r.stderr
        );
        assert!(!tmp.path().join("b").exists(), "{bad}");
    }
}
