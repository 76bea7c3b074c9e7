//! `/_preview/`: every output of the kit on one page, and the email as a mail program
//! shows its HTML part.

use super::state::Snapshot;
use crate::html::escape;
use std::fmt::Write as _;

/// What `/` shows before the project has built once.
pub const NOTHING_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mobileid-kit preview</title></head><body><main><h1>No kit yet</h1><p>The project has not built yet.</p></main></body></html>";

const STYLE: &str = "body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:1rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}iframe{border:1px solid #999;background:#fff}.row{display:flex;gap:1rem;overflow-x:auto;align-items:flex-start}.phone{width:390px;height:780px;flex:none}.desktop{width:1280px;height:780px;flex:none}.pdf{width:100%;height:900px}.mail{width:100%;height:800px}img{max-width:100%;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem;border:1px solid #ddd}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}";

/// The preview page of a snapshot.
pub fn page(snapshot: &Snapshot) -> String {
    let mut body = String::new();
    let files = &snapshot.files;
    let _ = write!(
        body,
        "<h1>Preview of the kit</h1><p>Every output of the kit as `build` writes it; the page reloads when you save a change. <a href=\"/\">The kit's page</a>.</p>"
    );
    section(&mut body, "Pages", |out| {
        for lang in &snapshot.languages {
            let path = format!("/{lang}/index.html");
            let _ = write!(
                out,
                "<h3 lang=\"{lang}\">{lang}: <a href=\"{path}\">{path}</a></h3><div class=\"row\"><iframe class=\"phone\" src=\"{path}\" title=\"{lang} page at a phone's width\"></iframe><iframe class=\"desktop\" src=\"{path}\" title=\"{lang} page at a desktop width\"></iframe></div>"
            );
        }
    });
    section(&mut body, "Print", |out| {
        for path in files.keys().filter(|p| p.ends_with(".pdf")) {
            let _ = write!(
                out,
                "<h3><a href=\"/{path}\">{path}</a></h3><iframe class=\"pdf\" loading=\"lazy\" src=\"/{path}\" title=\"{path}\"></iframe>"
            );
        }
    });
    section(&mut body, "Messenger image", |out| {
        for path in files.keys().filter(|p| p.starts_with("card.")) {
            let _ = write!(out, "<h3>{path}</h3><img src=\"/{path}\" alt=\"{path}\">");
        }
    });
    section(&mut body, "Email", |out| email_section(out, snapshot));
    section(&mut body, "Chat message and Markdown", |out| {
        for path in files
            .keys()
            .filter(|p| p.starts_with("message.") || p.ends_with(".md"))
        {
            let text = String::from_utf8_lossy(&files[path]);
            let _ = write!(out, "<h3>{path}</h3><pre>{}</pre>", escape(&text));
        }
    });
    section(&mut body, "QR codes", |out| {
        for path in files
            .keys()
            .filter(|p| p.starts_with("qr/") && p.ends_with(".svg"))
        {
            let _ = write!(
                out,
                "<figure><img src=\"/{path}\" alt=\"{path}\" width=\"160\"><figcaption>{path}</figcaption></figure>"
            );
        }
    });
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Preview — mobileid-kit</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>"
    )
}

/// A section with a heading, left out when it would be empty.
fn section(out: &mut String, heading: &str, fill: impl FnOnce(&mut String)) {
    let mut inner = String::new();
    fill(&mut inner);
    if !inner.is_empty() {
        let _ = write!(out, "<section><h2>{heading}</h2>{inner}</section>");
    }
}

fn email_section(out: &mut String, snapshot: &Snapshot) {
    for lang in &snapshot.languages {
        let Some(bytes) = snapshot.files.get(&format!("email.{lang}.eml")) else {
            continue;
        };
        let Some(message) = mail_parser::MessageParser::default().parse(bytes) else {
            continue;
        };
        let address = |a: Option<&mail_parser::Address>| {
            a.and_then(|a| a.first())
                .map(|a| match (a.name(), a.address()) {
                    (Some(name), Some(addr)) => format!("{name} <{addr}>"),
                    (_, addr) => addr.unwrap_or_default().to_string(),
                })
                .unwrap_or_default()
        };
        let _ = write!(
            out,
            "<h3>email.{lang}.eml</h3><dl><dt>From</dt><dd>{}</dd><dt>To</dt><dd>{}</dd><dt>Subject</dt><dd>{}</dd></dl><iframe class=\"mail\" loading=\"lazy\" sandbox src=\"/_preview/email/{lang}.html\" title=\"the email's HTML part\"></iframe>",
            escape(&address(message.from())),
            escape(&address(message.to())),
            escape(message.subject().unwrap_or_default()),
        );
    }
}

/// The email's HTML part with each `cid:` image as data, as a mail program shows it.
pub fn email_html(eml: &[u8]) -> Option<String> {
    use base64::Engine as _;
    use mail_parser::MimeHeaders as _;
    let message = mail_parser::MessageParser::default().parse(eml)?;
    let mut html = message.body_html(0)?.into_owned();
    for part in message.parts.iter() {
        let (Some(id), Some(ct)) = (part.content_id(), part.content_type()) else {
            continue;
        };
        let mime = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"));
        let data = base64::engine::general_purpose::STANDARD.encode(part.contents());
        html = html.replace(&format!("cid:{id}"), &format!("data:{mime};base64,{data}"));
    }
    Some(html)
}
