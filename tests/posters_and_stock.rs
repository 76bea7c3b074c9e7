//! Print that scans from where people stand: posters, precut card stock, the activation code
//! largest, each printed code's size and reach in the manifest, W020 for tiny modules.

mod common;

use common::*;
use std::path::Path;

/// The `good` fixture with every poster and card stock, built.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, p) = fixture("good");
    edit(
        &p.join("project.toml"),
        "[kit]\n",
        "[kit]\noutputs = [\"pdf\", \"poster\", \"qr\"]\npaper = [\"a4\", \"letter\"]\nposter = [\"a3\", \"a2\", \"tabloid\"]\ncards = [\"a4\", \"c32011\", \"5371\"]\n",
    );
    let r = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/good");
    (tmp, kit)
}

/// Width and height of the first page, in points.
fn page_size(pdf: &Path) -> (f32, f32) {
    let doc = lopdf::Document::load(pdf).unwrap();
    let page = doc.get_pages()[&1];
    let dict = doc.get_dictionary(page).unwrap();
    let media = dict.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |i: usize| {
        media[i]
            .as_float()
            .unwrap_or_else(|_| media[i].as_i64().unwrap() as f32)
    };
    (n(2) - n(0), n(3) - n(1))
}

#[test]
fn posters_and_stocks_have_their_page_sizes() {
    let (_tmp, kit) = built();
    for (file, (w, h)) in [
        ("poster-a3.en.pdf", (841.89, 1190.55)),
        ("poster-a2.de.pdf", (1190.55, 1683.78)),
        ("poster-tabloid.en.pdf", (792.0, 1224.0)),
        ("cards-a4.en.pdf", (595.28, 841.89)),
        ("cards-c32011.en.pdf", (595.28, 841.89)),
        ("cards-5371.de.pdf", (612.0, 792.0)),
    ] {
        let (pw, ph) = page_size(&kit.join(file));
        assert!(
            (pw - w).abs() < 0.5 && (ph - h).abs() < 0.5,
            "{file}: {pw} × {ph}"
        );
    }
}

#[test]
fn every_card_prints_inside_its_die_cut_on_precut_stock() {
    use mobileid_kit::layout::wallet_cards::{COLUMNS, ROWS, Sheet};
    let (_tmp, kit) = built();
    for file in ["cards-c32011.en.pdf", "cards-5371.de.pdf"] {
        let sheet = Sheet::of_file(file).unwrap();
        let raster = render_pdf(&std::fs::read(kit.join(file)).unwrap(), 150.0);
        let g = &raster.grey;
        let mm = |v: f32| v * 150.0 / 25.4;
        // Inside a card, only what stands 1.5 mm or more from its edge; outside, nothing.
        let inside = |x: f32, y: f32, margin: f32| {
            (0..ROWS).any(|r| {
                (0..COLUMNS).any(|c| {
                    let (cx, cy) = sheet.card_at(r, c);
                    x >= mm(cx + margin)
                        && x <= mm(cx + sheet.card.0 - margin)
                        && y >= mm(cy + margin)
                        && y <= mm(cy + sheet.card.1 - margin)
                })
            })
        };
        let mut ink = 0;
        for y in 0..g.height {
            for x in 0..g.width {
                if g.pixels[y * g.width + x] < 200 {
                    ink += 1;
                    assert!(
                        inside(x as f32, y as f32, 1.5),
                        "{file}: ink at {x},{y} px outside the cards' safe area"
                    );
                }
            }
        }
        assert!(ink > 10_000, "{file}: the sheet is blank");
        // No crop marks on precut stock, and every card's code decodes.
        assert!(run_in(kit.parent().unwrap(), &["verify", kit.to_str().unwrap()]).code == 0);
    }
}

#[test]
fn the_activation_code_is_the_largest_on_flyers_and_posters() {
    let (_tmp, kit) = built();
    let m = manifest_json(&kit);
    for f in m["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if !(path.starts_with("flyer-") || path.starts_with("poster-")) {
            continue;
        }
        let prints = f["prints"].as_array().unwrap();
        let edge = |code: &str| {
            prints.iter().find(|p| p["code"] == code).unwrap()["edge_mm"]
                .as_f64()
                .unwrap()
        };
        let activation = edge("activation");
        for other in ["app-store", "google-play", "registration"] {
            assert!(
                activation > edge(other),
                "{path}: activation {activation} mm, {other} {} mm",
                edge(other)
            );
        }
        if path.starts_with("poster-") {
            assert!(activation >= 90.0, "{path}: {activation} mm");
        } else {
            assert!(activation >= 30.0 * 1.25, "{path}: {activation} mm");
        }
    }
}

#[test]
fn prints_match_the_codes_drawn() {
    let (_tmp, kit) = built();
    let m = manifest_json(&kit);
    let dpi = 100.0;
    for f in m["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if !path.ends_with(".pdf") {
            assert!(f.get("prints").is_none(), "{path} has prints");
            continue;
        }
        let prints = f["prints"].as_array().unwrap();
        assert!(!prints.is_empty(), "{path}");
        if path.starts_with("cards-") {
            assert_eq!(prints.len(), 10, "{path}: ten cards");
            continue;
        }
        let raster = render_pdf(&std::fs::read(kit.join(path)).unwrap(), dpi);
        let drawn = codes_on(&raster.grey);
        for p in prints {
            let payload = m["codes"][p["code"].as_str().unwrap()]["payload"]
                .as_str()
                .unwrap();
            let (_, edge_px) = drawn
                .iter()
                .find(|(s, _)| s == payload)
                .unwrap_or_else(|| panic!("{path}: {} not drawn", p["code"]));
            let edge_mm = f64::from(*edge_px) * 25.4 / dpi as f64;
            let stated = p["edge_mm"].as_f64().unwrap();
            // The decoder's corners sit on module centres: within 6 % of the stated edge.
            assert!(
                (edge_mm - stated).abs() / stated < 0.06,
                "{path} {}: drawn {edge_mm:.1} mm, stated {stated}",
                p["code"]
            );
            let module = p["module_mm"].as_f64().unwrap();
            assert_eq!(
                p["reach_cm"].as_u64().unwrap(),
                u64::from(mobileid_kit::reach::reach_cm(module as f32))
            );
        }
    }
}

#[test]
fn every_poster_code_decodes_at_2_px_per_mm() {
    let (_tmp, kit) = built();
    let m = manifest_json(&kit);
    let all: Vec<String> = ["app-store", "google-play", "activation", "registration"]
        .iter()
        .map(|c| m["codes"][c]["payload"].as_str().unwrap().to_string())
        .collect();
    for file in [
        "poster-a3.en.pdf",
        "poster-a2.de.pdf",
        "poster-tabloid.en.pdf",
    ] {
        let raster = render_pdf(&std::fs::read(kit.join(file)).unwrap(), 2.0 * 25.4);
        let found: Vec<String> = codes_on(&raster.grey).into_iter().map(|(s, _)| s).collect();
        for payload in &all {
            assert!(
                found.contains(payload),
                "{file} at 2 px/mm: {payload} not read ({found:?})"
            );
        }
    }
}

#[test]
fn a_tiny_printed_code_is_w020_in_check_and_build() {
    let (tmp, p) = fixture("good");
    let url = format!(
        "https://intranet.example.com/mobile-id?campaign={}",
        "x".repeat(400)
    );
    edit(
        &p.join("project.toml"),
        "url = \"https://intranet.example.com/mobile-id\"",
        &format!("url = \"{url}\""),
    );
    edit(
        &p.join("project.toml"),
        "[kit]\n",
        "[kit]\nqr_size_mm = 20\n",
    );
    let check = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}", check.all());
    assert!(
        check
            .stderr
            .contains("warning[W020]: the registration code on flyer-a4.en.pdf is printed with 0."),
        "{}",
        check.stderr
    );
    let build = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
    assert_eq!(build.code, 0);
    assert!(build.stderr.contains("warning[W020]"), "{}", build.stderr);
    assert!(
        build.stdout.contains("the shortest reach:"),
        "{}",
        build.stdout
    );
    let strict = run_in(
        tmp.path(),
        &["check", p.to_str().unwrap(), "--deny-warnings"],
    );
    assert_eq!(strict.code, 1);
}

#[test]
fn verify_photo_reports_each_printed_codes_margin() {
    let (tmp, p) = fixture("good");
    edit(
        &p.join("project.toml"),
        "[kit]\n",
        "[kit]\noutputs = [\"pdf\", \"poster\"]\ncards = [\"c32011\"]\n",
    );
    let r = run_in(
        tmp.path(),
        &["build", p.to_str().unwrap(), "-o", "out", "--lang", "en"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/good");
    let r = run_in(
        tmp.path(),
        &[
            "verify",
            kit.to_str().unwrap(),
            "--photo",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let photo = json["kits"][0]["photo"].as_array().unwrap();
    let margin = |file: &str, code: &str| {
        photo
            .iter()
            .find(|p| p["file"] == file && p["code"] == code)
            .unwrap_or_else(|| panic!("no margin for {code} on {file}"))["margin"]
            .as_u64()
            .unwrap_or_else(|| panic!("{code} on {file} does not decode even clean"))
    };
    for file in ["flyer-a4.en.pdf", "poster-a3.en.pdf"] {
        for code in ["app-store", "google-play", "activation", "registration"] {
            margin(file, code);
        }
    }
    margin("cards-c32011.en.pdf", "activation");
    // A poster's activation code (110 mm) keeps more margin than a flyer's store code (30 mm).
    assert!(margin("poster-a3.en.pdf", "activation") > margin("flyer-a4.en.pdf", "google-play"));
    let text = run_in(tmp.path(), &["verify", kit.to_str().unwrap(), "--photo"]);
    assert!(
        text.stdout
            .contains("photo flyer-a4.en.pdf activation: margin "),
        "{}",
        text.stdout
    );
}
