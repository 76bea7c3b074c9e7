//! HTML helpers shared by the renderers.

/// Escapes text for HTML content and attribute values. Control characters other than tab
/// and newline, and bidi overrides, are written as character references so they stay
/// visible instead of reordering or hiding text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c if crate::text::is_hidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The `sha256-…` source of a Content-Security-Policy for an inline block.
pub fn csp_hash(content: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The policy of every page: nothing may load from anywhere; the one inline style is
/// allowed by its hash; images only as data.
pub fn csp(style: &str) -> String {
    format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(style)
    )
}

/// The policy of a page with one inline script besides its style: as [`csp`], and the
/// script allowed by its hash alone.
pub fn csp_with_script(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(style),
        csp_hash(script)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(
            super::escape("<script>&\"'"),
            "&lt;script&gt;&amp;&quot;&#39;"
        );
        assert_eq!(super::escape("a\u{202E}b\0"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(super::escape("Привет Γειά"), "Привет Γειά");
    }

    #[test]
    fn a_script_is_allowed_by_its_hash_alone() {
        let policy = super::csp_with_script("p{}", "go()");
        assert!(policy.contains(&format!("script-src {};", super::csp_hash("go()"))));
        assert!(policy.contains(&format!("style-src {};", super::csp_hash("p{}"))));
        assert!(policy.starts_with("default-src 'none';"));
        assert!(!policy.contains("unsafe"));
    }
}
