//! Advisory locks that keep two runs from writing the same thing at once: a `ledger …`
//! command locks its ledger, a `build` its output folder. A lock held by another process is
//! waited for, saying so, up to a bound; then the command gives up naming the lock.

use crate::error::{Error, Result};
use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

/// Held until dropped (or the process ends, however it ends).
#[derive(Debug)]
pub struct Held {
    _file: File,
}

/// How long a command waits for a lock unless `--wait` says otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// Takes the lock at `path` — a folder itself, or a lock file (created if missing) —
/// waiting up to `wait` for another process to let it go. `what` says what it guards, for
/// the message while waiting.
pub fn acquire(
    path: &Path,
    what: &str,
    wait: Duration,
    interrupted: &dyn Fn() -> bool,
) -> Result<Held> {
    let file = if path.is_dir() {
        File::open(path)
    } else {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
    }
    .map_err(Error::io("open the lock file", path))?;
    let started = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Held { _file: file }),
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", path)(e)),
            Err(TryLockError::WouldBlock) => {}
        }
        if interrupted() {
            return Err(Error::Interrupted);
        }
        if started.elapsed() >= wait {
            return Err(Error::Locked {
                path: path.to_path_buf(),
                waited: wait.as_secs(),
            });
        }
        if !said {
            eprintln!(
                "waiting for {what}: another mobileid-kit command holds {} (up to {} s)",
                crate::diag::display_path(path),
                wait.as_secs()
            );
            said = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
