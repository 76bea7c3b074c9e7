//! What the preview serves: the last good kit and the problems of the newest build, with a
//! generation number that changes whenever either does, so open pages know to reload.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// One state of the preview, shared by every request thread.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub generation: u64,
    /// The files of the last kit that built, by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The project's languages, the default first (of the last good kit).
    pub languages: Vec<String>,
    /// The newest build's errors as `check` prints them; `None` when it built.
    pub problems: Option<String>,
}

/// What a rebuild found: a kit, its pages ahead of the rest, or the text of what stops it.
pub enum Built {
    Kit {
        files: BTreeMap<String, Vec<u8>>,
        languages: Vec<String>,
    },
    /// The new pages, over the last kit's other files until the whole kit follows.
    Pages {
        files: BTreeMap<String, Vec<u8>>,
    },
    Problems(String),
}

/// The current snapshot behind a lock, and a condition variable for the pages waiting
/// for the next one.
pub struct Shared {
    current: Mutex<Arc<Snapshot>>,
    changed: Condvar,
}

impl Shared {
    /// Starts at `generation` (the start-up time, so a restarted preview never repeats a
    /// number an open page saw).
    pub fn new(generation: u64) -> Self {
        Shared {
            current: Mutex::new(Arc::new(Snapshot {
                generation,
                ..Snapshot::default()
            })),
            changed: Condvar::new(),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.lock() {
            Ok(current) => Arc::clone(&current),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Takes a rebuild's result. A failed build keeps the last good kit and shows its
    /// problems over it. Returns whether anything a page shows changed (and the
    /// generation moved on).
    pub fn publish(&self, built: Built) -> bool {
        let mut current = match self.current.lock() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        let next = match built {
            Built::Kit { files, languages } => Snapshot {
                generation: current.generation,
                files,
                languages,
                problems: None,
            },
            Built::Pages { files } => {
                let mut all = current.files.clone();
                all.extend(files);
                Snapshot {
                    generation: current.generation,
                    files: all,
                    languages: current.languages.clone(),
                    problems: None,
                }
            }
            Built::Problems(text) => Snapshot {
                generation: current.generation,
                files: current.files.clone(),
                languages: current.languages.clone(),
                problems: Some(text),
            },
        };
        if next.files == current.files && next.problems == current.problems {
            return false;
        }
        *current = Arc::new(Snapshot {
            generation: current.generation + 1,
            ..next
        });
        self.changed.notify_all();
        true
    }

    /// Waits until the generation is no longer `seen`, or `timeout` passes; returns the
    /// generation then.
    pub fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let current = match self.current.lock() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        let waited = self
            .changed
            .wait_timeout_while(current, timeout, |c| c.generation == seen);
        match waited {
            Ok((current, _)) => current.generation,
            Err(poisoned) => poisoned.into_inner().0.generation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kit(text: &str) -> Built {
        Built::Kit {
            files: BTreeMap::from([("index.html".to_string(), text.as_bytes().to_vec())]),
            languages: vec!["en".into()],
        }
    }

    #[test]
    fn the_generation_moves_only_when_something_shown_changes() {
        let shared = Shared::new(10);
        assert!(shared.publish(kit("a")));
        assert!(!shared.publish(kit("a")), "the same kit again is no change");
        assert!(shared.publish(Built::Problems("error[E001]".into())));
        let s = shared.snapshot();
        assert_eq!(s.generation, 12);
        assert_eq!(s.files["index.html"], b"a", "the last good kit stays");
        assert!(!shared.publish(Built::Problems("error[E001]".into())));
        assert!(shared.publish(kit("a")), "fixing the error is a change");
        assert_eq!(shared.snapshot().problems, None);
    }

    #[test]
    fn a_waiting_page_wakes_on_a_change() {
        let shared = Arc::new(Shared::new(1));
        let waiter = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || shared.wait_past(1, Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(50));
        shared.publish(kit("b"));
        assert_eq!(waiter.join().unwrap(), 2);
        assert_eq!(shared.wait_past(2, Duration::from_millis(10)), 2);
    }
}
