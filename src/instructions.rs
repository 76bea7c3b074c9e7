//! The admin's instructions: template variables filled with tera, then Markdown.
//! Raw HTML in the Markdown is shown as text, never passed through.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Nesting deeper than this is shown at this depth.
pub const MAX_INDENT: usize = 6;

/// Largest instructions file accepted; more does not fit any printout either.
pub const MAX_BYTES: usize = 256 * 1024;

/// How long filling one instructions file may take. Loops are budgeted (`crate::budget`),
/// but loops over a long string or a stored range are not counted: this bounds them all.
pub const MAX_RENDER: std::time::Duration = std::time::Duration::from_secs(5);

/// Fills template variables. `Err` carries the tera error for an E008. The filling runs on
/// its own thread; one that takes longer than [`MAX_RENDER`] is given up (and left to end
/// with the command).
pub fn fill(name: &str, text: &str, vars: &tera::Context) -> Result<String, tera::Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    let (name, text, vars) = (name.to_string(), text.to_string(), vars.clone());
    std::thread::spawn(move || {
        let _ = tx.send(fill_now(&name, &text, &vars));
    });
    rx.recv_timeout(MAX_RENDER).unwrap_or_else(|_| {
        Err(tera::Error::message(format!(
            "filling it in takes longer than {} s: a loop runs too often",
            MAX_RENDER.as_secs()
        )))
    })
}

fn fill_now(name: &str, text: &str, vars: &tera::Context) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    crate::budget::install(&mut tera);
    tera.add_raw_template(name, text)?;
    crate::budget::render(&tera, name, vars, 4 * MAX_BYTES)
}

/// Markdown → HTML for the page. Raw HTML becomes text, links keep only safe schemes,
/// images become their text (the page loads nothing), headings start below the page's own.
pub fn to_html(markdown: &str) -> String {
    let outline = Outline::of(markdown);
    let shift = |level| outline.shift(level);
    let mut link_kept = Vec::new();
    let events = parser(markdown).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => {
            Some(Event::Text(crate::text::neutral(&raw).into()))
        }
        Event::Text(text) => Some(Event::Text(crate::text::neutral(&text).into())),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = is_safe_url(dest_url);
            link_kept.push(keep);
            keep.then_some(event)
        }
        Event::End(TagEnd::Link) => link_kept.pop().unwrap_or(false).then_some(event),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(shift(level)))),
        other => Some(other),
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

pub fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH)
}

/// The heading levels the instructions use, so they can be placed under the page's `h2`
/// without gaps: the highest becomes `h3`, the next `h4`, and so on (a skipped level in the
/// Markdown is not a gap on the page).
struct Outline {
    used: Vec<pulldown_cmark::HeadingLevel>,
}

impl Outline {
    fn of(markdown: &str) -> Outline {
        let mut used: Vec<_> = parser(markdown)
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { level, .. }) => Some(level),
                _ => None,
            })
            .collect();
        used.sort();
        used.dedup();
        Outline { used }
    }

    fn shift(&self, level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
        use pulldown_cmark::HeadingLevel::*;
        match self.used.iter().position(|l| *l == level) {
            Some(0) => H3,
            Some(1) => H4,
            Some(2) => H5,
            _ => H6,
        }
    }
}

/// Links in instructions may go to web pages, mail and phone numbers, nowhere else.
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// The Markdown as plain text (for mail and chat): structure kept as line breaks and bullets.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut link_dest: Vec<String> = Vec::new();
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                // Indent nested lists, but only so far: deep nesting must not grow the text.
                let indent = "  ".repeat(lists.len().saturating_sub(1).min(MAX_INDENT));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str(&format!("{indent}- ")),
                }
            }
            Event::Start(Tag::List(start)) => {
                if !lists.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link_dest.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(dest) = link_dest.pop()
                    && !out.ends_with(dest.as_str())
                {
                    out.push_str(&format!(" ({dest})"));
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => {
                out.push('\n');
            }
            Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::CodeBlock) => {
                out.push('\n');
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    let trimmed = out.trim_end();
    format!("{trimmed}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let html = to_html("Hi <script>alert(1)</script> & <b>x</b>\n\n<div>block</div>\n");
        assert!(
            !html.contains("<script>") && !html.contains("<b>") && !html.contains("<div>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&amp;"));
    }

    #[test]
    fn unsafe_links_and_images_are_dropped() {
        let html = to_html(
            "[x](javascript:alert(1)) [y](https://ok.example) ![img](https://tracker.example/a.png)",
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            !html.contains("<img") && !html.contains("tracker"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://ok.example\">y</a>"),
            "{html}"
        );
    }

    #[test]
    fn headings_sit_below_the_page() {
        assert_eq!(to_html("# A"), "<h3>A</h3>\n");
        // The highest level used sits under the page's h2, and skipped levels close up.
        assert_eq!(
            to_html("## A\n\n#### B\n\n## C\n"),
            "<h3>A</h3>\n<h4>B</h4>\n<h3>C</h3>\n"
        );
    }

    #[test]
    fn plain_text_keeps_lists_and_links() {
        let text = to_plain_text(
            "# Setup\n\n1. Open [the page](https://x.example)\n2. Scan\n\nDone *now*.\n",
        );
        assert_eq!(
            text,
            "Setup\n\n1. Open the page (https://x.example)\n2. Scan\n\nDone now.\n"
        );
    }
}
