//! One bad project per code E001–E008: exit 1, the code, the place, nothing written.

mod common;

use common::*;
use std::path::Path;

/// Builds the mutated fixture and checks it fails with `code` at `line` of `file`.
fn assert_fails(dir: &Path, project: &Path, code: &str, file: &str, line: usize) -> String {
    let build = run_in(dir, &["build", project.to_str().unwrap(), "-o", "out"]);
    let r = &build;
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(!dir.join("out").exists(), "nothing may be written");
    let needle = format!("{}:{line}:", project.join(file).display());
    assert!(
        r.stderr.contains(&format!("error[{code}]")),
        "{code} missing:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&needle),
        "{needle} missing:\n{}",
        r.stderr
    );
    // The same problem through `check --format json`.
    let r = run_in(
        dir,
        &["check", project.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(r.code, 1);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let found = json["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == code
            && d["line"] == line
            && d["severity"] == "error"
            && d["file"].as_str().unwrap().ends_with(file)
            && d["help"].is_string()
    });
    assert!(found, "{code} at line {line} not in {}", r.stdout);
    build.stderr
}

fn good() -> (tempfile::TempDir, std::path::PathBuf) {
    fixture("good")
}

#[test]
fn e001_unknown_keys_and_types_all_reported_with_suggestions() {
    let (tmp, p) = good();
    let toml = p.join("project.toml");
    edit(&toml, "name = \"Good Project\"", "nmae = \"Good Project\"");
    edit(&toml, "first = 1", "first = -5");
    edit(&toml, "[kit]", "[kti]");
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    let expected = format!(
        "error[E001]: unknown key `nmae` in `[project]`
 --> {0}:3:1
  |
3 | nmae = \"Good Project\"
  | ^^^^
  = help: did you mean `name`?

error[E001]: `first` in `[ids]` has the wrong type or range: invalid value: integer `-5`, expected u64
  --> {0}:23:9
   |
23 | first = -5
   |         ^^
   = help: see the project.toml reference in the README for each key's type

error[E001]: unknown table `[kti]`
  --> {0}:26:2
   |
26 | [kti]
   |  ^^^
   = help: did you mean `[kit]`?

3 error(s), 0 warning(s)
",
        toml.display()
    );
    assert_eq!(r.stderr, expected);
    assert_fails(tmp.path(), &p, "E001", "project.toml", 3);
}

#[test]
fn e001_syntax_error_and_values_out_of_range() {
    let (tmp, p) = good();
    let toml = p.join("project.toml");
    edit(&toml, "id = \"good\"", "id = \"Good Project!\"");
    edit(&toml, "[kit]", "[kit]\nqr_size_mm = 10\nqr_ec = \"X\"");
    let stderr = assert_fails(tmp.path(), &p, "E001", "project.toml", 2);
    assert!(stderr.contains("the project id `Good Project!` is not valid"));
    assert!(stderr.contains("a code of 10 mm is outside 20 to 60 mm"));
    assert!(stderr.contains("`X` is not a QR error correction level"));
    edit(&toml, "self_service = true", "self_service = tru e");
    let stderr = assert_fails(tmp.path(), &p, "E001", "project.toml", 4);
    assert!(stderr.contains("is not valid TOML"), "{stderr}");
}

#[test]
fn e001_binary_garbage_is_a_clear_error() {
    let (tmp, p) = good();
    std::fs::write(
        p.join("project.toml"),
        b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage",
    )
    .unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E001", "project.toml", 1);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
}

#[test]
fn e002_not_self_service() {
    let (tmp, p) = good();
    edit(
        &p.join("project.toml"),
        "self_service = true",
        "self_service = false",
    );
    let stderr = assert_fails(tmp.path(), &p, "E002", "project.toml", 4);
    assert!(stderr.contains("Manager cannot switch an existing project to self-service"));
}

#[test]
fn e003_users_or_auto_sync_in_self_service() {
    let (tmp, p) = good();
    let toml = p.join("project.toml");
    edit(
        &toml,
        "self_service = true",
        "self_service = true\nauto_sync = true",
    );
    std::fs::write(
        &toml,
        std::fs::read_to_string(&toml).unwrap() + "\n[[users]]\nname = \"jdoe\"\n",
    )
    .unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E003", "project.toml", 5);
    assert!(stderr.contains("`users` are configured"), "{stderr}");
}

#[test]
fn e004_missing_path_and_path_leaving_the_folder() {
    let (tmp, p) = good();
    let toml = p.join("project.toml");
    edit(
        &toml,
        "qr = \"activation-qr.png\"",
        "qr = \"../activation-qr.png\"",
    );
    let stderr = assert_fails(tmp.path(), &p, "E004", "project.toml", 8);
    assert!(stderr.contains("leaves the project folder"));
    edit(
        &toml,
        "qr = \"../activation-qr.png\"",
        "qr = \"activation.png\"",
    );
    let stderr = assert_fails(tmp.path(), &p, "E004", "project.toml", 8);
    assert!(stderr.contains("`activation.png` does not exist"));
}

#[cfg(unix)]
#[test]
fn e004_link_pointing_outside() {
    let (tmp, p) = good();
    std::fs::write(
        tmp.path().join("outside.png"),
        std::fs::read(p.join("activation-qr.png")).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(p.join("activation-qr.png")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside.png"), p.join("activation-qr.png"))
        .unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E004", "project.toml", 8);
    assert!(stderr.contains("leaves the project folder"));
}

#[test]
fn e005_store_link_not_https_on_the_store() {
    let (tmp, p) = good();
    edit(
        &p.join("project.toml"),
        "https://apps.apple.com/app/id1",
        "http://apps.apple.com.evil.example/app",
    );
    let stderr = assert_fails(tmp.path(), &p, "E005", "project.toml", 11);
    assert!(stderr.contains("is not https"));
}

#[test]
fn e005_store_image_that_leads_elsewhere() {
    let (tmp, p) = good();
    // The activation image holds no store link.
    edit(
        &p.join("project.toml"),
        "app_store = \"https://apps.apple.com/app/id1\"",
        "app_store_qr = \"activation-qr.png\"",
    );
    let stderr = assert_fails(tmp.path(), &p, "E005", "project.toml", 11);
    assert!(stderr.contains("does not lead to the store"));
}

#[test]
fn e006_image_without_a_code_and_payload_too_long() {
    let (tmp, p) = good();
    let blank = mobileid_kit::qr::encode_png_grey(64, 64, &[255; 64 * 64]);
    std::fs::write(p.join("activation-qr.png"), blank).unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E006", "project.toml", 8);
    assert!(stderr.contains("holds no QR code"));
    let payload = "x".repeat(3000);
    edit(
        &p.join("project.toml"),
        "qr = \"activation-qr.png\"",
        &format!("payload = \"{payload}\""),
    );
    let stderr = assert_fails(tmp.path(), &p, "E006", "project.toml", 8);
    assert!(stderr.contains("a payload of 3000 bytes does not fit in a QR code at level M"));
}

#[test]
fn e006_image_with_two_codes() {
    let (tmp, p) = good();
    let a = mobileid_kit::qr::Matrix::encode("one", mobileid_kit::qr::Ec::M).unwrap();
    let side = a.outer_width() * 4;
    let one = mobileid_kit::qr::read_png(&a.to_png(4)).unwrap();
    let mut pixels = vec![255u8; side * 2 * side];
    for y in 0..side {
        for x in 0..side {
            pixels[y * side * 2 + x] = one.pixels[y * side + x];
            pixels[y * side * 2 + side + x] = one.pixels[y * side + x];
        }
    }
    std::fs::write(
        p.join("activation-qr.png"),
        mobileid_kit::qr::encode_png_grey(side as u32 * 2, side as u32, &pixels),
    )
    .unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E006", "project.toml", 8);
    assert!(stderr.contains("holds 2 QR codes"), "{stderr}");
}

#[test]
fn e007_language_without_instructions_or_strings() {
    let (tmp, p) = good();
    edit(
        &p.join("project.toml"),
        "languages = [\"en\", \"de\"]",
        "languages = [\"en\", \"de\", \"hu\"]",
    );
    let stderr = assert_fails(tmp.path(), &p, "E007", "project.toml", 5);
    assert!(stderr.contains("the language `hu` lacks its instructions file `instructions.hu.md`"));
    assert!(
        stderr.contains("the language `hu` lacks theme strings: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("activation_caption"),
        "names the missing keys"
    );
    // A project i18n file that covers only some keys names the others.
    std::fs::create_dir_all(p.join("i18n")).unwrap();
    std::fs::write(
        p.join("i18n/hu.toml"),
        "page_title = \"Az Ön Mobile ID-ja\"\n",
    )
    .unwrap();
    std::fs::write(p.join("instructions.hu.md"), "Jó napot\n").unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E007", "project.toml", 5);
    assert!(
        !stderr.contains("page_title,") && stderr.contains("intro"),
        "{stderr}"
    );
}

#[test]
fn e008_instructions_that_fail_to_render() {
    let (tmp, p) = good();
    std::fs::write(
        p.join("instructions.de.md"),
        "## Hallo\n\nWillkommen bei {{ project.nme }}.\n",
    )
    .unwrap();
    let stderr = assert_fails(tmp.path(), &p, "E008", "instructions.de.md", 3);
    assert!(stderr.contains("cannot be rendered"), "{stderr}");
    std::fs::write(
        p.join("instructions.de.md"),
        "## Hallo\n\n{% if project.name %}\nkein Ende\n",
    )
    .unwrap();
    assert_fails(tmp.path(), &p, "E008", "instructions.de.md", 5);
}

#[test]
fn e008_theme_template_that_fails_to_parse() {
    let (tmp, p) = good();
    edit(
        &p.join("project.toml"),
        "languages = [\"en\", \"de\"]",
        "languages = [\"en\", \"de\"]\ntheme = \"my-theme\"",
    );
    std::fs::create_dir_all(p.join("my-theme/templates")).unwrap();
    std::fs::write(
        p.join("my-theme/templates/page.html"),
        "<html>\n{{ project.name \n</html>\n",
    )
    .unwrap();
    let r = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E008]") && r.stderr.contains("my-theme/templates/page.html:"),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_missing_project_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run_in(tmp.path(), &["build", "nowhere"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nowhere"));
    let r = run_in(tmp.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no project.toml found"), "{}", r.stderr);
}
