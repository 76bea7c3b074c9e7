//! The email draft, the messenger image and the chat text.

mod common;

use common::*;
use mail_parser::{MessageParser, MimeHeaders, PartType};

fn mime(part: &mail_parser::MessagePart) -> String {
    let ct = part.content_type().unwrap();
    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
}

/// Checks one draft: headers, the MIME tree, every cid resolving to an image whose code
/// decodes to its payload, and the links in the plain text.
fn assert_draft(bytes: &[u8], m: &serde_json::Value, project_name: &str) -> (String, String) {
    let message = MessageParser::default()
        .parse(bytes)
        .expect("a MIME message");
    assert_eq!(message.header_raw("X-Unsent").map(str::trim), Some("1"));
    assert!(
        message.subject().unwrap().contains(project_name),
        "{:?}",
        message.subject()
    );
    assert!(
        message
            .message_id()
            .unwrap()
            .ends_with("@mobileid-kit.invalid")
    );
    assert!(message.date().is_some());

    let root = message.root_part();
    assert_eq!(mime(root), "multipart/alternative");
    let children: Vec<&mail_parser::MessagePart> = root
        .sub_parts()
        .unwrap()
        .iter()
        .map(|id| message.part(*id).unwrap())
        .collect();
    assert_eq!(
        children.iter().map(|p| mime(p)).collect::<Vec<_>>(),
        ["text/plain", "multipart/related"]
    );
    let related: Vec<&mail_parser::MessagePart> = children[1]
        .sub_parts()
        .unwrap()
        .iter()
        .map(|id| message.part(*id).unwrap())
        .collect();
    assert_eq!(mime(related[0]), "text/html");
    let html = related[0].text_contents().unwrap().to_string();
    let text = children[0].text_contents().unwrap().to_string();

    let mut images = std::collections::BTreeMap::new();
    for part in &related[1..] {
        assert_eq!(mime(part), "image/png");
        assert_eq!(part.content_disposition().unwrap().ctype(), "inline");
        assert!(matches!(
            part.body,
            PartType::Binary(_) | PartType::InlineBinary(_)
        ));
        images.insert(
            part.content_id().unwrap().to_string(),
            part.contents().to_vec(),
        );
    }
    let cids: Vec<&str> = html
        .split("src=\"cid:")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert!(cids.len() >= 3, "{html}");
    for cid in cids {
        let png = images
            .get(cid)
            .unwrap_or_else(|| panic!("cid:{cid} has no inline image"));
        let name = cid.split('.').next().unwrap();
        let payload = mobileid_kit::qr::decode_single_png(png).unwrap();
        assert_eq!(
            payload,
            m["codes"][name]["payload"].as_str().unwrap(),
            "{cid}"
        );
    }
    for name in ["app-store", "google-play"] {
        let link = m["codes"][name]["payload"].as_str().unwrap();
        assert!(text.contains(link), "{link} not in the plain text");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{link} not linked in the HTML"
        );
    }
    assert!(
        !html.contains("<script") && !html.contains("<link") && !html.contains("<style"),
        "inline styles only"
    );
    (text, html)
}

#[test]
fn drafts_have_both_parts_and_every_image_decodes() {
    let (tmp, project) = fixture("good");
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/good");
    let m = manifest_json(&kit);
    for lang in ["en", "de"] {
        let (text, _) = assert_draft(
            &std::fs::read(kit.join(format!("email.{lang}.eml"))).unwrap(),
            &m,
            "Good Project",
        );
        assert!(text.contains("https://intranet.example.com/mobile-id"));
    }
    let message = std::fs::read(kit.join("email.de.eml")).unwrap();
    let parsed = MessageParser::default().parse(&message).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Ihre Mobile ID einrichten – Good Project")
    );
    assert!(
        parsed.from().is_none() && parsed.to().is_none(),
        "no sender or recipient unless configured"
    );
}

#[test]
fn from_and_to_fill_the_headers() {
    let (tmp, project) = fixture("good");
    let toml = project.join("project.toml");
    std::fs::write(&toml, std::fs::read_to_string(&toml).unwrap() + "\n[email]\nfrom = \"IT Service Desk <it@example.com>\"\nto = \"all-staff@example.com\"\n").unwrap();
    let r = run_in(
        tmp.path(),
        &[
            "build",
            project.to_str().unwrap(),
            "-o",
            "out",
            "--only",
            "email",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let bytes = std::fs::read(tmp.path().join("out/good/email.en.eml")).unwrap();
    let parsed = MessageParser::default().parse(&bytes).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("IT Service Desk"), Some("it@example.com"))
    );
    assert_eq!(
        parsed.to().unwrap().first().unwrap().address(),
        Some("all-staff@example.com")
    );
    // A wrong address is an E001 at its place.
    std::fs::write(
        &toml,
        std::fs::read_to_string(&toml)
            .unwrap()
            .replace("all-staff@example.com", "all staff"),
    )
    .unwrap();
    let r = run_in(
        tmp.path(),
        &["build", project.to_str().unwrap(), "-o", "out2"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E001]: `all staff` is not an email address"),
        "{}",
        r.stderr
    );
}

#[test]
fn examples_carry_draft_image_and_message_per_language() {
    let (_tmp, out) = build_examples();
    let mut images = 0;
    for (id, name, langs) in [
        ("acme-hq", "ACME Headquarters", &["de", "en"][..]),
        (
            "nordwerk-plant",
            "Nordwerk Werk Süd",
            &["de", "en", "uk"][..],
        ),
    ] {
        let kit = out.join(id);
        let m = manifest_json(&kit);
        for lang in langs {
            assert_draft(
                &std::fs::read(kit.join(format!("email.{lang}.eml"))).unwrap(),
                &m,
                name,
            );

            // The messenger image: 1080 px wide, its three codes decode.
            let png = std::fs::read(kit.join(format!("card.{lang}.png"))).unwrap();
            let grey = mobileid_kit::qr::read_png(&png).unwrap();
            assert_eq!(grey.width, 1080);
            assert!(grey.height > grey.width, "portrait");
            let mut found: Vec<String> = codes_on(&grey).into_iter().map(|c| c.0).collect();
            found.sort();
            let mut expected: Vec<String> = ["app-store", "google-play", "activation"]
                .iter()
                .map(|n| m["codes"][n]["payload"].as_str().unwrap().to_string())
                .collect();
            expected.sort();
            assert_eq!(found, expected, "card.{lang}.png");
            images += 1;

            // The chat message: both store links, the registration link, at most 1,000 characters.
            let message = std::fs::read_to_string(kit.join(format!("message.{lang}.txt"))).unwrap();
            assert!(message.chars().count() <= 1000);
            for code in ["app-store", "google-play", "registration"] {
                if let Some(link) = m["codes"][code]["payload"].as_str() {
                    assert!(message.contains(link), "{link} not in message.{lang}.txt");
                }
            }
        }
    }
    assert_eq!(images, 5);
}
