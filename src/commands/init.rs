use crate::Outcome;
use crate::cli::InitArgs;
use crate::diag::display_path;
use crate::error::{Error, InTheWay, Result};
use crate::project::stand_in;
use std::path::Path;

pub fn run(args: &InitArgs) -> Result<Outcome> {
    let dir = &args.dir;
    if dir.join(crate::project::config::FILE_NAME).exists() {
        return Err(Error::InTheWay {
            path: dir.join(crate::project::config::FILE_NAME),
            why: InTheWay::Exists,
        });
    }
    let languages = languages(&args.lang)?;
    let folder_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let id = project_id(&folder_name);
    let name = args.name.clone().unwrap_or_else(|| folder_name.clone());

    let mut files: Vec<(String, String)> = Vec::new();
    files.push(("project.toml".into(), project_toml(&id, &name, &languages)));
    let mut untranslated = Vec::new();
    for lang in &languages {
        let starters = crate::theme::STARTERS;
        let starter = starters
            .iter()
            .find(|(l, _)| l == lang)
            .unwrap_or(&starters[0])
            .1;
        files.push((format!("instructions.{lang}.md"), starter.to_string()));
        if !crate::theme::LANGUAGES.contains(&lang.as_str()) {
            // A language the default theme lacks starts as a copy of the English strings;
            // check warns (W011) until it is translated.
            let en = crate::theme::default_strings_text("en");
            files.push((
                format!("i18n/{lang}.toml"),
                format!("# Translate these strings into `{lang}`.\n{en}"),
            ));
            untranslated.push(lang.as_str());
        }
    }
    let today = crate::date::format_day(crate::date::today());
    files.push(("ledger.csv".into(), format!("date,event,id,subject,note\n{today},created,,self-service,project created in Mobile ID Manager\n")));

    for (rel, content) in &files {
        write_new(&dir.join(rel), content)?;
    }
    let mut text = format!(
        "created {} with {} files\nnext: put the activation QR image from Manager's Settings page beside project.toml, set the store links BALTECH publishes, then run `mobileid-kit build {}`; until then the kit is a marked draft\n",
        display_path(dir),
        files.len(),
        display_path(dir)
    );
    if !untranslated.is_empty() {
        text.push_str(&format!(
            "translate: the default theme has no strings for {}; i18n/ and the instructions hold English text to translate\n",
            untranslated.join(", ")
        ));
    }
    let json = serde_json::json!({"created": display_path(dir), "files": files.iter().map(|f| &f.0).collect::<Vec<_>>()});
    Ok(Outcome {
        text,
        json,
        ..Outcome::default()
    })
}

fn write_new(path: &Path, content: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
    }
    if path.exists() {
        return Err(Error::InTheWay {
            path: path.to_path_buf(),
            why: InTheWay::Exists,
        });
    }
    std::fs::write(path, content).map_err(Error::io("write", path))
}

/// The `--lang` tags as `check` expects them (`EN` → `en`, `pt-br` → `pt-BR`), each once;
/// what is not a language tag is refused.
fn languages(given: &[String]) -> Result<Vec<String>> {
    let mut languages: Vec<String> = Vec::new();
    for lang in given.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let tag = crate::project::config::language_tag(lang).ok_or_else(|| Error::BadArgument {
            arg: "--lang",
            value: lang.to_string(),
            expected: "a language tag such as en, de or pt-BR",
        })?;
        if !languages.contains(&tag) {
            languages.push(tag);
        }
    }
    if languages.is_empty() {
        return Err(Error::BadArgument {
            arg: "--lang",
            value: given.join(","),
            expected: "a list of at least one language",
        });
    }
    Ok(languages)
}

/// A valid `project.id` from a folder name.
fn project_id(name: &str) -> String {
    let mut id: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    id = id.trim_matches('-').chars().take(64).collect();
    if id.is_empty() {
        "mobile-id".into()
    } else {
        id
    }
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn project_toml(id: &str, name: &str, languages: &[String]) -> String {
    let langs: Vec<String> = languages.iter().map(|l| toml_string(l)).collect();
    format!(
        r#"# A Mobile ID project with self-service registration. Reference: README.md of mobileid-kit.

[project]
id = {id}
name = {name}
self_service = true                # mirrors "Use self-service registration" in Manager
languages = [{langs}]              # the first is the default
theme = "default"

[activation]
# Download the activation QR code from Manager's Settings page, put it beside this file
# and name it here instead of `payload`:
# qr = "activation-qr.png"
payload = {activation}   # a stand-in: the kit is a marked draft until it is replaced

[apps]
# Paste the download links BALTECH publishes for the Mobile ID app, or name their QR
# images with app_store_qr / google_play_qr. These stand-ins lead to no app.
app_store = {app_store}
google_play = {google_play}

[registration]
# url = "https://intranet.example.com/mobile-id"   # the host system's self-registration page
instructions = "instructions.{{lang}}.md"

[contact]
name = "IT Service Desk"
# email = "it@example.com"
# phone = "+49 89 1234567"

[ids]
first = 1                          # the first ID Manager assigns in this project
ledger = "ledger.csv"

[kit]
paper = ["a4"]
qr_ec = "M"
qr_size_mm = 30
"#,
        id = toml_string(id),
        name = toml_string(name),
        langs = langs.join(", "),
        activation = toml_string(stand_in::ACTIVATION),
        app_store = toml_string(stand_in::APP_STORE),
        google_play = toml_string(stand_in::GOOGLE_PLAY),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_from_folder_names() {
        assert_eq!(super::project_id("ACME HQ"), "acme-hq");
        assert_eq!(super::project_id("..."), "mobile-id");
    }
}
