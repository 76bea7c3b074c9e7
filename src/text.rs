//! Rules about characters that every output shares: which ones may be printed, and which
//! ones a page shows as U+FFFD, so a hostile name can neither hide nor reorder text.

/// Bidi overrides, embeddings, isolates and marks: they reorder the text around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A character that print and images drop and pages show as U+FFFD: a control character
/// other than line feed and tab, or a bidi control.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Text as it may be printed or drawn: control characters (NUL, tabs and line breaks
/// included) and bidi controls are dropped.
pub fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect()
}

/// Text as a page shows it: hidden characters become U+FFFD.
pub fn neutral(text: &str) -> String {
    text.chars()
        .map(|c| if is_hidden(c) { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hidden_characters() {
        assert_eq!(super::visible("a\u{202E}b\0c\nd"), "abcd");
        assert_eq!(super::neutral("a\u{202E}b\0c\nd"), "a\u{FFFD}b\u{FFFD}c\nd");
    }
}
