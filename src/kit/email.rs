//! `email.<lang>.eml`: a draft (`X-Unsent: 1`) that Outlook, Thunderbird and Apple Mail open
//! ready to address and send. multipart/alternative: plain text, and HTML (inline styles,
//! table layout) in a multipart/related with the code PNGs inline by `cid:`. Built with
//! mail-builder; Message-ID, Date and boundaries are ours, so the bytes are reproducible.

use super::KitFile;
use crate::error::{Error, Result};
use crate::project::Project;
use mail_builder::MessageBuilder;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use serde_json::json;

/// Pixels per module of the inline code images: sharp on screen, small in the mail.
const IMAGE_SCALE: usize = 6;

/// A code image inline in the message: its name, content ID and PNG.
pub type Image = (&'static str, String, Vec<u8>);

pub fn render(project: &Project, lang: &str) -> Result<KitFile> {
    let (text, html, images) = parts(project, lang)?;
    // Everything that makes the message: its hash names the message and its boundaries.
    let date = project
        .kit
        .date
        .as_deref()
        .and_then(crate::date::parse_day)
        .unwrap_or_else(|| crate::date::days_from_civil(2000, 1, 1));
    let mut hasher_input = format!("{}\n{lang}\n{date}\n{text}\n{html}", project.id).into_bytes();
    for (_, cid, png) in &images {
        hasher_input.extend_from_slice(cid.as_bytes());
        hasher_input.extend_from_slice(png);
    }
    let hash = super::manifest::sha256_hex(&hasher_input);
    let mut message = MessageBuilder::new()
        .header("X-Unsent", Raw::new("1"))
        .message_id(format!("{}.{lang}@mobileid-kit.invalid", &hash[..32]))
        .date(mail_builder::headers::date::Date::new(
            date * 86_400 + 9 * 3600,
        ))
        .subject(crate::text::visible(&subject(project, lang)))
        .body(body(&text, &html, images, &hash));
    if let Some((name, address)) = &project.email_from {
        message = match name {
            Some(n) => message.from((n.as_str(), address.as_str())),
            None => message.from(address.as_str()),
        };
    }
    if let Some((name, address)) = &project.email_to {
        message = match name {
            Some(n) => message.to((n.as_str(), address.as_str())),
            None => message.to(address.as_str()),
        };
    }
    let bytes = message
        .write_to_vec()
        .map_err(|e| Error::Internal(format!("the email draft cannot be written: {e}")))?;
    Ok(KitFile::new(
        format!("email.{lang}.eml"),
        bytes,
        project.codes.names(),
    ))
}

/// The plain-text part, the HTML part and the code images it shows inline.
pub fn parts(project: &Project, lang: &str) -> Result<(String, String, Vec<Image>)> {
    let (r, g, b) = project.theme.print.accent;
    let mut codes = serde_json::Map::new();
    let mut images = Vec::new();
    for (name, code) in project.codes.each() {
        let cid = format!("{}.{}@mobileid-kit", name.as_str(), project.id);
        let alt = crate::layout::alt_text(project, lang, name);
        codes.insert(
            name.key().to_string(),
            json!({"payload": code.payload, "cid": cid, "alt": alt}),
        );
        images.push((name.as_str(), cid, code.to_png(IMAGE_SCALE)));
    }
    let instructions = &project.instructions[lang];
    let context = json!({
        "lang": lang,
        "project": {"id": project.id, "name": crate::text::visible(&project.name)},
        "t": project.strings(lang),
        "codes": codes,
        "contact": project.contact,
        "accent": format!("#{r:02x}{g:02x}{b:02x}"),
        "draft": project.draft,
    });
    let mut text_context = context.clone();
    text_context["instructions"] =
        json!(crate::instructions::to_plain_text(instructions).trim_end());
    let text = project.theme.render("email.txt", &text_context)?;
    let mut html_context = context;
    html_context["instructions"] = json!(crate::instructions::to_html(instructions));
    let html = project.theme.render("email.html", &html_context)?;
    Ok((text, html, images))
}

/// alternative → (text, related → (HTML, images by cid)), boundaries from the hash.
fn body<'a>(text: &'a str, html: &'a str, images: Vec<Image>, hash: &str) -> MimePart<'a> {
    let boundary = |kind: &str| format!("=_mobileid-kit_{kind}_{}", &hash[..16]);
    let mut related = vec![MimePart::new("text/html", html)];
    for (name, cid, png) in images {
        let disposition = ContentType::new("inline").attribute("filename", format!("{name}.png"));
        related.push(
            MimePart::new("image/png", png)
                .cid(cid)
                .header("Content-Disposition", disposition),
        );
    }
    MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary("alt")),
        vec![
            MimePart::new("text/plain", text),
            MimePart::new(
                ContentType::new("multipart/related").attribute("boundary", boundary("rel")),
                related,
            ),
        ],
    )
}

/// The subject: title and project; a draft says so first.
fn subject(project: &Project, lang: &str) -> String {
    let t = project.strings(lang);
    let subject = format!("{} – {}", t["page_title"], project.name);
    if project.draft {
        format!("[{}] {subject}", t["draft_short"])
    } else {
        subject
    }
}
