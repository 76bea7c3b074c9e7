//! Accessible print kit: every PDF reads back as tagged PDF/UA-1 — its language, a title the
//! viewer shows, headings in order, lists as L/LI/Lbl/LBody, and each code a Figure whose
//! alternative text says what it is and where it leads.

mod common;

use common::*;
use lopdf::{Dictionary, Document, Object};

/// One structure element as read back: its type, alternative text and heading title.
#[derive(Debug)]
struct Element {
    kind: String,
    alt: Option<String>,
    depth: usize,
}

fn text(doc: &Document, object: Option<&Object>) -> Option<String> {
    let object = match object? {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    match object {
        Object::String(bytes, _) => {
            // UTF-16BE with a BOM, or PDFDocEncoding (ASCII here).
            if bytes.starts_with(&[0xFE, 0xFF]) {
                let units: Vec<u16> = bytes[2..]
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                Some(String::from_utf16_lossy(&units))
            } else {
                Some(String::from_utf8_lossy(bytes).into_owned())
            }
        }
        _ => None,
    }
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// The structure tree in reading order.
fn walk(doc: &Document, kids: &Object, depth: usize, out: &mut Vec<Element>) {
    let list: Vec<&Object> = match kids {
        Object::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for kid in list {
        let Some(d) = dict(doc, kid) else { continue };
        let Ok(kind) = d.get(b"S").and_then(Object::as_name) else {
            continue;
        };
        out.push(Element {
            kind: String::from_utf8_lossy(kind).into_owned(),
            alt: text(doc, d.get(b"Alt").ok()),
            depth,
        });
        if let Ok(k) = d.get(b"K") {
            walk(doc, k, depth + 1, out);
        }
    }
}

fn structure(doc: &Document) -> Vec<Element> {
    let catalog = doc.catalog().unwrap();
    let root = dict(doc, catalog.get(b"StructTreeRoot").unwrap()).unwrap();
    let mut out = Vec::new();
    walk(doc, root.get(b"K").unwrap(), 0, &mut out);
    out
}

#[test]
fn every_pdf_of_the_examples_is_tagged_pdf_ua_1_with_alt_text_on_every_code() {
    let (_tmp, out) = build_examples();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let lang = name.rsplit('.').nth(1).unwrap().to_string();
        let bytes = std::fs::read(path).unwrap();
        assert!(
            String::from_utf8_lossy(&bytes).contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{name}"
        );
        let doc = Document::load_mem(&bytes).unwrap();
        let catalog = doc.catalog().unwrap();
        assert_eq!(
            text(&doc, catalog.get(b"Lang").ok()).as_deref(),
            Some(lang.as_str()),
            "{name}"
        );
        let prefs = dict(&doc, catalog.get(b"ViewerPreferences").unwrap()).unwrap();
        assert_eq!(
            prefs.get(b"DisplayDocTitle").unwrap(),
            &Object::Boolean(true),
            "{name}"
        );
        let tree = structure(&doc);
        let figures: Vec<&Element> = tree.iter().filter(|e| e.kind == "Figure").collect();
        let manifest = manifest_json(path.parent().unwrap());
        let shown = manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name.as_str())
            .map_or(0, |f| f["codes"].as_array().unwrap().len());
        let expected = if name.starts_with("cards-") {
            10
        } else {
            shown
        };
        assert_eq!(figures.len(), expected, "{name}: one figure per code");
        for figure in &figures {
            let alt = figure.alt.as_deref().unwrap_or_default();
            // "QR code:", "QR-Code:", "Codice QR:", "QR-код:", … in the kit's language.
            assert!(
                alt.contains("QR") && alt.contains(':') && alt.len() > 12,
                "{name}: {alt:?}"
            );
        }
        if name.starts_with("flyer-") {
            let alts: Vec<&str> = figures.iter().filter_map(|f| f.alt.as_deref()).collect();
            assert!(
                alts.iter().any(|a| a.contains("https://apps.apple.com/")),
                "{name}: {alts:?}"
            );
            assert!(
                alts.iter().any(|a| a.contains("Mobile")),
                "{name}: the activation code says where to scan it"
            );
            // Headings in order: the title first, then no level skipped.
            let levels: Vec<u32> = tree
                .iter()
                .filter_map(|e| e.kind.strip_prefix('H')?.parse().ok())
                .collect();
            assert_eq!(levels.first(), Some(&1), "{name}: {levels:?}");
            assert!(
                levels.windows(2).all(|w| w[1] <= w[0] + 1),
                "{name}: {levels:?}"
            );
            // The instructions' lists: L → LI → Lbl, LBody.
            let at = tree
                .iter()
                .position(|e| e.kind == "L")
                .unwrap_or_else(|| panic!("{name}: no list"));
            let kinds: Vec<&str> = tree[at + 1..at + 4]
                .iter()
                .map(|e| e.kind.as_str())
                .collect();
            assert_eq!(kinds, ["LI", "Lbl", "LBody"], "{name}");
            assert!(
                tree[at + 1].depth == tree[at].depth + 1
                    && tree[at + 2].depth == tree[at].depth + 2
            );
            assert!(
                tree.iter().any(|e| e.kind == "Link"),
                "{name}: links are tagged"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 34, "every PDF of the examples");
}

/// The tag tree of the English A4 flyer as a screen reader meets it, for the note:
/// `cargo test --test accessibility -- --ignored --nocapture`.
#[test]
#[ignore]
fn print_the_reading_order_of_one_flyer() {
    let (_tmp, out) = build_examples();
    let doc = Document::load(out.join("acme-hq/flyer-a4.en.pdf")).unwrap();
    for e in structure(&doc) {
        let alt = e.alt.map(|a| format!(" alt={a:?}")).unwrap_or_default();
        println!("{}{}{alt}", "  ".repeat(e.depth), e.kind);
    }
}
