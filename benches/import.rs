//! `ledger import` of a 1 GB host-system export, in release: `cargo bench --bench import`.
//! The export is wide, as real ones are (200,000 people, 5 KB of columns each); 150,000 of
//! them are in the ledger already, 50,000 are new. Prints the time and peak memory of the
//! `import` process; then the time for an export of 2,000,000 rows that are all bad.

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const PEOPLE: u64 = 200_000;
const IN_LEDGER: u64 = 150_000;
const BAD_ROWS: u64 = 2_000_000;

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
    let mut text = format!(
        "date,event,id,subject,note\n2026-01-01,created,,self-service,\n2026-01-02,assigned,1-{PEOPLE},,\n"
    );
    for id in 1..=IN_LEDGER {
        text.push_str(&format!("2026-01-03,registered,{id},P{id:07},\n"));
    }
    std::fs::write(&ledger, &text).unwrap();

    let export = dir.path().join("export.csv");
    write_export(&export);
    let size = std::fs::metadata(&export).unwrap().len();
    let bin = env!("CARGO_BIN_EXE_mobileid-kit");
    let started = Instant::now();
    let out = Command::new(bin)
        .args([
            "ledger",
            "import",
            "-q",
            "--id-column",
            "Mobile ID",
            "--subject-column",
            "Personalnummer",
            "--date-column",
            "Datum",
            "-p",
        ])
        .arg(&project)
        .arg(&export)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = peak_child_rss_kb();
    let appended = std::fs::read_to_string(&ledger).unwrap().lines().count() - text.lines().count();
    assert_eq!(appended as u64, PEOPLE - IN_LEDGER);
    println!(
        "export: {PEOPLE} rows, {:.0} MB; {IN_LEDGER} in the ledger already",
        size as f64 / 1e6
    );
    println!(
        "import: {:.1} s, peak memory {:.1} MB, {appended} rows appended",
        took.as_secs_f64(),
        peak as f64 / 1024.0
    );

    let bad = dir.path().join("bad.csv");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&bad).unwrap());
    writeln!(w, "id,subject").unwrap();
    for i in 0..BAD_ROWS {
        writeln!(w, "no-id-{i},user{i}").unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let started = Instant::now();
    let out = Command::new(bin)
        .args(["ledger", "import", "-p"])
        .arg(&project)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    println!(
        "import of {BAD_ROWS} bad rows: {:.1} s, {} KB of diagnostics",
        started.elapsed().as_secs_f64(),
        out.stderr.len() / 1024
    );
}

/// 200,000 rows of about 5 KB: the columns a host system exports, semicolon separated, as a
/// German spreadsheet saves them.
fn write_export(path: &Path) {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    let extra: Vec<String> = (0..20).map(|c| format!("Feld{c}")).collect();
    writeln!(
        w,
        "Personalnummer;Name;Abteilung;Mobile ID;Datum;{}",
        extra.join(";")
    )
    .unwrap();
    let filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure.";
    for id in 1..=PEOPLE {
        write!(w, "P{id:07};Person {id};Werk {};{id};02.02.2026", id % 40).unwrap();
        for _ in 0..20 {
            write!(w, ";{filler}").unwrap();
        }
        writeln!(w).unwrap();
    }
    w.flush().unwrap();
}

/// The largest resident set of any child waited for so far.
fn peak_child_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we hand it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss
}
