//! `serve`: the kit built in memory, served on loopback, rebuilt on every saved change.
//!
//! One thread watches the files and rebuilds ([`rebuild`]), publishing each result to a
//! [`state::Shared`] snapshot; the main thread takes requests and answers each on its own
//! thread ([`routes`]), so a page's long poll for the next change blocks nothing else.

pub mod inject;
pub mod preview;
pub mod rebuild;
pub mod routes;
pub mod state;
pub mod watch;

use crate::error::{Error, Result};
use state::{Built, Shared};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What `serve` was asked: the project's `project.toml`, where to listen, how loud to be.
pub struct Plan {
    pub source: PathBuf,
    pub addr: SocketAddr,
    pub quiet: bool,
}

/// Serves until Ctrl-C (or SIGTERM); returns the address it served on.
pub fn run(plan: &Plan) -> Result<SocketAddr> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::Internal(format!("could not handle signal {signal}: {e}")))?;
    }
    let server = tiny_http::Server::http(plan.addr).map_err(|e| Error::Listen {
        addr: plan.addr,
        why: e.to_string(),
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Internal("the server has no IP address".into()))?;
    let started = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs());
    let shared = Arc::new(Shared::new(started));
    let mut watcher = watch::Watcher::new()?;
    let roots = build_once(&shared, &plan.source, plan.quiet);
    watcher.watch(&roots)?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {addr}, beyond this machine: anyone who can reach it sees the kit"
        );
    }
    println!(
        "serving the kit at http://{addr}/ and every output at http://{addr}/_preview/ (Ctrl-C stops)"
    );
    flush();
    {
        let shared = Arc::clone(&shared);
        let (source, quiet) = (plan.source.clone(), plan.quiet);
        std::thread::spawn(move || watch_and_rebuild(watcher, &shared, &source, quiet));
    }
    let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    while !stop.load(Ordering::Relaxed) {
        match server.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(request)) => {
                let host = request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("Host"))
                    .map(|h| h.value.as_str().to_string());
                if !routes::host_allowed(host.as_deref(), addr) {
                    let _ = request.respond(
                        tiny_http::Response::from_string("403 not this preview's address\n")
                            .with_status_code(403),
                    );
                    continue;
                }
                // Each open page holds a thread in its long poll; past this many, say busy.
                if busy.load(Ordering::Relaxed) >= MAX_REQUESTS {
                    let _ = request.respond(
                        tiny_http::Response::from_string("503 busy\n").with_status_code(503),
                    );
                    continue;
                }
                let (shared, busy) = (Arc::clone(&shared), Arc::clone(&busy));
                busy.fetch_add(1, Ordering::Relaxed);
                std::thread::spawn(move || {
                    answer(&shared, request);
                    busy.fetch_sub(1, Ordering::Relaxed);
                });
            }
            Ok(None) => {}
            Err(e) => return Err(Error::Internal(format!("the server stopped: {e}"))),
        }
    }
    Ok(addr)
}

/// Requests answered at once, long polls included.
const MAX_REQUESTS: usize = 64;

/// Rebuilds on every change until watching ends.
fn watch_and_rebuild(mut watcher: watch::Watcher, shared: &Shared, source: &Path, quiet: bool) {
    while watcher.next_change().is_some() {
        let roots = build_once(shared, source, quiet);
        if let Err(e) = watcher.watch(&roots) {
            eprintln!("warning: {e}");
        }
    }
}

/// One rebuild, published; says on the terminal what changed. Returns the folders to watch.
fn build_once(shared: &Shared, source: &Path, quiet: bool) -> Vec<PathBuf> {
    let started = Instant::now();
    let (built, roots) = rebuild::rebuild(source, &|pages| {
        shared.publish(pages);
    });
    let problems = match &built {
        Built::Problems(text) => Some(text.clone()),
        Built::Kit { .. } | Built::Pages { .. } => None,
    };
    let changed = shared.publish(built);
    let ms = started.elapsed().as_millis();
    match problems {
        Some(text) if changed => eprintln!("{text}the pages show these over the last good kit"),
        None if changed && !quiet => println!("built in {ms} ms; open pages reload"),
        _ => {}
    }
    flush();
    roots
}

fn answer(shared: &Shared, request: tiny_http::Request) {
    let reply = routes::route(shared, request.method(), request.url());
    // The whole body is known: say its length rather than send it in chunks.
    let mut response = tiny_http::Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_chunked_threshold(usize::MAX);
    let mut headers = vec![
        ("Content-Type", reply.content_type.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    headers.extend(reply.location.map(|to| ("Location", to)));
    headers.extend(
        reply
            .policy
            .map(|p| ("Content-Security-Policy", p.to_string())),
    );
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}

fn flush() {
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
}
