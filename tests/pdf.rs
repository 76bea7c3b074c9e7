//! The print kit: page size, fonts embedded and subset, real text, link annotations, and
//! codes that decode after rasterising (hayro renders, rqrr decodes), at their printed size.

mod common;

use common::*;
use lopdf::{Document, Object};
use std::path::Path;

const MM: f32 = 72.0 / 25.4;

fn build(fixture_dir: &Path, out: &Path) {
    let r = run_in(
        fixture_dir.parent().unwrap(),
        &[
            "build",
            fixture_dir.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
}

/// Page size in points of a one-page PDF.
fn page_size(doc: &Document) -> (f32, f32) {
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1, "one page");
    let page = doc.get_object(pages[&1]).unwrap().as_dict().unwrap();
    let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let n = |o: &Object| {
        o.as_float()
            .or_else(|_| o.as_i64().map(|i| i as f32))
            .unwrap()
    };
    (n(&mb[2]) - n(&mb[0]), n(&mb[3]) - n(&mb[1]))
}

/// Every font is embedded and subset (a `ABCDEF+` prefix and a font file).
fn assert_fonts_embedded_and_subset(doc: &Document) -> usize {
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        let name =
            String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).to_string();
        assert!(
            name.len() > 7
                && name.as_bytes()[6] == b'+'
                && name[..6].bytes().all(|b| b.is_ascii_uppercase()),
            "{name} is not subset"
        );
        assert!(
            dict.has(b"FontFile2") || dict.has(b"FontFile3") || dict.has(b"FontFile"),
            "{name} is not embedded"
        );
    }
    fonts
}

fn link_targets(doc: &Document) -> Vec<String> {
    let page = doc.get_pages()[&1];
    doc.get_page_annotations(page)
        .unwrap()
        .iter()
        .filter_map(|a| {
            let action = doc.dereference(a.get(b"A").ok()?).ok()?.1.as_dict().ok()?;
            Some(String::from_utf8_lossy(action.get(b"URI").ok()?.as_str().ok()?).to_string())
        })
        .collect()
}

/// The page's text, white space (line breaks included) folded to single spaces.
fn text_of(doc: &Document) -> String {
    doc.extract_text(&[1])
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The codes on each wallet card of a sheet (2 × 5 cards where the stock puts them), each
/// card cropped on its own as a phone would see it.
fn card_codes(bytes: &[u8], file: &str) -> Vec<Vec<(String, f32)>> {
    let sheet = mobileid_kit::layout::wallet_cards::Sheet::of_file(file).expect("a card stock");
    let raster = render_pdf(bytes, 150.0);
    let g = &raster.grey;
    let px = |mm: f32| (mm * MM * raster.scale).round() as usize;
    let mut cards = Vec::new();
    for row in 0..5 {
        for col in 0..2 {
            let (x, y) = sheet.card_at(row, col);
            let (x0, y0) = (px(x), px(y));
            let (w, h) = (px(sheet.card.0), px(sheet.card.1));
            let mut pixels = Vec::with_capacity(w * h);
            for y in y0..y0 + h {
                pixels.extend_from_slice(&g.pixels[y * g.width + x0..y * g.width + x0 + w]);
            }
            let card = mobileid_kit::qr::Grey {
                width: w,
                height: h,
                pixels,
            };
            let found = codes_on(&card)
                .into_iter()
                .map(|(p, e)| (p, e / raster.scale / MM))
                .collect();
            cards.push(found);
        }
    }
    cards
}

/// Decodes every code of a PDF at 150 dpi: the payloads it should show, each at least
/// `min_mm` wide.
fn assert_codes(bytes: &[u8], expected: &[String], min_mm: f32, file: &str) {
    let raster = render_pdf(bytes, 150.0);
    let mut found = codes_on(&raster.grey);
    for (payload, edge_px) in &found {
        let mm = edge_px / raster.scale / MM;
        assert!(
            mm + 0.6 >= min_mm,
            "{file}: the code {payload} is printed {mm:.1} mm wide, less than {min_mm} mm"
        );
    }
    let mut payloads: Vec<String> = found.drain(..).map(|f| f.0).collect();
    payloads.sort();
    payloads.dedup();
    let mut expected = expected.to_vec();
    expected.sort();
    assert_eq!(payloads, expected, "{file}");
}

#[test]
fn example_pdfs_keep_every_promise() {
    let (_tmp, out) = build_examples();
    let mut checked = 0;
    for (id, min_mm) in [("acme-hq", 30.0), ("nordwerk-plant", 35.0)] {
        let kit = out.join(id);
        let m = manifest_json(&kit);
        for file in m["files"].as_array().unwrap() {
            let path = file["path"].as_str().unwrap();
            if !path.ends_with(".pdf") {
                continue;
            }
            let bytes = std::fs::read(kit.join(path)).unwrap();
            let doc = Document::load_mem(&bytes).unwrap();
            let (w, h) = page_size(&doc);
            let expected_size = if path.contains("letter") || path.starts_with("cards-5371") {
                (612.0, 792.0)
            } else if path.starts_with("poster-a3") {
                (841.9, 1190.6)
            } else {
                (595.3, 841.9)
            };
            assert!(
                (w - expected_size.0).abs() < 0.5 && (h - expected_size.1).abs() < 0.5,
                "{path}: {w}×{h}"
            );
            assert!(assert_fonts_embedded_and_subset(&doc) >= 1, "{path}");
            assert!(bytes.len() < 150_000, "{path} is {} bytes", bytes.len());
            let codes = payloads_of(&m, &file["codes"]);
            if path.starts_with("cards") {
                for card in card_codes(&bytes, path) {
                    assert_eq!(card.len(), 1, "{path}: one code per card");
                    assert_eq!(card[0].0, codes[0], "{path}");
                    assert!(card[0].1 + 0.6 >= min_mm, "{path}: {} mm", card[0].1);
                }
            } else {
                assert_codes(&bytes, &codes, min_mm, path);
            }
            let text = text_of(&doc);
            assert!(
                text.contains(
                    m["project"]
                        .as_str()
                        .map(|_| if id == "acme-hq" {
                            "ACME Headquarters"
                        } else {
                            "Nordwerk Werk Süd"
                        })
                        .unwrap()
                ),
                "{path}: {text}"
            );
            checked += 1;
        }
    }
    // acme-hq: 4 flyers, 2 + 2 card sheets; nordwerk-plant: 3 flyers, 3 + 3 sheets, 3 posters.
    assert_eq!(
        checked,
        4 + 4 + 3 + 6 + 3,
        "every flyer, card sheet and poster"
    );

    let de =
        Document::load_mem(&std::fs::read(out.join("acme-hq/flyer-a4.de.pdf")).unwrap()).unwrap();
    let text = text_of(&de);
    for needle in [
        "Ihre Mobile ID einrichten",
        "Geräte in der Nähe",
        "Türen",
        "https://intranet.acme.example/mobile-id/register",
    ] {
        assert!(text.contains(needle), "{needle} not in the text:\n{text}");
    }
    assert!(
        link_targets(&de).contains(&"https://intranet.acme.example/mobile-id/register".to_string())
    );
    let uk =
        Document::load_mem(&std::fs::read(out.join("nordwerk-plant/flyer-a4.uk.pdf")).unwrap())
            .unwrap();
    assert!(text_of(&uk).contains("Реєстрація ID"), "{}", text_of(&uk));
    let info = de
        .trailer
        .get(b"Info")
        .and_then(|i| de.dereference(i))
        .unwrap()
        .1
        .as_dict()
        .unwrap();
    assert_eq!(
        info.get(b"Title").unwrap().as_str().unwrap(),
        b"ACME Headquarters"
    );
    let catalog = de.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"de");
}

#[test]
fn cyrillic_and_greek_are_real_text() {
    let (tmp, project) = fixture("intl");
    let out = tmp.path().join("out");
    build(&project, &out);
    for paper in ["a4", "letter"] {
        let bytes = std::fs::read(out.join(format!("intl/flyer-{paper}.en.pdf"))).unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        assert_fonts_embedded_and_subset(&doc);
        let text = text_of(&doc);
        for needle in [
            "Σχολή Αθηνών",
            "Київ Офіс",
            "Müller & Söhne",
            "Καλώς ήρθατε",
            "Ласкаво просимо",
            "Größe, Übung, Äpfel",
            "Служба підтримки",
        ] {
            assert!(text.contains(needle), "{needle} not in {paper}:\n{text}");
        }
        assert!(
            link_targets(&doc)
                .contains(&"https://intranet.example.com/registrieren/größe".to_string()),
            "{:?}",
            link_targets(&doc)
        );
        let m = manifest_json(&out.join("intl"));
        let codes: Vec<String> = ["app-store", "google-play", "activation", "registration"]
            .iter()
            .map(|c| m["codes"][c]["payload"].as_str().unwrap().to_string())
            .collect();
        assert_codes(&bytes, &codes, 30.0, paper);
    }
}

#[test]
fn long_instructions_step_down_and_a_long_name_wraps() {
    let (tmp, project) = fixture("long");
    let out = tmp.path().join("out");
    build(&project, &out);
    let bytes = std::fs::read(out.join("long/flyer-a4.en.pdf")).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let text = text_of(&doc);
    assert!(
        text.contains("20.") && text.contains("Canteen That Everyone Loves Quite A Lot"),
        "{text}"
    );
    // Nothing runs into the right margin: the last 10 mm of the page stay white.
    let raster = render_pdf(&bytes, 100.0);
    let g = &raster.grey;
    let band = (10.0 * MM * raster.scale) as usize;
    for y in 0..g.height {
        for x in g.width - band..g.width {
            assert!(
                g.pixels[y * g.width + x] > 200,
                "ink at ({x}, {y}) in the right margin"
            );
        }
    }
}

#[test]
fn instructions_too_long_for_the_page_fail_with_a_coded_error() {
    let (tmp, project) = fixture("long");
    let text = std::fs::read_to_string(project.join("instructions.en.md")).unwrap();
    std::fs::write(project.join("instructions.en.md"), text.repeat(4)).unwrap();
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains(
            "error[E008]: the en instructions do not fit the A4 flyer, even on its back at 7.5 pt"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("% too long"), "{}", r.stderr);
    assert!(r.stderr.contains("instructions.en.md:"), "{}", r.stderr);
    assert!(!tmp.path().join("out").exists());
    // Without the flyer the same project builds.
    let r = run_in(
        tmp.path(),
        &[
            "build",
            project.to_str().unwrap(),
            "-o",
            "out",
            "--only",
            "html,qr",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
}

#[test]
fn a_character_the_font_lacks_is_an_error_not_an_empty_box() {
    let (tmp, project) = fixture("good");
    std::fs::write(
        project.join("instructions.en.md"),
        "## Setup\n\nOpen Settings → Mobile ID.\n",
    )
    .unwrap();
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E008]: the theme font has no glyph for `→` (U+2192)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("instructions.en.md:3:15"), "{}", r.stderr);
}

#[test]
fn cards_fit_eight_or_more_with_crop_marks_outside() {
    let (tmp, project) = fixture("good");
    let out = tmp.path().join("out");
    build(&project, &out);
    let bytes = std::fs::read(out.join("good/cards-a4.en.pdf")).unwrap();
    let m = manifest_json(&out.join("good"));
    let activation = m["codes"]["activation"]["payload"].as_str().unwrap();
    let cards = card_codes(&bytes, "cards-a4.en.pdf");
    assert!(cards.len() >= 8);
    for card in &cards {
        assert_eq!(
            card.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            [activation],
            "one activation code per card"
        );
    }
    let raster = render_pdf(&bytes, 150.0);
    // Crop marks sit in the margin: ink above the first card row, none inside its top edge.
    let g = &raster.grey;
    let px = |mm: f32| (mm * MM * raster.scale) as usize;
    let top = px((297.0 - 5.0 * 55.0) / 2.0);
    let left = px((210.0 - 2.0 * 85.0) / 2.0);
    let dark = |x: usize, y0: usize, y1: usize| (y0..y1).any(|y| g.pixels[y * g.width + x] < 128);
    assert!(
        dark(left, top - px(7.5), top - px(2.5)),
        "a crop mark above the first cut"
    );
    assert!(!dark(left, top - px(1.5), top), "no mark touches the card");
}

#[test]
fn pdfs_are_pdf_a_2a_when_the_kit_has_a_date() {
    let xmp = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>A</pdfaid:conformance>")
    };
    let (tmp, project) = fixture("good");
    build(&project, &tmp.path().join("out"));
    for file in ["flyer-a4.en.pdf", "cards-a4.de.pdf"] {
        let bytes = std::fs::read(tmp.path().join("out/good").join(file)).unwrap();
        assert!(xmp(&bytes), "{file} is not marked PDF/A-2a");
        assert!(
            String::from_utf8_lossy(&bytes).contains("/OutputIntents"),
            "{file} has no output intent"
        );
    }
    // Without kit.date there is no date to give, and PDF/A demands one: a plain PDF.
    let (tmp, project) = fixture("escaping");
    build(&project, &tmp.path().join("out"));
    let bytes = std::fs::read(tmp.path().join("out/escaping/flyer-a4.en.pdf")).unwrap();
    assert!(!xmp(&bytes));
}
