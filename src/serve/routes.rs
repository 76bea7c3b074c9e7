//! What each request gets. A path is looked up among the files of the kit in memory —
//! never joined to a folder on disk — so anything that is not a file of the kit is a 404.

use super::state::{Shared, Snapshot};
use super::{inject, preview};
use std::time::Duration;

/// An answer, before it becomes HTTP.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// For a redirect.
    pub location: Option<String>,
    /// A Content-Security-Policy header, for what the preview shows that is not a page of
    /// the kit (the email's HTML part).
    pub policy: Option<&'static str>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            location: None,
            policy: None,
        }
    }

    fn status(status: u16, text: &str) -> Self {
        Reply {
            status,
            ..Reply::ok("text/plain; charset=utf-8", format!("{status} {text}\n"))
        }
    }
}

/// How long a page's long poll waits for a change before it asks again.
const POLL: Duration = Duration::from_secs(25);

/// Whether a request's `Host` names this preview: on loopback only its own addresses, so a
/// web page the admin visits cannot reach the preview through a DNS name pointed at
/// 127.0.0.1 (DNS rebinding).
pub fn host_allowed(host: Option<&str>, addr: std::net::SocketAddr) -> bool {
    if !addr.ip().is_loopback() {
        return true;
    }
    let port = addr.port();
    host.is_some_and(|h| {
        [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
        .iter()
        .any(|ok| h.eq_ignore_ascii_case(ok))
    })
}

/// Answers `GET` (and `HEAD`) of `url` (path and query as the request line has them).
pub fn route(shared: &Shared, method: &tiny_http::Method, url: &str) -> Reply {
    if !matches!(method, tiny_http::Method::Get | tiny_http::Method::Head) {
        return Reply::status(405, "only GET and HEAD");
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let Some(path) = percent_decoded(path) else {
        return Reply::status(404, "not a file of the kit");
    };
    match path.as_str() {
        "/_preview/changes" => {
            let seen = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("since="))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let now = shared.wait_past(seen, POLL);
            Reply::ok("text/plain; charset=utf-8", now.to_string())
        }
        "/_preview" => redirect("/_preview/"),
        "/_preview/" => {
            let snapshot = shared.snapshot();
            html(&snapshot, &preview::page(&snapshot))
        }
        _ => {
            let snapshot = shared.snapshot();
            match path.strip_prefix("/_preview/email/") {
                Some(name) => email(&snapshot, name),
                None => kit_file(&snapshot, &path),
            }
        }
    }
}

fn redirect(to: &str) -> Reply {
    Reply {
        location: Some(to.to_string()),
        ..Reply::status(301, "moved")
    }
}

/// A page with the reload script and, while the project has errors, the overlay.
fn html(snapshot: &Snapshot, page: &str) -> Reply {
    Reply::ok(
        "text/html; charset=utf-8",
        inject::page(page, snapshot.generation, snapshot.problems.as_deref()),
    )
}

/// `/_preview/email/<lang>.html`: the email's HTML part with its inline images.
fn email(snapshot: &Snapshot, name: &str) -> Reply {
    let eml = name
        .strip_suffix(".html")
        .and_then(|lang| snapshot.files.get(&format!("email.{lang}.eml")));
    // Shown as a mail program shows it: its own images, nothing run, nothing loaded.
    match eml.and_then(|bytes| preview::email_html(bytes)) {
        Some(page) => Reply {
            policy: Some("default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"),
            ..Reply::ok("text/html; charset=utf-8", page)
        },
        None => Reply::status(404, "no such email in the kit"),
    }
}

/// A file of the kit; a folder's `index.html`; before the first good build, a page that
/// shows only the problems.
fn kit_file(snapshot: &Snapshot, path: &str) -> Reply {
    let key = path.strip_prefix('/').unwrap_or(path);
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    let Some(bytes) = snapshot.files.get(&key) else {
        if snapshot.files.contains_key(&format!("{key}/index.html")) {
            return redirect(&format!("/{key}/"));
        }
        if snapshot.files.is_empty() && key.ends_with(".html") {
            return html(snapshot, preview::NOTHING_BUILT);
        }
        return Reply::status(404, "not a file of the kit");
    };
    let content_type = content_type(&key);
    if content_type.starts_with("text/html") {
        return html(snapshot, &String::from_utf8_lossy(bytes));
    }
    Reply::ok(content_type, bytes.clone())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "eml" => "message/rfc822",
        "css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The path with `%XX` escapes decoded; `None` when that is not UTF-8 or has a NUL.
fn percent_decoded(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|p| !p.contains('\0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::state::Built;
    use std::collections::BTreeMap;

    fn shared() -> Shared {
        let shared = Shared::new(1);
        let files = [
            ("index.html", "<html><body>en</body></html>"),
            ("de/index.html", "<html><body>de</body></html>"),
            ("flyer-a4.en.pdf", "%PDF"),
        ];
        shared.publish(Built::Kit {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect::<BTreeMap<_, _>>(),
            languages: vec!["en".into(), "de".into()],
        });
        shared
    }

    fn get(shared: &Shared, url: &str) -> Reply {
        route(shared, &tiny_http::Method::Get, url)
    }

    #[test]
    fn kit_files_answer_and_nothing_else_does() {
        let s = shared();
        assert_eq!(get(&s, "/flyer-a4.en.pdf").body, b"%PDF");
        assert_eq!(get(&s, "/flyer-a4.en.pdf").content_type, "application/pdf");
        assert!(
            String::from_utf8(get(&s, "/de/").body)
                .unwrap()
                .contains(">de<script")
        );
        assert_eq!(get(&s, "/de").location.as_deref(), Some("/de/"));
        for bad in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/project.toml",
            "/de/../project.toml",
            "/%00",
            "/%zz",
            "/%ff",
            "//etc/passwd",
        ] {
            assert_eq!(get(&s, bad).status, 404, "{bad}");
        }
        let post = route(&s, &tiny_http::Method::Post, "/");
        assert_eq!(post.status, 405);
    }

    #[test]
    fn only_the_previews_own_host_names_answer_on_loopback() {
        let addr: std::net::SocketAddr = "127.0.0.1:4790".parse().unwrap();
        assert!(host_allowed(Some("127.0.0.1:4790"), addr));
        assert!(host_allowed(Some("LOCALHOST:4790"), addr));
        assert!(!host_allowed(Some("evil.example:4790"), addr));
        assert!(!host_allowed(Some("127.0.0.1:80"), addr));
        assert!(!host_allowed(None, addr));
        assert!(host_allowed(
            Some("kit.intranet"),
            "0.0.0.0:4790".parse().unwrap()
        ));
    }

    #[test]
    fn a_long_poll_answers_at_once_when_the_page_is_behind() {
        let s = shared();
        assert_eq!(get(&s, "/_preview/changes?since=1").body, b"2");
    }
}
