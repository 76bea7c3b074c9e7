//! `build`: the kit of SPEC, codes that decode, a manifest that tells the truth,
//! escaping, determinism, and safe re-runs.

mod common;

use common::*;
use mobileid_kit::kit::manifest::{Manifest, sha256_hex};
use std::path::Path;

fn manifest(kit: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(kit.join("manifest.json")).unwrap()).unwrap()
}

/// Every `qr/*.png` and `qr/*.svg` decodes to exactly its manifest payload.
fn assert_codes_decode(kit: &Path) -> usize {
    let m = manifest(kit);
    let mut decoded = 0;
    for (name, code) in &m.codes {
        let png = std::fs::read(kit.join(format!("qr/{name}.png"))).unwrap();
        assert_eq!(
            mobileid_kit::qr::decode_single_png(&png).unwrap(),
            code.payload,
            "{name}.png"
        );
        let svg = std::fs::read_to_string(kit.join(format!("qr/{name}.svg"))).unwrap();
        assert_eq!(
            mobileid_kit::qr::decode_svg(&svg, 1.0).unwrap(),
            vec![Ok(code.payload.clone())],
            "{name}.svg"
        );
        decoded += 2;
    }
    decoded
}

/// The manifest lists every file but itself, with the right size and hash.
fn assert_manifest_true(kit: &Path) {
    let m = manifest(kit);
    let mut listed: Vec<String> = m.files.iter().map(|f| f.path.clone()).collect();
    for f in &m.files {
        let bytes = std::fs::read(kit.join(&f.path)).unwrap();
        assert_eq!(bytes.len() as u64, f.bytes, "{}", f.path);
        assert_eq!(sha256_hex(&bytes), f.sha256, "{}", f.path);
    }
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(listed, files(kit));
}

#[test]
fn examples_build_and_every_code_decodes() {
    let (_tmp, examples) = copy_dir(&repo().join("example-projects"));
    let out = examples.parent().unwrap().join("dist");
    let r = run_in(
        examples.parent().unwrap(),
        &["build", "example-projects", "-o", "dist"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    for id in ["acme-hq", "nordwerk-plant"] {
        let kit = out.join(id);
        assert!(assert_codes_decode(&kit) >= 6, "{id}");
        assert_manifest_true(&kit);
        assert_eq!(manifest(&kit).project, id);
    }
    // The site's own theme restyles the default through static/custom.css.
    let nordwerk = std::fs::read_to_string(out.join("nordwerk-plant/uk/index.html")).unwrap();
    assert!(nordwerk.contains("--accent: #b3261e") && nordwerk.contains("<html lang=\"uk\">"));
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        index.contains("href=\"acme-hq/index.html\"")
            && index.contains("href=\"nordwerk-plant/index.html\"")
    );
    // The activation image is decoded and re-encoded, never changed.
    let acme = manifest(&out.join("acme-hq"));
    assert_eq!(
        acme.codes["activation"].payload,
        "MID1:ACME-HQ:6d1f0c8a2e4b47f1a9c3e5d7b2f4a6c8:SELF"
    );
}

#[test]
fn kit_has_the_files_of_spec() {
    let (tmp, project) = fixture("good");
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/good");
    assert_eq!(
        files(&kit),
        [
            "card.de.png",
            "card.en.png",
            "cards-a4.de.pdf",
            "cards-a4.en.pdf",
            "de/index.html",
            "email.de.eml",
            "email.en.eml",
            "en/index.html",
            "flyer-a4.de.pdf",
            "flyer-a4.en.pdf",
            "index.html",
            "instructions.de.md",
            "instructions.en.md",
            "manifest.json",
            "message.de.txt",
            "message.en.txt",
            "qr/activation.png",
            "qr/activation.svg",
            "qr/app-store.png",
            "qr/app-store.svg",
            "qr/google-play.png",
            "qr/google-play.svg",
            "qr/registration.png",
            "qr/registration.svg",
        ]
    );
    assert_codes_decode(&kit);
    assert_manifest_true(&kit);
    let m = manifest(&kit);
    assert_eq!(
        m.generator,
        format!("mobileid-kit {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        m.codes["registration"].payload,
        "https://intranet.example.com/mobile-id"
    );
    assert_eq!(m.codes["app-store"].ec, "M");
    let page = m.files.iter().find(|f| f.path == "index.html").unwrap();
    assert_eq!(
        page.codes,
        ["app-store", "google-play", "activation", "registration"]
    );

    let md = std::fs::read_to_string(kit.join("instructions.de.md")).unwrap();
    assert_eq!(
        md,
        "## Einrichten\n\n1. Code für Good Project scannen.\n2. Unter https://intranet.example.com/mobile-id registrieren.\n"
    );
    let message = std::fs::read_to_string(kit.join("message.en.txt")).unwrap();
    for link in [
        "https://apps.apple.com/app/id1",
        "https://play.google.com/store/apps/details?id=x",
        "https://intranet.example.com/mobile-id",
    ] {
        assert!(message.contains(link), "{message}");
    }
    assert!(message.chars().count() <= 1000);
}

#[test]
fn page_is_self_contained_and_shows_every_code() {
    let (tmp, project) = fixture("good");
    assert_eq!(
        run_in(
            tmp.path(),
            &["build", project.to_str().unwrap(), "-o", "out"]
        )
        .code,
        0
    );
    let kit = tmp.path().join("out/good");
    let m = manifest(&kit);
    for page in ["index.html", "en/index.html", "de/index.html"] {
        let html = std::fs::read_to_string(kit.join(page)).unwrap();
        assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
        for needle in [
            "<script",
            "<link",
            "src=\"http",
            "url(",
            "@import",
            "@font-face",
        ] {
            assert!(!html.contains(needle), "{page} contains {needle}");
        }
        // Every inline code decodes, in page order: app store, google play, activation, registration.
        let decoded: Vec<String> = mobileid_kit::verify::inline_svgs(&html)
            .iter()
            .map(|svg| {
                mobileid_kit::qr::decode_svg(svg, 8.0)
                    .unwrap()
                    .remove(0)
                    .unwrap()
            })
            .collect();
        let expected: Vec<String> = ["app-store", "google-play", "activation", "registration"]
            .iter()
            .map(|n| m.codes[*n].payload.clone())
            .collect();
        assert_eq!(decoded, expected, "{page}");
        assert!(
            html.contains("href=\"https://apps.apple.com/app/id1\""),
            "tappable store button"
        );
    }
    let root = std::fs::read_to_string(kit.join("index.html")).unwrap();
    assert!(root.contains("<html lang=\"en\">") && root.contains("href=\"de/index.html\""));
    let de = std::fs::read_to_string(kit.join("de/index.html")).unwrap();
    assert!(de.contains("<html lang=\"de\">") && de.contains("href=\"../en/index.html\""));
    assert!(de.contains("App herunterladen"));
}

#[test]
fn hostile_text_is_escaped_and_intact() {
    let (tmp, project) = fixture("escaping");
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/escaping");
    let html = std::fs::read_to_string(kit.join("index.html")).unwrap();
    assert!(
        !html.contains("<script"),
        "no script element may reach the page"
    );
    assert!(!html.contains("<img") && !html.contains("<b>") && !html.contains("javascript:"));
    // Our escaping (html::escape), not tera's default (which writes &#x27; and &#x2F;).
    assert!(
        html.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Ωμέγα&#39; «Привет»"
        ),
        "name escaped and intact"
    );
    assert!(html.contains("Привет, Γειά σου"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;instructions&#39;)&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert('instructions')&lt;/script&gt;"),
        "raw HTML shown as text"
    );
    assert!(html.contains("Fish &amp; chips"));
    // Codes carry their payload byte for byte, markup characters included.
    let m = manifest(&kit);
    assert_eq!(m.codes["activation"].payload, "MID1:<&>\"'");
    assert_codes_decode(&kit);
    let md = std::fs::read_to_string(kit.join("instructions.en.md")).unwrap();
    assert!(
        md.contains("Welcome to <script>alert(\"x\")</script> & 'Ωμέγα' «Привет»."),
        "Markdown keeps the text as written"
    );
}

#[test]
fn same_inputs_give_identical_bytes() {
    let (tmp, examples) = copy_dir(&repo().join("example-projects"));
    let dir = tmp.path();
    assert_eq!(
        run_in(dir, &["build", examples.to_str().unwrap(), "-o", "a"]).code,
        0
    );
    assert_eq!(
        run_in(dir, &["build", examples.to_str().unwrap(), "-o", "b"]).code,
        0
    );
    let (a, b) = (dir.join("a"), dir.join("b"));
    assert_eq!(files(&a), files(&b));
    for f in files(&a) {
        assert_eq!(
            std::fs::read(a.join(&f)).unwrap(),
            std::fs::read(b.join(&f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn rebuild_keeps_foreign_files_and_drops_its_own_old_ones() {
    let (tmp, project) = fixture("good");
    let p = project.to_str().unwrap();
    assert_eq!(run_in(tmp.path(), &["build", p, "-o", "out"]).code, 0);
    let kit = tmp.path().join("out/good");
    std::fs::write(kit.join("README-intranet.txt"), "ours, not the tool's").unwrap();
    std::fs::create_dir_all(kit.join("extra")).unwrap();
    std::fs::write(kit.join("extra/logo.txt"), "logo").unwrap();
    // Build fewer outputs: the tool's old files go, the admin's stay.
    let r = run_in(
        tmp.path(),
        &["build", p, "-o", "out", "--only", "qr", "--lang", "en"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let now = files(&kit);
    assert!(
        now.contains(&"README-intranet.txt".to_string())
            && now.contains(&"extra/logo.txt".to_string())
    );
    assert!(
        !now.contains(&"index.html".to_string()),
        "old page of the tool removed: {now:?}"
    );
    assert!(now.iter().all(|f| !f.starts_with('.')));
    assert!(
        files(&tmp.path().join("out"))
            .iter()
            .all(|f| f.starts_with("good/")),
        "no temp folder left"
    );
    // A foreign file where the kit wants to write is never overwritten.
    std::fs::write(kit.join("index.html"), "the admin's own page").unwrap();
    let r = run_in(tmp.path(), &["build", p, "-o", "out"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("index.html was not written by mobileid-kit"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(kit.join("index.html")).unwrap(),
        "the admin's own page"
    );
}

#[test]
fn only_and_lang_pick_from_the_project() {
    let (tmp, project) = fixture("good");
    let p = project.to_str().unwrap();
    let r = run_in(
        tmp.path(),
        &["build", p, "-o", "out", "--only", "md", "--lang", "de"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        files(&tmp.path().join("out/good")),
        ["instructions.de.md", "manifest.json"]
    );
    let r = run_in(tmp.path(), &["build", p, "-o", "out2", "--lang", "fr"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the language `fr` is not in [project] languages"),
        "{}",
        r.stderr
    );
    let r = run_in(tmp.path(), &["build", p, "-o", "out2", "--only", "fax"]);
    assert_eq!(r.code, 2);
    assert!(!tmp.path().join("out2").exists());
}

#[test]
fn output_that_cannot_be_written_is_exit_2() {
    let (tmp, project) = fixture("good");
    std::fs::write(tmp.path().join("file"), "x").unwrap();
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "file"],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .starts_with("error: could not create the output folder file"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_kit() {
    let (tmp, examples) = copy_dir(&repo().join("example-projects"));
    // --force: an unchanged kit would be left as it is, with nothing to interrupt.
    let args = ["build", examples.to_str().unwrap(), "-o", "out", "--force"];
    assert_eq!(run_in(tmp.path(), &args).code, 0);
    let mut kills = 0;
    for round in 0..10u64 {
        let mut child = bin()
            .args(args)
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(40 + round * 90));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        for id in ["acme-hq", "nordwerk-plant"] {
            // The previous kit or the new one, whole: every file matches its manifest.
            assert_manifest_true(&tmp.path().join("out").join(id));
        }
    }
    assert!(
        kills > 0,
        "no build was interrupted; the test proves nothing"
    );
    let r = run_in(tmp.path(), &args);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        files(&tmp.path().join("out"))
            .iter()
            .all(|f| !f.starts_with('.') && !f.contains("/.")),
        "temp folders cleaned up"
    );
}
