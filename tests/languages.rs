//! The fourteen languages of the default theme: each renders every output, says its `lang`,
//! fits every print layout, and its starter instructions are its own.

mod common;

use common::*;

const BUILT_IN: [&str; 14] = [
    "en", "de", "fr", "it", "es", "pt", "nl", "pl", "cs", "sv", "da", "fi", "nb", "tr",
];

#[test]
fn every_built_in_language_builds_every_output() {
    assert_eq!(mobileid_kit::theme::LANGUAGES, BUILT_IN);
    let tmp = tempfile::tempdir().unwrap();
    let langs = BUILT_IN.join(",");
    let r = run_in(
        tmp.path(),
        &[
            "init",
            "site",
            "--name",
            "Werk Nord – Haupteingang",
            "--lang",
            &langs,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let toml = tmp.path().join("site/project.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let kit = "[kit]\noutputs = [\"html\", \"pdf\", \"poster\", \"md\", \"qr\", \"email\", \"card\", \"message\"]\ncards = [\"a4\", \"c32011\", \"5371\"]\nposter = [\"a3\", \"tabloid\"]\n";
    std::fs::write(
        &toml,
        text.replace(
            "[kit]\npaper = [\"a4\"]",
            &format!("{kit}paper = [\"a4\", \"letter\"]"),
        ),
    )
    .unwrap();
    let check = run_in(tmp.path(), &["check", "site", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // init's stand-ins make a draft (W010); nothing else: no language is another's (W011),
    // every string is there (E007) and everything fits (E008).
    assert!(codes.iter().all(|c| *c == "W010"), "{}", check.stdout);
    let r = run_in(tmp.path(), &["build", "site", "-o", "out", "--verify"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/site");
    for lang in BUILT_IN {
        let page = std::fs::read_to_string(kit.join(lang).join("index.html")).unwrap();
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
        for file in [
            format!("flyer-a4.{lang}.pdf"),
            format!("flyer-letter.{lang}.pdf"),
            format!("cards-c32011.{lang}.pdf"),
            format!("cards-5371.{lang}.pdf"),
            format!("poster-a3.{lang}.pdf"),
            format!("email.{lang}.eml"),
            format!("card.{lang}.png"),
            format!("message.{lang}.txt"),
            format!("instructions.{lang}.md"),
        ] {
            assert!(kit.join(&file).is_file(), "{file}");
        }
        let eml = std::fs::read_to_string(kit.join(format!("email.{lang}.eml"))).unwrap();
        assert!(
            eml.contains(&format!("lang=\"{lang}\""))
                || eml.contains(&format!("lang=3D\"{lang}\"")),
            "{lang}: the email's HTML has its language"
        );
    }
}

#[test]
fn each_starter_is_its_own_language() {
    let starters = mobileid_kit::theme::STARTERS;
    assert_eq!(starters.len(), BUILT_IN.len());
    let lines = |text: &str| -> std::collections::BTreeSet<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.len() > 20 && !l.starts_with("{%"))
            .map(str::to_string)
            .collect()
    };
    for (i, (a, text_a)) in starters.iter().enumerate() {
        let mine = lines(text_a);
        assert!(mine.len() >= 10, "{a}: {} lines", mine.len());
        for (b, text_b) in &starters[i + 1..] {
            let shared = mine.intersection(&lines(text_b)).count();
            assert!(shared <= 1, "{a} and {b} share {shared} lines");
        }
    }
}
