//! W011: a language whose theme strings or instructions are still another language's text —
//! a page would claim `lang="fr"` and speak English. Text counts as another language's when
//! most of it is that language's built-in text (the default theme's strings, `init`'s starter
//! instructions) or another configured language's instructions, word for word.

use super::config::Config;
use super::validate::Instructions;
use crate::diag::{Diagnostic, Source, Sources};
use crate::theme::{self, Theme};
use std::collections::{BTreeMap, HashSet};

/// Share of comparable strings or lines that makes a text a copy.
const COPIED: f32 = 0.5;

/// Checks every configured language; `instructions` holds each one's file and raw text.
pub fn check(
    config: &Config,
    src: &Sources,
    theme: &Theme,
    instructions: &BTreeMap<String, Instructions>,
    diags: &mut Vec<Diagnostic>,
) {
    for lang in theme.strings.keys() {
        if let Some(other) = copied_strings(lang, &theme.strings[lang]) {
            diags.push(
                Diagnostic::warning("W011", format!("the `{lang}` theme strings are still the `{other}` text"))
                    .at(super::validate::language_place(config, src, lang))
                    .help(format!("translate i18n/{lang}.toml beside project.toml into `{lang}`; the page and the print kit say they are `{lang}`")),
            );
        }
    }
    let languages: Vec<&String> = config
        .project
        .languages
        .get_ref()
        .iter()
        .map(|l| l.get_ref())
        .collect();
    for (i, lang) in languages.iter().enumerate() {
        let Some(Instructions { path, text, .. }) = instructions.get(*lang) else {
            continue;
        };
        let earlier = languages[..i]
            .iter()
            .filter_map(|l| Some((l.as_str(), instructions.get(*l)?.text.as_str())));
        let starters = theme::STARTERS.iter().map(|(l, t)| (*l, *t));
        let copy = starters.chain(earlier).find(|(other, other_text)| {
            primary(other) != primary(lang) && share(text, other_text) >= COPIED
        });
        if let Some((other, _)) = copy {
            let file = Source { path, text };
            diags.push(
                Diagnostic::warning(
                    "W011",
                    format!("the `{lang}` instructions are still the `{other}` text"),
                )
                .at(file.locate(0..0))
                .help(format!(
                    "write the instructions in `{lang}`; users of the `{lang}` kit read this file"
                )),
            );
        }
    }
}

/// The built-in language whose strings most of `strings` still are, if any.
fn copied_strings(lang: &str, strings: &theme::Strings) -> Option<&'static str> {
    theme::LANGUAGES.iter().copied().find(|other| {
        if primary(other) == primary(lang) {
            return false;
        }
        let builtin = theme::builtin_strings(other);
        let comparable: Vec<(&String, &String)> = builtin
            .iter()
            .filter(|(_, text)| is_wording(text))
            .collect();
        let same = comparable
            .iter()
            .filter(|(key, text)| strings.get(*key) == Some(text))
            .count();
        !comparable.is_empty() && same as f32 / comparable.len() as f32 >= COPIED
    })
}

/// Share of the wording lines of `text` that appear in `other`.
fn share(text: &str, other: &str) -> f32 {
    let theirs: HashSet<&str> = other.lines().map(str::trim).collect();
    let ours: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| is_wording(l))
        .collect();
    if ours.is_empty() {
        return 0.0;
    }
    ours.iter().filter(|l| theirs.contains(*l)).count() as f32 / ours.len() as f32
}

/// Text long enough to be in a language (not "App Store" or a list marker).
fn is_wording(text: &str) -> bool {
    text.chars().filter(|c| c.is_alphabetic()).count() >= 12
}

/// The language subtag: `pt` of `pt-BR`.
fn primary(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_found_and_translations_are_not() {
        let en = theme::builtin_strings("en");
        assert_eq!(copied_strings("fr", &en), Some("en"));
        assert_eq!(copied_strings("en-GB", &en), None);
        assert_eq!(copied_strings("de", &theme::builtin_strings("de")), None);
        let starter_en = theme::STARTERS[0].1;
        let edited = format!("# Avant de commencer\n{starter_en}");
        assert!(share(&edited, starter_en) >= COPIED);
        assert!(share(theme::STARTERS[1].1, starter_en) < COPIED);
    }
}
