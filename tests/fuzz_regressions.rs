//! Replays the inputs kept under `tests/fuzz-regressions/<target>/` — what the fuzzers found,
//! and inputs that once broke the program — through the fuzz targets' entry points. Each must
//! return, quickly.

use std::time::{Duration, Instant};

fn replay(target: &str, run: fn(&[u8])) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        run(&data);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
        count += 1;
    }
    assert!(count > 0, "no inputs under {}", dir.display());
}

#[test]
fn project_toml_inputs() {
    replay("project_toml", mobileid_kit::fuzz::project_toml);
}

#[test]
fn ledger_inputs() {
    replay("ledger", mobileid_kit::fuzz::ledger);
}

#[test]
fn instructions_inputs() {
    replay("instructions", mobileid_kit::fuzz::instructions);
}
