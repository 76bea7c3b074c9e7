//! Stand-ins: what `init` writes where only the admin can know the value (the activation
//! payload and the two store links). A stand-in that remains is a W010, and the kit is a
//! draft that says so on everything it holds. None of them can be a real app's link: the App
//! Store link has no app ID, and the Google Play ID has hyphens, which no package name has.

use super::config::Config;
use super::model::Codes;
use crate::diag::{Diagnostic, Sources};
use std::ops::Range;

pub const ACTIVATION: &str = "REPLACE-WITH-THE-ACTIVATION-CODE-FROM-MANAGER";
pub const APP_STORE: &str = "https://apps.apple.com/app/REPLACE-WITH-THE-APP-STORE-LINK";
pub const GOOGLE_PLAY: &str =
    "https://play.google.com/store/apps/details?id=REPLACE-WITH-THE-GOOGLE-PLAY-LINK";

/// What every stand-in holds.
const MARK: &str = "REPLACE-WITH-";
/// Store links that earlier versions of `init` wrote.
const EARLIER: [&str; 2] = [
    "https://apps.apple.com/app/baltech-mobile-id",
    "https://play.google.com/store/apps/details?id=com.baltech.mobileid",
];

/// A payload that is a stand-in, wherever it came from (a key or a decoded image).
pub fn is_stand_in(payload: &str) -> bool {
    payload.contains(MARK) || EARLIER.contains(&payload)
}

/// W010 for each code that still carries a stand-in, at the key that gives it. Returns
/// whether the kit is a draft.
pub fn check(config: &Config, src: &Sources, codes: &Codes, diags: &mut Vec<Diagnostic>) -> bool {
    let apps = &config.apps;
    let activation = &config.activation;
    let span = |a: &Option<toml::Spanned<String>>, b: &Option<toml::Spanned<String>>| {
        a.as_ref().or(b.as_ref()).map_or(0..0, |s| s.span())
    };
    let found: Vec<(&str, Range<usize>)> = [
        (
            "activation payload",
            &codes.activation.payload,
            span(&activation.payload, &activation.qr),
        ),
        (
            "App Store link",
            &codes.app_store.payload,
            span(&apps.app_store, &apps.app_store_qr),
        ),
        (
            "Google Play link",
            &codes.google_play.payload,
            span(&apps.google_play, &apps.google_play_qr),
        ),
    ]
    .into_iter()
    .filter(|(_, payload, _)| is_stand_in(payload))
    .map(|(what, _, span)| (what, span))
    .collect();
    for (what, span) in &found {
        diags.push(
            Diagnostic::warning(
                "W010",
                format!("the {what} is still the stand-in `init` wrote: the kit is a draft"),
            )
            .at(src.locate(span.clone()))
            .help(help(what)),
        );
    }
    !found.is_empty()
}

fn help(what: &str) -> &'static str {
    match what {
        "activation payload" => {
            "download the activation QR code from Manager's Settings page, put it beside project.toml and name it with `qr = \"activation-qr.png\"` instead of `payload`"
        }
        "App Store link" => "paste the App Store link BALTECH publishes for the Mobile ID app",
        _ => "paste the Google Play link BALTECH publishes for the Mobile ID app",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_pass_the_store_rule_and_are_recognised() {
        use crate::project::config::check_store_link;
        assert!(check_store_link("app_store", APP_STORE).is_ok());
        assert!(check_store_link("google_play", GOOGLE_PLAY).is_ok());
        for s in [ACTIVATION, APP_STORE, GOOGLE_PLAY, EARLIER[0], EARLIER[1]] {
            assert!(is_stand_in(s), "{s}");
        }
        assert!(!is_stand_in(
            "https://apps.apple.com/de/app/baltech-mobile-id/id1234"
        ));
    }
}
