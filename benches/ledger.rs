//! `check` on a ledger of 1,000,000 registrations (plus their assigned rows), in release:
//! `cargo bench --bench ledger`. Prints the time and peak memory of the `check` process,
//! beside the time `wc -l` takes on the same file.

use std::io::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

const REGISTRATIONS: u64 = 1_000_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("big");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("project.toml"),
        "[project]\nid = \"big\"\nname = \"Big\"\nself_service = true\nlanguages = [\"en\"]\n\
         [activation]\npayload = \"x\"\n[apps]\napp_store = \"https://apps.apple.com/a\"\n\
         google_play = \"https://play.google.com/a\"\n[registration]\ninstructions = \"i.md\"\n\
         [ids]\nfirst = 1\nledger = \"ledger.csv\"\n",
    )
    .unwrap();
    std::fs::write(project.join("i.md"), "x\n").unwrap();
    let ledger = project.join("ledger.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&ledger).unwrap());
    writeln!(
        out,
        "date,event,id,subject,note\n2026-01-01,created,,self-service,"
    )
    .unwrap();
    // Manager's IDs in batches of 1,000, four batches a day, each registered the same day.
    for batch in 0..REGISTRATIONS / 1000 {
        let start = mobileid_kit::date::days_from_civil(2026, 1, 1);
        let day = mobileid_kit::date::format_day(start + (batch / 4) as i64);
        let first = batch * 1000 + 1;
        writeln!(out, "{day},assigned,{first}-{},,", first + 999).unwrap();
        for id in first..first + 1000 {
            writeln!(out, "{day},registered,{id},user{id},").unwrap();
        }
    }
    out.flush().unwrap();
    drop(out);
    let size = std::fs::metadata(&ledger).unwrap().len();

    let bin = env!("CARGO_BIN_EXE_mobileid-kit");
    let check = time(5, || {
        Command::new(bin)
            .args(["check", "-q"])
            .arg(&project)
            .status()
            .unwrap()
            .success()
    });
    let peak_kb = peak_child_rss_kb();
    let wc = time(5, || {
        Command::new("wc")
            .arg("-l")
            .arg(&ledger)
            .output()
            .unwrap()
            .status
            .success()
    });
    println!(
        "ledger: {} rows, {:.1} MB",
        REGISTRATIONS + REGISTRATIONS / 1000 + 1,
        size as f64 / 1e6
    );
    println!(
        "check:  {:>8.1} ms (median of 5), peak memory {:.1} MB",
        ms(check),
        peak_kb as f64 / 1024.0
    );
    println!("wc -l:  {:>8.1} ms (median of 5)", ms(wc));
    println!(
        "ratio:  {:>8.1}x wc -l",
        check.as_secs_f64() / wc.as_secs_f64()
    );
}

fn time(runs: usize, mut f: impl FnMut() -> bool) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            assert!(f(), "the command failed");
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The largest resident set of any child waited for so far (the `check` runs are the only
/// large children at this point).
fn peak_child_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we hand it.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}
