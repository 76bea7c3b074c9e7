//! Many sites of one company: shared settings (`extends`), kits that are left as they are
//! when nothing they use changed, and `DIR/index.html` listing every project by folder.

mod common;

use common::*;
use std::path::{Path, PathBuf};

const APP_STORE: &str = "https://apps.apple.com/de/app/baltech-mobile-id/id0000000000";
const GOOGLE_PLAY: &str = "https://play.google.com/store/apps/details?id=com.example.mobileid";
const REGISTRATION: &str = "https://intranet.company.example/mobile-id";

/// What the company's sites share: everything a shared file may hold.
const COMPANY: &str = r#"[project]
languages = ["en", "de"]

[apps]
app_store = "https://apps.apple.com/de/app/baltech-mobile-id/id0000000000"
google_play = "https://play.google.com/store/apps/details?id=com.example.mobileid"

[registration]
url = "https://intranet.company.example/mobile-id"
instructions = "instructions.{lang}.md"

[contact]
name = "Company IT Desk"
email = "it@company.example"
phone = "+49 221 100"

[kit]
outputs = ["html", "md", "qr", "message"]
"#;

const SHARED_EN: &str = "## Setup\n\nShared steps for {{ project.name }}.\n";
const SHARED_DE: &str = "## Einrichten\n\nGemeinsame Schritte für {{ project.name }}.\n";

/// Writes `text` to `path`, creating its folders.
fn put(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A site's project.toml that extends `shared`: only what Manager knows per project, plus
/// `project_extra` (lines inside `[project]`) and `tables` (further tables, appended).
fn site_toml(shared: &str, id: &str, name: &str, project_extra: &str, tables: &str) -> String {
    format!(
        "extends = \"{shared}\"\n\n[project]\nid = \"{id}\"\nname = \"{name}\"\nself_service = true\n{project_extra}\n[activation]\npayload = \"MOBILEID:ACTIVATE:v1:{id}:0001\"\n\n[ids]\nfirst = 1\n\n{tables}"
    )
}

/// A complete project.toml that extends nothing.
fn standalone_toml(id: &str, name: &str, project_extra: &str) -> String {
    format!(
        r#"[project]
id = "{id}"
name = "{name}"
self_service = true
languages = ["en", "de"]
{project_extra}
[activation]
payload = "MOBILEID:ACTIVATE:v1:{id}:0001"

[apps]
app_store = "{APP_STORE}"
google_play = "{GOOGLE_PLAY}"

[registration]
instructions = "instructions.{{lang}}.md"

[ids]
first = 1

[kit]
outputs = ["html", "md", "qr", "message"]
"#
    )
}

/// ROOT/company.toml (`company`) with the shared instructions beside it.
fn company(root: &Path, company: &str) {
    put(&root.join("company.toml"), company);
    put(&root.join("instructions.en.md"), SHARED_EN);
    put(&root.join("instructions.de.md"), SHARED_DE);
}

/// A temp dir with an empty ROOT folder in it: (the dir, ROOT).
fn temp_root() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("root");
    std::fs::create_dir_all(&root).expect("mkdir");
    (tmp, root)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The 1-based number of the first line of `text` that is exactly `line`.
fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} not in\n{text}"))
        + 1
}

/// Whether a `-->` location (`PATH:LINE:COLUMN`) is at `line` of a path ending in `file`.
fn points_at(location: &str, file: &str, line: usize) -> bool {
    let mut parts = location.trim().rsplitn(3, ':');
    let (_column, at_line, path) = (parts.next(), parts.next(), parts.next());
    at_line.and_then(|l| l.parse::<usize>().ok()) == Some(line)
        && path.is_some_and(|p| Path::new(p).ends_with(file))
}

/// The messages of the `error[code]` diagnostics of a text report located at `line` of a
/// path ending in `file`.
fn located(report: &str, code: &str, file: &str, line: usize) -> Vec<String> {
    let head = format!("error[{code}]: ");
    let mut found = Vec::new();
    let mut current: Option<&str> = None;
    for l in report.lines() {
        if let Some(message) = l.strip_prefix(&head) {
            current = Some(message);
        } else if l.starts_with("error[") || l.starts_with("warning[") {
            current = None;
        } else if let (Some(message), Some(at)) = (current, l.trim_start().strip_prefix("--> ")) {
            if points_at(at, file, line) {
                found.push(message.to_string());
            }
            current = None;
        }
    }
    found
}

/// `check SITE` and `build SITE` both refuse with exit 1 and an `error[code]` located at
/// `line` of `file` (a path ending); `build` writes nothing. Returns the messages found.
fn refused(dir: &Path, site: &Path, code: &str, file: &str, line: usize) -> Vec<String> {
    let check = run_in(dir, &["check", s(site)]);
    assert_eq!(
        check.code, 1,
        "check must refuse with exit 1\nstdout:\n{}\nstderr:\n{}",
        check.stdout, check.stderr
    );
    let messages = located(&check.stderr, code, file, line);
    assert!(
        !messages.is_empty(),
        "check: no error[{code}] located at {file}:{line}:\nstderr:\n{}",
        check.stderr
    );
    let out = dir.join("out");
    let build = run_in(dir, &["build", s(site), "-o", s(&out)]);
    assert_eq!(
        build.code, 1,
        "build must refuse with exit 1\nstdout:\n{}\nstderr:\n{}",
        build.stdout, build.stderr
    );
    assert!(
        !located(&build.stderr, code, file, line).is_empty(),
        "build: no error[{code}] located at {file}:{line}:\nstderr:\n{}",
        build.stderr
    );
    assert!(
        !out.exists(),
        "a refused build may write nothing, yet it wrote {:?}",
        files(&out)
    );
    messages
}

// ---------------------------------------------------------------------------------------
// Shared settings

#[test]
fn a_site_takes_the_shared_settings_and_its_own_keys_win_key_by_key() {
    let (tmp, root) = temp_root();
    company(&root, COMPANY);
    // Site A sets only the phone of [contact] and only qr_ec of [kit].
    put(
        &root.join("a/project.toml"),
        &site_toml(
            "../company.toml",
            "site-a",
            "Site A",
            "",
            "[contact]\nphone = \"+33 4 00 00\"\n\n[kit]\nqr_ec = \"H\"\n",
        ),
    );
    // Decoys: the shared `instructions` resolve against company.toml's folder, not the site's.
    put(
        &root.join("a/instructions.en.md"),
        "Decoy: the site's own file.\n",
    );
    put(
        &root.join("a/instructions.de.md"),
        "Köder: die Datei des Standorts.\n",
    );
    // Site B replaces the shared languages.
    put(
        &root.join("b/project.toml"),
        &site_toml(
            "../company.toml",
            "site-b",
            "Site B",
            "languages = [\"de\"]\n",
            "",
        ),
    );

    let r = run_in(tmp.path(), &["check", s(&root)]);
    assert_eq!(r.code, 0, "check of two valid sites\n{}", r.all());
    let out = tmp.path().join("out");
    let r = run_in(tmp.path(), &["build", s(&root), "-o", s(&out)]);
    assert_eq!(r.code, 0, "build of two valid sites\n{}", r.all());

    let a = out.join("site-a");
    // Languages and outputs come from company.toml.
    let mut expected = vec![
        "de/index.html",
        "en/index.html",
        "index.html",
        "instructions.de.md",
        "instructions.en.md",
        "manifest.json",
        "message.de.txt",
        "message.en.txt",
        "qr/activation.png",
        "qr/activation.svg",
        "qr/app-store.png",
        "qr/app-store.svg",
        "qr/google-play.png",
        "qr/google-play.svg",
        "qr/registration.png",
        "qr/registration.svg",
    ];
    expected.sort();
    assert_eq!(files(&a), expected, "site A's kit\n{}", r.all());

    let m = manifest_json(&a);
    assert_eq!(m["project"], "site-a", "{m:#}");
    assert_eq!(
        m["codes"]["activation"]["payload"], "MOBILEID:ACTIVATE:v1:site-a:0001",
        "the site's own activation: {m:#}"
    );
    assert_eq!(
        m["codes"]["registration"]["payload"], REGISTRATION,
        "the shared registration url: {m:#}"
    );
    assert_eq!(m["codes"]["app-store"]["payload"], APP_STORE, "{m:#}");
    assert_eq!(m["codes"]["google-play"]["payload"], GOOGLE_PLAY, "{m:#}");
    assert_eq!(
        m["codes"]["app-store"]["ec"], "H",
        "the site's [kit] qr_ec wins over the shared one, the shared outputs stay: {m:#}"
    );

    let page = read(&a.join("index.html"));
    for own_or_shared in ["Company IT Desk", "it@company.example", "+33 4 00 00"] {
        assert!(
            page.contains(own_or_shared),
            "site A's page lacks {own_or_shared:?} (the shared contact name and email, the site's phone):\n{page}"
        );
    }
    assert!(
        !page.contains("+49 221 100"),
        "the site's phone replaces the shared one:\n{page}"
    );
    let message = read(&a.join("message.en.txt"));
    for link in [APP_STORE, GOOGLE_PLAY, REGISTRATION] {
        assert!(
            message.contains(link),
            "{link} not in message.en.txt:\n{message}"
        );
    }

    let md = read(&a.join("instructions.en.md"));
    assert!(
        md.contains("Shared steps for Site A.") && !md.contains("Decoy"),
        "instructions must come from ROOT/instructions.en.md, beside company.toml:\n{md}"
    );
    let md = read(&a.join("instructions.de.md"));
    assert!(
        md.contains("Gemeinsame Schritte für Site A.") && !md.contains("Köder"),
        "{md}"
    );

    // Site B: its own languages, the shared contact as it is.
    let b = out.join("site-b");
    let listed = files(&b);
    assert!(
        listed.contains(&"instructions.de.md".to_string())
            && !listed
                .iter()
                .any(|f| f.contains(".en.") || f.starts_with("en/")),
        "site B builds only its own language de: {listed:?}"
    );
    let page = read(&b.join("index.html"));
    for shared in ["Company IT Desk", "it@company.example", "+49 221 100"] {
        assert!(
            page.contains(shared),
            "site B's page lacks {shared:?}:\n{page}"
        );
    }
}

/// A store's link and its image are one setting: a site's image wins over the shared link
/// (rather than both being set, an E001).
#[test]
fn a_sites_store_image_wins_over_the_shared_store_link() {
    let (tmp, root) = temp_root();
    company(&root, COMPANY);
    let own = "https://apps.apple.com/us/app/baltech-mobile-id/id0000000001";
    let matrix = mobileid_kit::qr::Matrix::encode(own, mobileid_kit::qr::Ec::M).unwrap();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(root.join("a/app-store.png"), matrix.to_png(8)).unwrap();
    put(
        &root.join("a/project.toml"),
        &site_toml(
            "../company.toml",
            "site-a",
            "Site A",
            "",
            "[apps]\napp_store_qr = \"app-store.png\"\n",
        ),
    );
    let out = tmp.path().join("out");
    let r = run_in(tmp.path(), &["build", s(&root.join("a")), "-o", s(&out)]);
    assert_eq!(r.code, 0, "{}", r.all());
    let m = manifest_json(&out.join("site-a"));
    assert_eq!(m["codes"]["app-store"]["payload"], own, "{m:#}");
    assert_eq!(m["codes"]["google-play"]["payload"], GOOGLE_PLAY, "{m:#}");
}

#[test]
fn a_shared_file_may_extend_one_further_up_and_the_nearest_key_wins() {
    let (tmp, root) = temp_root();
    company(&root, COMPANY);
    put(
        &root.join("region/region.toml"),
        "extends = \"../company.toml\"\n\n[project]\nlanguages = [\"en\"]\n\n[registration]\ninstructions = \"regional.{lang}.md\"\n\n[contact]\nname = \"Region Desk\"\n",
    );
    // Resolved against region.toml's folder.
    put(
        &root.join("region/regional.en.md"),
        "## Setup\n\nRegional steps for {{ project.name }}.\n",
    );
    let site = root.join("region/site");
    put(
        &site.join("project.toml"),
        &site_toml("../region.toml", "site-r", "Site R", "", ""),
    );

    let r = run_in(tmp.path(), &["check", s(&site)]);
    assert_eq!(
        r.code,
        0,
        "check of a site over two shared files\n{}",
        r.all()
    );
    let out = tmp.path().join("out");
    let r = run_in(tmp.path(), &["build", s(&site), "-o", s(&out)]);
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = out.join("site-r");
    let listed = files(&kit);
    assert!(
        listed.contains(&"instructions.en.md".to_string())
            && !listed
                .iter()
                .any(|f| f.contains(".de.") || f.starts_with("de/")),
        "region.toml's languages = [\"en\"] win over company.toml's: {listed:?}"
    );
    let md = read(&kit.join("instructions.en.md"));
    assert!(
        md.contains("Regional steps for Site R."),
        "region.toml's instructions, resolved beside region.toml:\n{md}"
    );
    let page = read(&kit.join("index.html"));
    assert!(
        page.contains("Region Desk") && !page.contains("Company IT Desk"),
        "region.toml's contact name wins:\n{page}"
    );
    assert!(
        page.contains("it@company.example") && page.contains("+49 221 100"),
        "company.toml's contact email and phone stay:\n{page}"
    );
    let m = manifest_json(&kit);
    assert_eq!(
        m["codes"]["registration"]["payload"], REGISTRATION,
        "the url from company.toml, two files up: {m:#}"
    );
    assert_eq!(m["codes"]["app-store"]["payload"], APP_STORE, "{m:#}");
}

#[test]
fn a_shared_file_may_not_set_what_only_a_site_may_set() {
    let cases: [(&str, String, &str); 5] = [
        (
            "[project] id",
            COMPANY.replacen("[project]\n", "[project]\nid = \"company\"\n", 1),
            "id = \"company\"",
        ),
        (
            "[project] name",
            COMPANY.replacen("[project]\n", "[project]\nname = \"Company\"\n", 1),
            "name = \"Company\"",
        ),
        (
            "[project] self_service",
            COMPANY.replacen("[project]\n", "[project]\nself_service = true\n", 1),
            "self_service = true",
        ),
        (
            "[activation]",
            format!("{COMPANY}\n[activation]\npayload = \"MOBILEID:ACTIVATE:v1:company:0001\"\n"),
            "[activation]",
        ),
        ("[ids]", format!("{COMPANY}\n[ids]\nfirst = 1\n"), "[ids]"),
    ];
    for (what, text, offending) in cases {
        let (tmp, root) = temp_root();
        company(&root, &text);
        let site = root.join("a");
        put(
            &site.join("project.toml"),
            &site_toml("../company.toml", "site-a", "Site A", "", ""),
        );
        let line = line_of(&text, offending);
        let messages = refused(tmp.path(), &site, "E009", "company.toml", line);
        assert!(
            messages.iter().any(|m| m.contains("only a site")),
            "{what} in company.toml: the message should say only a site may set it: {messages:?}"
        );
    }
}

#[test]
fn a_missing_shared_file_is_e009_at_the_extends_line() {
    let (tmp, root) = temp_root();
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    let messages = refused(tmp.path(), &site, "E009", "project.toml", 1);
    assert!(
        messages.iter().any(|m| m.contains("../company.toml")),
        "the message names the missing file as written: {messages:?}"
    );
}

#[test]
fn a_shared_file_beside_the_site_or_by_absolute_path_is_e009() {
    // Sideways: ROOT/other/company.toml is no ancestor of ROOT/a.
    let (tmp, root) = temp_root();
    put(&root.join("other/company.toml"), COMPANY);
    put(&root.join("other/instructions.en.md"), SHARED_EN);
    put(&root.join("other/instructions.de.md"), SHARED_DE);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../other/company.toml", "site-a", "Site A", "", ""),
    );
    let messages = refused(tmp.path(), &site, "E009", "project.toml", 1);
    assert!(
        messages.iter().any(|m| m.contains("../other/company.toml")),
        "the message names the path as written: {messages:?}"
    );

    // Absolute: even the path of a real ancestor's file is refused written that way.
    let (tmp, root) = temp_root();
    company(&root, COMPANY);
    let absolute = root.join("company.toml");
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml(s(&absolute), "site-a", "Site A", "", ""),
    );
    refused(tmp.path(), &site, "E009", "project.toml", 1);

    // And a path of a file that does not exist on most machines.
    let (tmp, root) = temp_root();
    company(&root, COMPANY);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("/etc/company.toml", "site-a", "Site A", "", ""),
    );
    refused(tmp.path(), &site, "E009", "project.toml", 1);
}

#[test]
fn shared_files_that_extend_each_other_are_an_e009_cycle() {
    // ROOT/a.toml extends b.toml, which extends a.toml again.
    let (tmp, root) = temp_root();
    put(
        &root.join("a.toml"),
        &format!("extends = \"b.toml\"\n\n{COMPANY}"),
    );
    put(&root.join("b.toml"), "extends = \"a.toml\"\n");
    put(&root.join("instructions.en.md"), SHARED_EN);
    put(&root.join("instructions.de.md"), SHARED_DE);
    let site = root.join("site");
    put(
        &site.join("project.toml"),
        &site_toml("../a.toml", "site-a", "Site A", "", ""),
    );
    let check = run_in(tmp.path(), &["check", s(&site)]);
    assert_eq!(check.code, 1, "a cycle must be refused\n{}", check.all());
    let mut messages = located(&check.stderr, "E009", "a.toml", 1);
    messages.extend(located(&check.stderr, "E009", "b.toml", 1));
    assert!(
        messages.iter().any(|m| m.contains("cycle")),
        "an E009 naming the cycle at the extends line of a.toml or b.toml:\n{}",
        check.stderr
    );
    let out = tmp.path().join("out");
    let build = run_in(tmp.path(), &["build", s(&site), "-o", s(&out)]);
    assert_eq!(build.code, 1, "{}", build.all());
    assert!(build.stderr.contains("error[E009]"), "{}", build.stderr);
    assert!(!out.exists(), "a refused build writes nothing");

    // A file that extends itself is a cycle of one.
    let (tmp, root) = temp_root();
    company(&root, &format!("extends = \"company.toml\"\n\n{COMPANY}"));
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    let messages = refused(tmp.path(), &site, "E009", "company.toml", 1);
    assert!(
        messages.iter().any(|m| m.contains("cycle")),
        "the message says it is a cycle: {messages:?}"
    );
}

#[test]
fn a_wrong_value_in_the_shared_file_is_e001_at_its_line_there() {
    // A value out of range.
    let (tmp, root) = temp_root();
    let text = COMPANY.replacen("[kit]\n", "[kit]\nqr_size_mm = 99\n", 1);
    company(&root, &text);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    let messages = refused(
        tmp.path(),
        &site,
        "E001",
        "company.toml",
        line_of(&text, "qr_size_mm = 99"),
    );
    assert!(
        messages.iter().any(|m| m.contains("99")),
        "the message names the value: {messages:?}"
    );

    // An unknown key, with its suggestion.
    let (tmp, root) = temp_root();
    let text = COMPANY.replacen(
        "email = \"it@company.example\"",
        "mail = \"it@company.example\"",
        1,
    );
    company(&root, &text);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    refused(
        tmp.path(),
        &site,
        "E001",
        "company.toml",
        line_of(&text, "mail = \"it@company.example\""),
    );
    let check = run_in(tmp.path(), &["check", s(&site)]);
    assert!(
        check.stderr.contains("did you mean `email`"),
        "an unknown key in the shared file gets a suggestion:\n{}",
        check.stderr
    );
}

#[test]
fn a_path_in_the_shared_file_may_not_leave_its_folder() {
    let (tmp, root) = temp_root();
    let text = COMPANY.replacen(
        "instructions = \"instructions.{lang}.md\"",
        "instructions = \"../instructions.{lang}.md\"",
        1,
    );
    company(&root, &text);
    // The files exist one folder above company.toml: leaving, not missing.
    put(&tmp.path().join("instructions.en.md"), SHARED_EN);
    put(&tmp.path().join("instructions.de.md"), SHARED_DE);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    refused(
        tmp.path(),
        &site,
        "E004",
        "company.toml",
        line_of(&text, "instructions = \"../instructions.{lang}.md\""),
    );
}

#[test]
fn check_json_names_the_shared_file_and_line_of_each_problem() {
    let (tmp, root) = temp_root();
    let text = format!(
        "{}\n[ids]\nfirst = 1\n",
        COMPANY.replacen("[kit]\n", "[kit]\nqr_size_mm = 99\n", 1)
    );
    company(&root, &text);
    let site = root.join("a");
    put(
        &site.join("project.toml"),
        &site_toml("../company.toml", "site-a", "Site A", "", ""),
    );
    let r = run_in(tmp.path(), &["check", s(&site), "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.all());
    let json: serde_json::Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("check --format json prints JSON ({e}):\n{}", r.all()));
    assert!(json["summary"].is_object(), "a summary: {json:#}");
    let diagnostics = json["diagnostics"]
        .as_array()
        .expect("a list of diagnostics");
    let at = |code: &str, line: usize| {
        diagnostics.iter().any(|d| {
            d["code"] == code
                && d["severity"] == "error"
                && d["line"] == line
                && d["column"].is_u64()
                && d["help"].is_string()
                && d["file"]
                    .as_str()
                    .is_some_and(|f| Path::new(f).ends_with("company.toml"))
        })
    };
    let ids = line_of(&text, "[ids]");
    let size = line_of(&text, "qr_size_mm = 99");
    assert!(
        at("E009", ids),
        "E009 at company.toml:{ids} ([ids] only a site may set):\n{json:#}"
    );
    assert!(
        at("E001", size),
        "E001 at company.toml:{size} (qr_size_mm out of range), reported in the same run:\n{json:#}"
    );
}

// ---------------------------------------------------------------------------------------
// DIR/index.html

/// The text of each `<h2>` of a page, with its position.
fn headings(html: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = html[from..].find("<h2").map(|i| i + from) {
        let Some(open_end) = html[start..].find('>').map(|i| i + start + 1) else {
            break;
        };
        let Some(end) = html[open_end..].find("</h2>").map(|i| i + open_end) else {
            break;
        };
        found.push((start, html[open_end..end].to_string()));
        from = end;
    }
    found
}

/// The text of every inline `<script>` of a page.
fn scripts(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = html[from..].find("<script").map(|i| i + from) {
        let Some(open_end) = html[start..].find('>').map(|i| i + start + 1) else {
            break;
        };
        let Some(end) = html[open_end..].find("</script>").map(|i| i + open_end) else {
            break;
        };
        found.push(html[open_end..end].to_string());
        from = end;
    }
    found
}

#[test]
fn the_index_lists_every_project_grouped_by_folder_with_a_search_field() {
    let (tmp, root) = temp_root();
    company(&root.join("company"), COMPANY);
    put(
        &root.join("company/a/project.toml"),
        &site_toml("../company.toml", "alpha", "Alpha Plant", "", ""),
    );
    put(
        &root.join("company/b/project.toml"),
        &site_toml("../company.toml", "beta", "Beta Plant", "", ""),
    );
    put(
        &root.join("other/project.toml"),
        &standalone_toml("other", "Other Office", ""),
    );
    put(&root.join("other/instructions.en.md"), SHARED_EN);
    put(&root.join("other/instructions.de.md"), SHARED_DE);

    let out = tmp.path().join("out");
    let r = run_in(tmp.path(), &["build", s(&root), "-o", s(&out)]);
    assert_eq!(r.code, 0, "{}", r.all());
    let index = read(&out.join("index.html"));
    for (id, name) in [
        ("alpha", "Alpha Plant"),
        ("beta", "Beta Plant"),
        ("other", "Other Office"),
    ] {
        assert!(
            index.contains(name),
            "the index lacks the name {name:?}:\n{index}"
        );
        let link = format!("href=\"{id}/index.html\"");
        assert!(index.contains(&link), "the index lacks {link}:\n{index}");
        assert!(
            out.join(id).join("index.html").is_file(),
            "the link {id}/index.html leads nowhere"
        );
    }

    // Grouped by folder: a heading for "company" over alpha and beta, another over other.
    let heads = headings(&index);
    assert!(
        heads.len() >= 2,
        "one <h2> per group (company/ and the top folder): {heads:?}\n{index}"
    );
    let heading_over = |id: &str| -> String {
        let at = index
            .find(&format!("href=\"{id}/index.html\""))
            .expect("the link");
        heads
            .iter()
            .rev()
            .find(|(pos, _)| *pos < at)
            .map(|(_, text)| text.clone())
            .unwrap_or_else(|| panic!("no <h2> before the link to {id}:\n{index}"))
    };
    for id in ["alpha", "beta"] {
        assert!(
            heading_over(id).contains("company"),
            "{id} is in ROOT/company/, so under the heading \"company\": {heads:?}\n{index}"
        );
    }
    assert!(
        !heading_over("other").contains("company"),
        "other is in ROOT/ itself, not under \"company\": {heads:?}\n{index}"
    );

    // A search field, by an inline script that the page's policy allows by its hash.
    assert!(
        index.contains("<input") && index.to_lowercase().contains("search"),
        "a search field:\n{index}"
    );
    let inline = scripts(&index);
    assert!(!inline.is_empty(), "an inline <script>:\n{index}");
    let policy_at = index
        .find("Content-Security-Policy")
        .unwrap_or_else(|| panic!("a Content-Security-Policy meta:\n{index}"));
    let policy = &index[policy_at
        ..index[policy_at..]
            .find('>')
            .map_or(index.len(), |i| i + policy_at)];
    assert!(policy.contains("script-src 'sha256-"), "{policy}");
    for script in &inline {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD
                .encode(sha2::Sha256::digest(script.as_bytes()))
        );
        assert!(
            policy.contains(&hash),
            "the policy must allow the inline script by its hash {hash}:\n{policy}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Kits left as they are when nothing they use changed

#[cfg(unix)]
mod skipping {
    use super::*;
    use std::os::unix::fs::MetadataExt;
    use std::time::SystemTime;

    /// site-a and site-b (folders a/, b/) extend ROOT/company.toml and share
    /// ROOT/instructions.*.md; site-c (folder c/) extends nothing and has its own
    /// instructions and its own theme c/mytheme/ with a static/custom.css.
    const IDS: [&str; 3] = ["site-a", "site-b", "site-c"];

    struct Sites {
        tmp: tempfile::TempDir,
        root: PathBuf,
        out: PathBuf,
    }

    impl Sites {
        /// The three sites, built once into OUT.
        fn built() -> Sites {
            let (tmp, root) = temp_root();
            company(&root, COMPANY);
            put(
                &root.join("a/project.toml"),
                &site_toml("../company.toml", "site-a", "Site A", "", ""),
            );
            put(
                &root.join("b/project.toml"),
                &site_toml("../company.toml", "site-b", "Site B", "", ""),
            );
            put(
                &root.join("c/project.toml"),
                &standalone_toml("site-c", "Site C", "theme = \"mytheme\"\n"),
            );
            put(
                &root.join("c/instructions.en.md"),
                "## Setup\n\nSite C's own steps for {{ project.name }}.\n",
            );
            put(
                &root.join("c/instructions.de.md"),
                "## Einrichten\n\nEigene Schritte für {{ project.name }}.\n",
            );
            put(
                &root.join("c/mytheme/static/custom.css"),
                ":root { --accent: #123456; }\n",
            );
            let out = tmp.path().join("out");
            let sites = Sites { tmp, root, out };
            let r = sites.build(&[]);
            assert_eq!(r.code, 0, "the first build\n{}", r.all());
            for id in IDS {
                assert!(
                    sites.out.join(id).join("manifest.json").is_file(),
                    "the first build wrote {id}/manifest.json\n{}",
                    r.all()
                );
            }
            sites
        }

        fn build(&self, extra: &[&str]) -> Run {
            let mut args = vec!["build", s(&self.root), "-o", s(&self.out)];
            args.extend_from_slice(extra);
            run_in(self.tmp.path(), &args)
        }

        fn kit(&self, id: &str) -> PathBuf {
            self.out.join(id)
        }

        /// Each kit's manifest.json: its inode and modification time.
        fn stamps(&self) -> Vec<(u64, SystemTime)> {
            IDS.iter()
                .map(|id| {
                    let path = self.kit(id).join("manifest.json");
                    let meta = std::fs::metadata(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    (meta.ino(), meta.modified().expect("mtime"))
                })
                .collect()
        }

        /// Builds with `extra` and checks that exactly the kits `rebuilt` were written anew
        /// (their manifest.json has a new inode, as a rebuilt kit is a new folder swapped in)
        /// and that every other kit was left as it is (same inode, same modification time).
        fn step(&self, what: &str, extra: &[&str], rebuilt: &[&str]) -> Run {
            let before = self.stamps();
            let r = self.build(extra);
            assert_eq!(
                r.code, 0,
                "{what}: the build failed\nstdout:\n{}\nstderr:\n{}",
                r.stdout, r.stderr
            );
            let after = self.stamps();
            let mut got = Vec::new();
            for (i, id) in IDS.iter().enumerate() {
                if before[i].0 != after[i].0 {
                    got.push(*id);
                } else {
                    assert_eq!(
                        before[i].1, after[i].1,
                        "{what}: {id}/manifest.json kept its inode but was modified: a kit is either left as it is or rebuilt in a new folder\nstdout:\n{}\nstderr:\n{}",
                        r.stdout, r.stderr
                    );
                }
            }
            assert_eq!(
                got, rebuilt,
                "{what}: the kits rebuilt (new manifest.json) are {got:?}, expected {rebuilt:?}\nstdout:\n{}\nstderr:\n{}",
                r.stdout, r.stderr
            );
            if rebuilt.len() < IDS.len() {
                assert!(
                    r.stdout.contains("unchanged"),
                    "{what}: the build report should say which kits are unchanged\nstdout:\n{}\nstderr:\n{}",
                    r.stdout,
                    r.stderr
                );
            }
            r
        }
    }

    /// Every file a kit's manifest lists is there with its size and hash.
    fn assert_kit_whole(kit: &Path, context: &str) {
        let m = manifest_json(kit);
        for f in m["files"].as_array().expect("files") {
            let path = f["path"].as_str().expect("a path");
            let bytes = std::fs::read(kit.join(path))
                .unwrap_or_else(|e| panic!("{context}: {path} listed but not readable: {e}"));
            assert_eq!(
                mobileid_kit::kit::manifest::sha256_hex(&bytes),
                f["sha256"].as_str().expect("a hash"),
                "{context}: {path} differs from its manifest entry"
            );
        }
    }

    #[test]
    fn a_second_build_with_the_same_inputs_leaves_every_kit_as_it_is() {
        let sites = Sites::built();
        sites.step("the same inputs again", &[], &[]);
        sites.step("and once more", &[], &[]);
        // A file no kit reads is no input.
        put(
            &sites.root.join("notes.txt"),
            "minutes of the rollout meeting\n",
        );
        sites.step("a new file beside company.toml that no kit reads", &[], &[]);
    }

    #[test]
    fn a_sites_own_activation_change_rebuilds_only_that_site() {
        let sites = Sites::built();
        edit(
            &sites.root.join("a/project.toml"),
            "MOBILEID:ACTIVATE:v1:site-a:0001",
            "MOBILEID:ACTIVATE:v1:site-a:0002",
        );
        sites.step("site A's activation payload changed", &[], &["site-a"]);
        let m = manifest_json(&sites.kit("site-a"));
        assert_eq!(
            m["codes"]["activation"]["payload"], "MOBILEID:ACTIVATE:v1:site-a:0002",
            "the rebuilt kit carries the new payload: {m:#}"
        );
    }

    #[test]
    fn a_changed_instructions_file_rebuilds_the_sites_that_use_it() {
        let sites = Sites::built();
        edit(
            &sites.root.join("instructions.en.md"),
            "Shared steps for",
            "Updated shared steps for",
        );
        sites.step(
            "ROOT/instructions.en.md (shared by A and B) changed",
            &[],
            &["site-a", "site-b"],
        );
        for id in ["site-a", "site-b"] {
            let md = read(&sites.kit(id).join("instructions.en.md"));
            assert!(md.contains("Updated shared steps for"), "{id}:\n{md}");
        }
        edit(
            &sites.root.join("c/instructions.de.md"),
            "Eigene Schritte",
            "Neue eigene Schritte",
        );
        sites.step("site C's own instructions.de.md changed", &[], &["site-c"]);
        let md = read(&sites.kit("site-c").join("instructions.de.md"));
        assert!(md.contains("Neue eigene Schritte"), "{md}");
    }

    #[test]
    fn a_changed_shared_file_rebuilds_every_site_that_extends_it() {
        let sites = Sites::built();
        edit(
            &sites.root.join("company.toml"),
            "phone = \"+49 221 100\"",
            "phone = \"+49 221 200\"",
        );
        sites.step("company.toml changed", &[], &["site-a", "site-b"]);
        for id in ["site-a", "site-b"] {
            let page = read(&sites.kit(id).join("index.html"));
            assert!(
                page.contains("+49 221 200"),
                "{id}'s page shows the new phone:\n{page}"
            );
        }
    }

    #[test]
    fn a_changed_theme_file_rebuilds_only_the_site_using_that_theme() {
        let sites = Sites::built();
        edit(
            &sites.root.join("c/mytheme/static/custom.css"),
            "#123456",
            "#654321",
        );
        sites.step("site C's theme static/custom.css changed", &[], &["site-c"]);
        let page = read(&sites.kit("site-c").join("index.html"));
        assert!(
            page.contains("#654321"),
            "custom.css is appended to the page's stylesheet:\n{page}"
        );
    }

    #[test]
    fn a_new_project_i18n_file_rebuilds_only_its_site() {
        let sites = Sites::built();
        put(
            &sites.root.join("a/i18n/en.toml"),
            "page_title = \"Site A: get your Mobile ID\"\n",
        );
        sites.step("site A's own i18n/en.toml added", &[], &["site-a"]);
        let page = read(&sites.kit("site-a").join("en/index.html"));
        assert!(
            page.contains("Site A: get your Mobile ID"),
            "the reworded string is on the page:\n{page}"
        );
    }

    #[test]
    fn a_kit_with_a_file_deleted_by_hand_is_rebuilt() {
        let sites = Sites::built();
        let gone = sites.kit("site-a").join("qr/activation.png");
        std::fs::remove_file(&gone).expect("delete a file of the kit");
        sites.step("site A's qr/activation.png deleted", &[], &["site-a"]);
        assert!(gone.is_file(), "the deleted file is back");
        assert_kit_whole(&sites.kit("site-a"), "site A after the rebuild");
    }

    #[test]
    fn of_the_ledger_only_its_presence_counts() {
        let sites = Sites::built();
        let ledger = "2026-01-01,created,,self-service,\n";
        put(
            &sites.root.join("c/ledger.csv"),
            &format!("date,event,id,subject,note\n{ledger}"),
        );
        edit(
            &sites.root.join("c/project.toml"),
            "[ids]\n",
            "[ids]\nledger = \"ledger.csv\"\n",
        );
        sites.step("site C names a ledger", &[], &["site-c"]);
        let appended = format!("date,event,id,subject,note\n{ledger}2026-01-02,assigned,1-5,,\n");
        put(&sites.root.join("c/ledger.csv"), &appended);
        sites.step("a row appended to the ledger", &[], &[]);
        std::fs::remove_file(sites.root.join("c/ledger.csv")).unwrap();
        // As `check` does, `build` refuses a project whose ledger is gone.
        let r = sites.build(&[]);
        assert_eq!(r.code, 1, "a missing ledger\n{}", r.all());
        assert!(r.stderr.contains("E004"), "{}", r.all());
        let check = run_in(sites.tmp.path(), &["check", s(&sites.root.join("c"))]);
        assert_eq!(check.code, 1, "{}", check.all());
    }

    #[test]
    fn force_rebuilds_every_kit() {
        let sites = Sites::built();
        sites.step("--force", &["--force"], &IDS);
        for id in IDS {
            assert_kit_whole(&sites.kit(id), "after --force");
        }
    }

    #[test]
    fn a_different_only_or_lang_selection_rebuilds() {
        let sites = Sites::built();
        sites.step("--only html after a full build", &["--only", "html"], &IDS);
        assert_eq!(
            files(&sites.kit("site-a")),
            [
                "de/index.html",
                "en/index.html",
                "index.html",
                "manifest.json"
            ],
            "the kit holds only the pages now"
        );
        sites.step("--only html again", &["--only", "html"], &[]);
        sites.step("the full selection again", &[], &IDS);
        assert!(
            sites.kit("site-a").join("message.en.txt").is_file(),
            "the full kit is back: {:?}",
            files(&sites.kit("site-a"))
        );
        sites.step("--lang en after a full build", &["--lang", "en"], &IDS);
        let listed = files(&sites.kit("site-a"));
        assert!(
            !listed
                .iter()
                .any(|f| f.contains(".de.") || f.starts_with("de/")),
            "only English now: {listed:?}"
        );
    }
}
