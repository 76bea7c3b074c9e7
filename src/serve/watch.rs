//! Watching the project's files: every saved change to a file under the project folder or
//! its theme folder, debounced, so an editor's save (often a write, a rename and a chmod)
//! is one rebuild.

use crate::error::{Error, Result};
use notify::Watcher as _;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long the files must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(30);
/// A stream of changes still rebuilds this often.
const AT_MOST: Duration = Duration::from_millis(300);

pub struct Watcher {
    inner: notify::RecommendedWatcher,
    watched: BTreeSet<PathBuf>,
    events: Receiver<notify::Event>,
}

impl Watcher {
    pub fn new() -> Result<Self> {
        let (tx, events) = channel();
        let inner = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && changes_content(&event)
            {
                let _ = tx.send(event);
            }
        })
        .map_err(|e| Error::Watch {
            path: PathBuf::from("."),
            why: e.to_string(),
        })?;
        Ok(Watcher {
            inner,
            watched: BTreeSet::new(),
            events,
        })
    }

    /// Watches each folder of `roots` (and everything below it) not watched yet; for a
    /// file among them, the files of its folder.
    pub fn watch(&mut self, roots: &[PathBuf]) -> Result<()> {
        for root in roots {
            let root = root.canonicalize().unwrap_or_else(|_| root.clone());
            // A file's folder alone: editors save by replacing the file, which ends a
            // watch on the file itself.
            let (root, mode) = match root.parent() {
                Some(folder) if !root.is_dir() => {
                    (folder.to_path_buf(), notify::RecursiveMode::NonRecursive)
                }
                _ => (root, notify::RecursiveMode::Recursive),
            };
            if self.watched.contains(&root) {
                continue;
            }
            self.inner.watch(&root, mode).map_err(|e| Error::Watch {
                path: root.clone(),
                why: e.to_string(),
            })?;
            self.watched.insert(root);
        }
        Ok(())
    }

    /// Waits for a change, then for the files to be quiet. `None` when watching ended.
    pub fn next_change(&self) -> Option<()> {
        self.events.recv().ok()?;
        let started = Instant::now();
        while started.elapsed() < AT_MOST {
            match self.events.recv_timeout(QUIET) {
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(())
    }
}

/// Whether an event can change what a build reads: not a mere read, nor inside `.git`.
fn changes_content(event: &notify::Event) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    let kind = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    kind && event
        .paths
        .iter()
        .any(|p| !p.components().any(|c| c.as_os_str() == ".git"))
}
