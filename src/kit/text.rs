//! The short chat message.

use super::KitFile;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::project::Project;
use serde_json::json;

/// Chat apps cut or fold longer messages.
pub const MESSAGE_MAX_CHARS: usize = 1000;

pub fn message(project: &Project, lang: &str) -> Result<KitFile> {
    let codes: serde_json::Map<_, _> = project
        .codes
        .all()
        .into_iter()
        .map(|(name, code)| (name.replace('-', "_"), json!({"payload": code.payload})))
        .collect();
    let context = json!({
        "lang": lang,
        "project": {"id": project.id, "name": crate::kit::visible(&project.name)},
        "t": project.strings(lang),
        "codes": codes,
        "contact": project.contact,
    });
    let text = super::page::render_template(project, "message.txt", &context)?;
    let chars = text.chars().count();
    if chars > MESSAGE_MAX_CHARS {
        let file = &project.theme.files["templates/message.txt"];
        return Err(Error::Invalid(vec![
            Diagnostic::error(
                "E008",
                format!(
                    "the {lang} chat message is {chars} characters, more than {MESSAGE_MAX_CHARS}"
                ),
            )
            .in_file(&file.origin)
            .help("shorten the message strings or the project name; links count too"),
        ]));
    }
    Ok(KitFile::new(format!("message.{lang}.txt"), text, vec![]))
}
