//! The short chat message, composed from the theme's `message.txt`: whether it fits a chat
//! app is decided here, for `check` and `build` alike.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::project::Project;
use serde_json::json;

/// Chat apps cut or fold longer messages.
pub const MESSAGE_MAX_CHARS: usize = 1000;

pub fn compose(project: &Project, lang: &str) -> Result<String> {
    let codes: serde_json::Map<_, _> = project
        .codes
        .each()
        .into_iter()
        .map(|(name, code)| (name.key().to_string(), json!({"payload": code.payload})))
        .collect();
    let context = json!({
        "lang": lang,
        "project": {"id": project.id, "name": crate::text::visible(&project.name)},
        "t": project.strings(lang),
        "codes": codes,
        "contact": project.contact,
    });
    let mut text = project.theme.render("message.txt", &context)?;
    if project.draft {
        text = format!("{}\n\n{text}", project.strings(lang)["draft"]);
    }
    let chars = text.chars().count();
    if chars > MESSAGE_MAX_CHARS {
        return Err(Error::Invalid(vec![too_long(project, lang, chars)]));
    }
    Ok(text)
}

/// E008 for a message over the limit, at its cause: the project name or the registration
/// link when leaving it out would make the message fit, else the template.
fn too_long(project: &Project, lang: &str, chars: usize) -> Diagnostic {
    let fits_without = |text: &str| chars - text.chars().count().min(chars) <= MESSAGE_MAX_CHARS;
    let places = &project.places;
    let causes = [
        (
            Some(project.name.as_str()),
            Some(&places.name),
            "shorten the project name; it is in every chat message",
        ),
        (
            project.registration_url.as_deref(),
            places.registration_url.as_ref(),
            "use a shorter address for the registration page (a short link the intranet redirects)",
        ),
        (
            project.contact.email.as_deref(),
            places.contact_email.as_ref(),
            "use a shorter contact address",
        ),
    ];
    let cause = causes
        .into_iter()
        .find_map(|(text, place, help)| fits_without(text?).then(|| (place.cloned(), help)))
        .and_then(|(place, help)| Some((place?, help)));
    let (at, help) = if let Some(cause) = cause {
        cause
    } else {
        let file = &project.theme.files["templates/message.txt"];
        let first = String::from_utf8_lossy(&file.bytes)
            .lines()
            .next()
            .map(str::to_string);
        let at = crate::diag::Location {
            file: file.origin.clone(),
            line: 1,
            column: 1,
            width: first.as_ref().map_or(1, |l| l.chars().count()),
            source_line: first,
        };
        (
            at,
            "shorten the template or the message_* strings; links count too",
        )
    };
    Diagnostic::error(
        "E008",
        format!("the {lang} chat message is {chars} characters, more than {MESSAGE_MAX_CHARS}"),
    )
    .at(at)
    .help(help)
}
