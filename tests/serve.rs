//! `serve`: the kit in memory over HTTP, exactly as `build` writes it but for the reload
//! script; only kit files answer; a saved change rebuilds and wakes waiting pages; problems
//! show over the last good kit; Ctrl-C is exit 0.

mod common;

use common::served::{Served, get, tree};
use common::*;
use std::time::{Duration, Instant};

/// The page as `build` wrote it: the served page without the reload script and the CSP
/// sources that admit it.
fn unserved(page: &str) -> String {
    let start = page
        .find("<script data-generation=")
        .expect("reload script");
    let end = start + page[start..].find("</script>").expect("script end") + "</script>".len();
    let page = format!("{}{}", &page[..start], &page[end..]);
    let from = page
        .find("; script-src 'sha256-")
        .expect("script hash in the CSP");
    let to = page.find("; connect-src 'self'").expect("connect-src") + "; connect-src 'self'".len();
    format!("{}{}", &page[..from], &page[to..])
}

fn generation(page: &str) -> u64 {
    let at = page.find("data-generation=\"").expect("generation") + "data-generation=\"".len();
    page[at..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn serves_every_file_build_writes_byte_for_byte_but_the_reload_script() {
    let (tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    let out = tmp.path().join("dist");
    let built = run_in(
        tmp.path(),
        &[
            "build",
            project.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(built.code, 0, "{}", built.all());
    let kit = tree(&out.join("acme-hq"));
    let served = Served::start(&project);
    for (path, bytes) in &kit {
        let reply = served.get(&format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        if path.ends_with(".html") {
            assert_eq!(
                unserved(&reply.text()),
                String::from_utf8_lossy(bytes),
                "{path}"
            );
        } else {
            assert!(reply.body == *bytes, "{path} differs from the built file");
        }
    }
    assert_eq!(served.get("/").body, served.get("/index.html").body);
    let de = served.get("/de/");
    assert!(de.text().contains("lang=\"de\""));
    assert!(
        served
            .get("/flyer-a4.de.pdf")
            .headers
            .contains("Content-Type: application/pdf")
    );
}

#[test]
fn only_files_of_the_kit_answer_and_nothing_is_written() {
    let (tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    let before = tree(tmp.path());
    let served = Served::start(&project);
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/project.toml",
        "/ledger.csv",
        "/activation-qr.png",
        "/de/../project.toml",
        "//etc/passwd",
        "/%00",
        "/_preview/email/xx.html",
    ] {
        assert_eq!(served.get(path).status, 404, "{path}");
    }
    assert_eq!(served.get("/_preview/").status, 200);
    // A web page the admin visits cannot reach the preview through a name pointed at
    // 127.0.0.1 (DNS rebinding): only the preview's own addresses answer.
    let mut stream = std::net::TcpStream::connect(&served.addr).unwrap();
    use std::io::{Read as _, Write as _};
    write!(
        stream,
        "GET /manifest.json HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    drop(served);
    assert!(
        tree(tmp.path()) == before,
        "serve changed the project's folder"
    );
}

#[test]
fn the_preview_page_shows_every_output() {
    let (_tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    let served = Served::start(&project);
    let page = served.get("/_preview/").text();
    let manifest: serde_json::Value =
        serde_json::from_slice(&served.get("/manifest.json").body).unwrap();
    for file in manifest["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let shown = path.ends_with(".pdf")
            || path.starts_with("card.")
            || path.starts_with("qr/") && path.ends_with(".svg");
        if shown {
            assert!(
                page.contains(&format!("src=\"/{path}\"")),
                "{path} is not on the preview"
            );
        }
    }
    for lang in ["de", "en"] {
        assert!(page.contains(&format!("src=\"/{lang}/index.html\"")));
        assert!(page.contains(&format!("src=\"/_preview/email/{lang}.html\"")));
        let mail = served.get(&format!("/_preview/email/{lang}.html")).text();
        assert!(!mail.contains("cid:"), "every inline image is shown");
        assert!(mail.contains("data:image/png;base64,"));
    }
    let message = String::from_utf8(served.get("/message.en.txt").body).unwrap();
    let first = message.lines().next().unwrap();
    assert!(
        page.contains(&mobileid_kit::html::escape(first)),
        "the chat message is shown"
    );
}

#[test]
fn a_saved_change_rebuilds_and_errors_show_over_the_last_good_kit() {
    let (_tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    let served = Served::start(&project);
    let page = served.get("/en/").text();
    let seen = generation(&page);
    let addr = served.addr.clone();
    let waiting =
        std::thread::spawn(move || get(&addr, &format!("/_preview/changes?since={seen}")).text());
    std::thread::sleep(Duration::from_millis(100));
    let instructions = project.join("instructions.en.md");
    let mut text = std::fs::read_to_string(&instructions).unwrap();
    text.push_str("\nBring your badge to the front desk.\n");
    std::fs::write(&instructions, &text).unwrap();
    let woke = waiting.join().unwrap();
    assert_eq!(
        woke.trim(),
        (seen + 1).to_string(),
        "the waiting page learns of the change"
    );
    assert!(
        served
            .get("/en/")
            .text()
            .contains("Bring your badge to the front desk.")
    );

    edit(
        &project.join("project.toml"),
        "id = \"acme-hq\"",
        "id = \"ACME HQ\"",
    );
    let broken = wait_for(&served, "/en/", |p| p.contains("mobileid-kit-problems"));
    assert!(broken.contains("error[E001]"), "{broken}");
    assert!(
        broken.contains("project.toml:4:6"),
        "the overlay names file, line and column"
    );
    assert!(
        broken.contains("Bring your badge"),
        "the last good kit stays under the overlay"
    );
    assert!(served.get("/_preview/").text().contains("error[E001]"));

    edit(
        &project.join("project.toml"),
        "id = \"ACME HQ\"",
        "id = \"acme-hq\"",
    );
    wait_for(&served, "/en/", |p| !p.contains("mobileid-kit-problems"));
}

/// Asks for `path` until `ok` holds of it (10 s at most).
fn wait_for(served: &Served, path: &str, ok: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let page = served.get(path).text();
        if ok(&page) {
            return page;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no rebuild: {page}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_ends_it_with_exit_0() {
    let (_tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    // A path to project.toml serves as well as its folder.
    let served = Served::start(&project.join("project.toml"));
    assert_eq!(served.get("/").status, 200);
    assert_eq!(served.interrupt(), 0);
}

#[test]
fn a_port_in_use_is_exit_2_with_a_clear_message() {
    let (tmp, project) = copy_dir(&repo().join("example-projects/acme-hq"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = run_in(
        tmp.path(),
        &["serve", project.to_str().unwrap(), "--port", &port],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains(&format!("cannot serve on 127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--port"));
}

#[test]
fn serve_takes_one_project() {
    let run = run_in(&repo(), &["serve", "example-projects", "--port", "0"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("takes one project, but 5 were found"),
        "{}",
        run.stderr
    );
}

/// A site that extends a shared file: saving the shared file rebuilds the preview, its
/// errors show with the shared file's name and line, and the fix clears them.
#[test]
fn a_saved_change_to_the_shared_file_rebuilds() {
    let (_tmp, examples) = copy_dir(&repo().join("example-projects"));
    let company = examples.join("rheinwerk/company.toml");
    let served = Served::start(&examples.join("rheinwerk/lyon"));
    assert!(
        served
            .get("/en/")
            .text()
            .contains("Rheinwerk IT Service Desk")
    );
    edit(
        &company,
        "name = \"Rheinwerk IT Service Desk\"",
        "name = \"Rheinwerk Help Desk\"",
    );
    wait_for(&served, "/en/", |p| p.contains("Rheinwerk Help Desk"));
    edit(&company, "qr_size_mm = 30", "qr_size_mm = 99");
    let broken = wait_for(&served, "/en/", |p| p.contains("mobileid-kit-problems"));
    assert!(broken.contains("error[E001]"), "{broken}");
    assert!(
        broken.contains("company.toml:"),
        "the overlay names the shared file: {broken}"
    );
    edit(&company, "qr_size_mm = 99", "qr_size_mm = 30");
    wait_for(&served, "/en/", |p| !p.contains("mobileid-kit-problems"));
}
