//! The intranet page: `index.html` (default language) and `<lang>/index.html`.

use super::KitFile;
use crate::error::Result;
use crate::project::Project;
use serde_json::json;
use std::path::{Component, Path};

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

/// One kit on `DIR/index.html`.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub name: String,
    /// The folder it was found in, as [`groups`] names it ("" for the shared folder itself).
    pub group: String,
}

/// The group of each project: the folder its project folder was found in, relative to the
/// folder all of them share ("" for those directly in it). `sources` are paths of
/// project.toml files; groups are written with `/` on every system.
pub fn groups(sources: &[&Path]) -> Vec<String> {
    let folders: Vec<&Path> = sources.iter().map(|s| container(s)).collect();
    let Some((first, rest)) = folders.split_first() else {
        return Vec::new();
    };
    let mut shared: Vec<Component> = first.components().collect();
    for folder in rest {
        let same = shared
            .iter()
            .zip(folder.components())
            .take_while(|(a, b)| **a == *b)
            .count();
        shared.truncate(same);
    }
    folders
        .iter()
        .map(|folder| {
            let names: Vec<_> = folder
                .components()
                .skip(shared.len())
                .filter(|c| matches!(c, Component::Normal(_) | Component::ParentDir))
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            names.join("/")
        })
        .collect()
}

/// The folder a project folder sits in: the parent of the folder holding `project.toml`.
fn container(source: &Path) -> &Path {
    source
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new(""))
}

/// `DIR/index.html`: the kits grouped (groups in order of first appearance, "" first, under
/// the neutral heading `projects_group_main`), each linking to `<id>/index.html`; strings,
/// css and theme from `first`. Without script the whole list shows; the theme's
/// `static/projects.js`, inlined and allowed by its hash, adds a search field.
pub fn projects_index(first: &Project, listed: &[Listed]) -> Result<String> {
    let lang = first.default_language();
    let css = first.theme.css();
    let css = css.as_str();
    // The parser reads CR LF as LF; the hash must be of the text the browser sees.
    let script = first
        .theme
        .text("static/projects.js")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let csp = crate::html::csp_with_script(css, &script);
    let groups = grouped(listed);
    let headed = groups.len() > 1 || listed.iter().any(|l| !l.group.is_empty());
    // The flat list a theme's older projects.html may still use.
    let flat: Vec<_> = listed
        .iter()
        .map(|l| json!({"name": l.name, "href": format!("{}/index.html", l.id)}))
        .collect();
    let mut t = first.strings(lang).clone();
    for (key, english) in crate::theme::builtin_strings("en") {
        if crate::theme::OPTIONAL_KEYS.contains(&key.as_str()) {
            t.entry(key).or_insert(english);
        }
    }
    let context = json!({
        "lang": lang,
        "t": t,
        "css": css,
        "script": script,
        "csp": csp,
        "groups": groups,
        "headed": headed,
        "projects": flat,
    });
    first.theme.render("projects.html", &context)
}

/// The kits by group for the template: "" first, then each group where it first appears.
fn grouped(listed: &[Listed]) -> Vec<serde_json::Value> {
    let mut order: Vec<&str> = Vec::new();
    let mut kits: std::collections::HashMap<&str, Vec<serde_json::Value>> = Default::default();
    for l in listed {
        let entry = kits.entry(l.group.as_str()).or_insert_with(|| {
            order.push(&l.group);
            Vec::new()
        });
        entry.push(json!({"id": l.id, "name": l.name, "href": format!("{}/index.html", l.id)}));
    }
    // The kits of the shared folder itself come first.
    order.sort_by_key(|name| !name.is_empty());
    order
        .iter()
        .map(|name| json!({"name": name, "kits": kits.remove(name).unwrap_or_default()}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Listed, grouped, groups};
    use std::path::Path;

    fn of(sources: &[&str]) -> Vec<String> {
        let paths: Vec<&Path> = sources.iter().map(Path::new).collect();
        groups(&paths)
    }

    #[test]
    fn groups_are_folders_below_the_shared_one() {
        assert_eq!(
            of(&[
                "ex/acme-hq/project.toml",
                "ex/nordwerk/project.toml",
                "ex/company/berlin/project.toml",
                "ex/company/lyon/project.toml",
            ]),
            ["", "", "company", "company"]
        );
    }

    #[test]
    fn deeper_groups_are_written_with_slashes() {
        assert_eq!(
            of(&[
                "/srv/kits/de/nord/a/project.toml",
                "/srv/kits/fr/b/project.toml",
                "/srv/kits/de/nord/c/project.toml",
            ]),
            ["de/nord", "fr", "de/nord"]
        );
    }

    #[test]
    fn one_project_or_one_folder_is_one_unnamed_group() {
        assert_eq!(of(&["far/away/site/project.toml"]), [""]);
        assert_eq!(of(&["a/project.toml", "b/project.toml"]), ["", ""]);
        assert_eq!(of(&["./x/a/project.toml", "./x/b/project.toml"]), ["", ""]);
        assert_eq!(of(&["project.toml"]), [""]);
        assert!(of(&[]).is_empty());
    }

    #[test]
    fn a_project_beside_the_others_folders_is_in_the_shared_group() {
        assert_eq!(
            of(&[
                "ex/project.toml",
                "ex/a/project.toml",
                "ex/b/c/project.toml"
            ]),
            ["", "ex", "ex/b"]
        );
    }

    #[test]
    fn the_unnamed_group_comes_first_then_groups_as_they_appear() {
        let kit = |id: &str, group: &str| Listed {
            id: id.into(),
            name: id.to_uppercase(),
            group: group.into(),
        };
        let listed = [
            kit("b", "south"),
            kit("a", ""),
            kit("c", "north"),
            kit("d", "south"),
        ];
        let shown = grouped(&listed);
        let names: Vec<&str> = shown
            .iter()
            .map(|g| g["name"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(names, ["", "south", "north"]);
        assert_eq!(shown[1]["kits"][1]["href"], "d/index.html");
        assert_eq!(shown[1]["kits"][1]["name"], "D");
    }
}
