//! The intranet page: `index.html` (default language) and `<lang>/index.html`.

use super::KitFile;
use crate::error::Result;
use crate::project::Project;
use serde_json::json;

pub fn render_all(project: &Project, languages: &[String]) -> Result<Vec<KitFile>> {
    let mut files = Vec::new();
    let codes = project.codes.names();
    let first = &languages[0];
    files.push(KitFile::new(
        "index.html",
        render(project, first, languages, "")?,
        codes.clone(),
    ));
    for lang in languages {
        files.push(KitFile::new(
            format!("{lang}/index.html"),
            render(project, lang, languages, "../")?,
            codes.clone(),
        ));
    }
    Ok(files)
}

/// Renders one language. `up` leads from the page's folder to the kit folder.
fn render(project: &Project, lang: &str, languages: &[String], up: &str) -> Result<String> {
    let t = project.strings(lang);
    let css = project.theme.css();
    let css = css.as_str();
    let switcher: Vec<_> = languages
        .iter()
        .map(|l| {
            let name = project.strings(l).get("language_name").cloned().unwrap_or_else(|| l.clone());
            json!({"code": l, "name": name, "href": format!("{up}{l}/index.html"), "current": l == lang})
        })
        .collect();
    let mut codes = serde_json::Map::new();
    for (name, code) in project.codes.each() {
        let label = crate::layout::alt_text(project, lang, name);
        codes.insert(
            name.key().to_string(),
            json!({"payload": code.payload, "svg": code.to_inline_svg(&label)}),
        );
    }
    let context = json!({
        "lang": lang,
        "project": {"id": project.id, "name": project.name},
        "t": t,
        "css": css,
        "csp": crate::html::csp(css),
        "languages": switcher,
        "codes": codes,
        "instructions": crate::instructions::to_html(&project.instructions[lang]),
        "contact": project.contact,
        "draft": project.draft,
    });
    project.theme.render("page.html", &context)
}

/// `DIR/index.html` when one build writes several kits: a list linking to each.
pub fn projects_index(projects: &[&Project]) -> Result<String> {
    let first = projects[0];
    let lang = first.default_language();
    let css = first.theme.css();
    let css = css.as_str();
    let list: Vec<_> = projects
        .iter()
        .map(|p| json!({"name": p.name, "href": format!("{}/index.html", p.id)}))
        .collect();
    let context = json!({
        "lang": lang,
        "t": first.strings(lang),
        "css": css,
        "csp": crate::html::csp(css),
        "projects": list,
    });
    first.theme.render("projects.html", &context)
}
