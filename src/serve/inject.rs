//! What `serve` adds to a page of the kit: the reload script, the problems overlay while
//! the project has errors, and the hashes in the page's Content-Security-Policy that admit
//! exactly these two. Nothing else of the page changes.

use crate::html::{csp_hash, escape};

/// Long-polls `/_preview/changes` and reloads the page when the generation moves on.
const RELOAD: &str = include_str!("reload.js");

/// The overlay's look: over the page, readable, scrollable.
const OVERLAY_STYLE: &str = "#mobileid-kit-problems{position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#1a1a1a;border-bottom:4px solid #b00020;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)}#mobileid-kit-problems pre{white-space:pre-wrap;font:13px/1.35 ui-monospace,monospace;margin:.5rem 0 0}";

/// `html` as the preview serves it at `generation`, with `problems` shown over it.
pub fn page(html: &str, generation: u64, problems: Option<&str>) -> String {
    let script = format!("<script data-generation=\"{generation}\">{RELOAD}</script>");
    let overlay = problems.map(|text| {
        format!(
            "<style>{OVERLAY_STYLE}</style><div id=\"mobileid-kit-problems\" role=\"alert\"><strong>The project has errors; this is the last kit that built. Fix them and save: the page reloads.</strong><pre>{}</pre></div>",
            escape(text)
        )
    });
    let mut out = admit(html, problems.is_some());
    if let Some(overlay) = overlay {
        let at = body_start(&out);
        out.insert_str(at, &overlay);
    }
    let at = out.rfind("</body>").unwrap_or(out.len());
    out.insert_str(at, &script);
    out
}

/// Where the body's content begins: after `<body …>`, or at the start of the document.
fn body_start(html: &str) -> usize {
    html.find("<body")
        .and_then(|start| html[start..].find('>').map(|end| start + end + 1))
        .unwrap_or(0)
}

/// The page with its policy admitting the reload script (and the overlay's style), and
/// `fetch` to its own origin for the long poll.
fn admit(html: &str, overlay: bool) -> String {
    const META: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    let Some(start) = html.find(META).map(|at| at + META.len()) else {
        return html.to_string();
    };
    let Some(len) = html[start..].find('"') else {
        return html.to_string();
    };
    let mut policy = with_source(&html[start..start + len], "script-src", &csp_hash(RELOAD));
    policy = with_source(&policy, "connect-src", "'self'");
    if overlay {
        policy = with_source(&policy, "style-src", &csp_hash(OVERLAY_STYLE));
    }
    format!("{}{policy}{}", &html[..start], &html[start + len..])
}

/// `policy` with `source` added to `directive` (which is created if missing; a `'none'`
/// in it goes).
fn with_source(policy: &str, directive: &str, source: &str) -> String {
    let mut found = false;
    let mut parts: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let mut words = part.split_whitespace();
            if words.next() != Some(directive) {
                return part.to_string();
            }
            found = true;
            let kept: Vec<&str> = words.filter(|w| *w != "'none'").collect();
            format!("{directive} {} {source}", kept.join(" ")).replace("  ", " ")
        })
        .collect();
    if !found {
        parts.push(format!("{directive} {source}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-abc'; img-src data:\"></head><body class=\"k\"><h1>Hi</h1></body></html>";

    #[test]
    fn only_the_script_and_its_hash_are_added() {
        let served = page(PAGE, 7, None);
        let script = format!("<script data-generation=\"7\">{RELOAD}</script>");
        let policy = format!(
            "default-src 'none'; style-src 'sha256-abc'; img-src data:; script-src {}; connect-src 'self'",
            csp_hash(RELOAD)
        );
        let expected = PAGE
            .replace(
                "default-src 'none'; style-src 'sha256-abc'; img-src data:",
                &policy,
            )
            .replace("</body>", &format!("{script}</body>"));
        assert_eq!(served, expected);
    }

    #[test]
    fn problems_show_first_in_the_body_escaped_and_admitted() {
        let served = page(PAGE, 7, Some("error[E001]: <bad>"));
        assert!(served.contains("<body class=\"k\"><style>"));
        assert!(served.contains("error[E001]: &lt;bad&gt;"));
        assert!(served.contains(&format!(
            "style-src 'sha256-abc' {}",
            csp_hash(OVERLAY_STYLE)
        )));
    }

    #[test]
    fn a_none_directive_is_opened_for_the_source() {
        assert_eq!(
            with_source("default-src 'none'; script-src 'none'", "script-src", "'x'"),
            "default-src 'none'; script-src 'x'"
        );
    }
}
