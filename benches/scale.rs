//! `build` of a company with 1,000 sites, in release: `cargo bench --bench scale`
//! (`SITES=20 cargo bench --bench scale` to try it small). Each site extends one shared
//! `company.toml`, has two languages, every default output and its own activation image.
//! Prints the time and peak memory (max RSS) of the `build` process for a full build, an
//! unchanged rebuild, a rebuild after one site's activation image changed, and a rebuild
//! after a shared instructions file changed, beside the targets, and how many kits each
//! rebuild rewrote (by the `manifest.json` of every kit).

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_SITES: usize = 1000;

const COMPANY: &str = r#"[project]
languages = ["de", "en"]

[apps]
app_store = "https://apps.apple.com/de/app/baltech-mobile-id/id0000000000"
google_play = "https://play.google.com/store/apps/details?id=com.example.mobileid"

[registration]
url = "https://intranet.example.com/mobile-id/register"
instructions = "instructions.{lang}.md"

[contact]
name = "IT Service Desk"
email = "it@example.com"
phone = "+49 89 1234567"

[kit]
date = 2026-03-01
"#;

const INSTRUCTIONS_DE: &str = r#"## Bevor Sie beginnen

- Sie brauchen ein iPhone oder Android-Telefon mit der App **BALTECH Mobile ID** (Schritt 1).
- Am Standort {{ project.name }} hängt der Aktivierungscode am Empfang und in der Kantine. Scannen Sie ihn **mit der App**, nicht mit der Kamera-App.

## App einrichten

1. **Öffnen Sie die App** und tippen Sie sich durch die Begrüßung.
2. **Erlauben Sie den Kamerazugriff**, wenn die App fragt: Sie braucht ihn einmal, um den Aktivierungscode zu scannen. Wenn Sie „Nicht erlauben“ gewählt haben, öffnen Sie *Einstellungen › Mobile ID › Kamera* und schalten Sie sie ein.
3. **Erlauben Sie Bluetooth** (iPhone) bzw. **„Geräte in der Nähe“** (Android), wenn gefragt: Die App spricht über Bluetooth mit den Türlesern. Ohne diese Berechtigung reagieren die Türen nicht.
4. **Erlauben Sie Mitteilungen**, damit die App Sie benachrichtigen kann, wenn sie Sie braucht.
5. **Scannen Sie den Aktivierungscode** (Schritt 2). Danach zeigt die App den Bildschirm **„Aktiv“**.

## ID registrieren

Auf dem Bildschirm „Aktiv“ zeigt die App **Ihre ID**. Notieren Sie sie oder lassen Sie den Bildschirm offen.

Öffnen Sie die Registrierungsseite im Intranet — [{{ registration.url }}]({{ registration.url }}) — und tragen Sie diese ID zusammen mit Ihrer Personalnummer ein. **Bis dahin öffnet Ihr Telefon keine Tür**, und die App erinnert Sie nicht an diesen Schritt.

## Gut zu wissen

- Halten Sie das Telefon nah an den Leser, wie eine Karte. Die App muss dafür nicht geöffnet sein.
- **Etwas stimmt nicht? Setzen Sie die App in ihren Einstellungen zurück, statt sie zu löschen.** Beim Löschen geht Ihre ID verloren; eine neue Aktivierung ergibt eine neue ID, die erneut registriert werden muss.
- Neues Telefon oder Wechsel an einen anderen Standort? Sprechen Sie vorher mit dem IT Service Desk, damit die alte ID gesperrt werden kann.
"#;

const INSTRUCTIONS_EN: &str = r#"## Before you start

- You need an iPhone or an Android phone with the **BALTECH Mobile ID** app (step 1).
- At {{ project.name }} the activation code hangs at the reception desk and in the canteen. Scan it **with the app**, not with the camera app.

## Set up the app

1. **Open the app** and tap through the welcome screens.
2. **Allow the camera** when the app asks: it needs it once, to scan the activation code. If you tapped "Don't allow", open your phone's *Settings › Mobile ID › Camera* and switch it on.
3. **Allow Bluetooth** (iPhone) or **"Nearby devices"** (Android) when asked: the app talks to the door readers over Bluetooth. Without this permission the doors will not react.
4. **Allow notifications**, so the app can tell you when it needs your attention.
5. **Scan the activation code** (step 2). The app then shows the **"Active"** screen.

## Register your ID

On the "Active" screen the app shows **your ID**. Write it down or keep the screen open.

Open the registration page on the intranet — [{{ registration.url }}]({{ registration.url }}) — and enter this ID with your personnel number. **Until you do, your phone opens no door**, and the app does not remind you of this step.

## Good to know

- Hold your phone close to the reader, as you would a card. The app does not need to be open.
- **Something wrong? Reset the app in its settings rather than deleting it.** Deleting the app loses your ID; a new activation gives you a new ID that must be registered again.
- New phone, or moving to another site? Ask the IT Service Desk first, so the old ID can be revoked.
"#;

const CITIES: [&str; 16] = [
    "München",
    "Hamburg",
    "Leipzig",
    "Dresden",
    "Stuttgart",
    "Bremen",
    "Nürnberg",
    "Köln",
    "Düsseldorf",
    "Hannover",
    "Linz",
    "Graz",
    "Basel",
    "Zürich",
    "Brno",
    "Wrocław",
];
const KINDS: [&str; 5] = [
    "Plant",
    "Warehouse",
    "Office",
    "Logistics Center",
    "Service Hub",
];

/// One measured `build` run.
struct Run {
    took: Duration,
    peak_kb: i64,
}

/// Each kit's `manifest.json` as (mtime seconds, mtime nanoseconds, inode), by kit id: a
/// rewritten kit changes them.
type Stamps = BTreeMap<String, (i64, i64, u64)>;

fn main() {
    let sites: usize = std::env::var("SITES")
        .ok()
        .map(|s| s.parse().expect("SITES is a number"))
        .unwrap_or(DEFAULT_SITES);
    assert!(sites > 0, "SITES must be at least 1");
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("company");
    let out = dir.path().join("out");
    write_company(&root, sites);
    let bin = env!("CARGO_BIN_EXE_mobileid-kit");
    let log = dir.path().join("build-stderr.txt");
    let build = || run_build(bin, &root, &out, &log);
    let changed_site = site_id(sites.div_ceil(2));
    let mut problems = Vec::new();

    let full = build();
    let files = count_files(&out.join(site_id(1)));
    let first = stamps(&out, sites);
    println!("{sites} sites, 2 languages, every default output (files per kit: {files})");
    print_row("full build", &full, "(target: under 10 s, under 200 MB)");

    let unchanged = build();
    let after_unchanged = stamps(&out, sites);
    let rewritten = rewritten_kits(&first, &after_unchanged);
    let note = format!("(target: under 1 s)  kits rewritten: {}", rewritten.len());
    print_row("unchanged rebuild", &unchanged, &note);
    check_rewritten(&mut problems, "unchanged rebuild", &rewritten, &[]);

    write_activation(&root.join("sites").join(&changed_site), &changed_site, 1);
    let one = build();
    let after_one = stamps(&out, sites);
    let rewritten = rewritten_kits(&after_unchanged, &after_one);
    print_row(
        "one site changed",
        &one,
        &format!("kits rewritten: {}", rewritten.len()),
    );
    check_rewritten(
        &mut problems,
        "one site changed",
        &rewritten,
        &[changed_site],
    );

    let mut text = INSTRUCTIONS_EN.to_owned();
    text.push_str("- Questions? Write to it@example.com or call +49 89 1234567.\n");
    std::fs::write(root.join("instructions.en.md"), text).expect("write instructions");
    let shared = build();
    let rewritten = rewritten_kits(&after_one, &stamps(&out, sites));
    let note = format!("kits rewritten: {}", rewritten.len());
    print_row("shared file changed", &shared, &note);
    let all: Vec<String> = (1..=sites).map(site_id).collect();
    check_rewritten(&mut problems, "shared file changed", &rewritten, &all);

    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn site_id(index: usize) -> String {
    format!("site-{index:04}")
}

/// The shared settings and instructions, and every site with its own activation image.
fn write_company(root: &Path, sites: usize) {
    std::fs::create_dir_all(root).expect("create company folder");
    std::fs::write(root.join("company.toml"), COMPANY).expect("write company.toml");
    std::fs::write(root.join("instructions.de.md"), INSTRUCTIONS_DE).expect("write de");
    std::fs::write(root.join("instructions.en.md"), INSTRUCTIONS_EN).expect("write en");
    for index in 1..=sites {
        let id = site_id(index);
        let folder = root.join("sites").join(&id);
        std::fs::create_dir_all(&folder).expect("create site folder");
        let name = format!(
            "{} {} {index:04}",
            CITIES[index % CITIES.len()],
            KINDS[(index / CITIES.len()) % KINDS.len()]
        );
        let first = 1000 + (index as u64 * 7919) % 900_000;
        let toml = format!(
            "extends = \"../../company.toml\"\n\n[project]\nid = \"{id}\"\nname = \"{name}\"\n\
             self_service = true\n\n[activation]\nqr = \"activation-qr.png\"\n\n\
             [ids]\nfirst = {first}\n"
        );
        std::fs::write(folder.join("project.toml"), toml).expect("write project.toml");
        write_activation(&folder, &id, 0);
    }
}

/// `activation-qr.png` for a site: a code whose payload is unique per site and generation.
fn write_activation(folder: &Path, id: &str, generation: u64) {
    let index: u64 = id.trim_start_matches("site-").parse().expect("site number");
    let mut state = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ generation.wrapping_add(1);
    let mut secret = String::new();
    for _ in 0..4 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        secret.push_str(&format!("{:08x}", state >> 32));
    }
    let payload = format!("MOBILEID-ACTIVATION:v1:company:{id}:{secret}");
    let matrix = mobileid_kit::qr::Matrix::encode(&payload, mobileid_kit::qr::Ec::M)
        .expect("payload fits in a QR code");
    let png = matrix.to_png(mobileid_kit::qr::PNG_SCALE);
    std::fs::write(folder.join("activation-qr.png"), png).expect("write activation image");
}

/// Runs `build -q -o OUT ROOT`, waits for that process alone with `wait4` and returns its
/// wall time and peak resident set. Panics with its stderr unless it exits 0.
fn run_build(bin: &str, root: &Path, out: &Path, log: &Path) -> Run {
    let stderr = std::fs::File::create(log).expect("create stderr log");
    let started = Instant::now();
    let child = Command::new(bin)
        .args(["build", "-q", "-o"])
        .arg(out)
        .arg(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start mobileid-kit");
    let pid = libc::pid_t::try_from(child.id()).expect("pid fits pid_t");
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain integers, for which all zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std never waits on it: `child` is
    // dropped below without `wait`); `status` and `usage` are valid for writes.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    assert_eq!(reaped, pid, "wait4: {}", std::io::Error::last_os_error());
    // Dropping a Child neither waits nor kills; it holds no pipes here.
    drop(child);
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(
        ok,
        "build failed (wait status {status}):\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
    Run {
        took,
        peak_kb: usage.ru_maxrss,
    }
}

fn print_row(label: &str, run: &Run, note: &str) {
    println!(
        "{label:<20} {:>6.2} s   peak {:>4.0} MB   {note}",
        run.took.as_secs_f64(),
        run.peak_kb as f64 / 1024.0
    );
}

/// The stamp of every kit's `manifest.json`.
fn stamps(out: &Path, sites: usize) -> Stamps {
    (1..=sites)
        .map(site_id)
        .map(|id| {
            let path: PathBuf = out.join(&id).join("manifest.json");
            let meta =
                std::fs::metadata(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (id, (meta.mtime(), meta.mtime_nsec(), meta.ino()))
        })
        .collect()
}

/// The kits whose `manifest.json` differs between two stamps.
fn rewritten_kits(before: &Stamps, after: &Stamps) -> Vec<String> {
    after
        .iter()
        .filter(|(id, stamp)| before.get(*id) != Some(*stamp))
        .map(|(id, _)| id.clone())
        .collect()
}

/// Notes a problem when other kits than `expected` were rewritten.
fn check_rewritten(problems: &mut Vec<String>, run: &str, got: &[String], expected: &[String]) {
    if got != expected {
        let shown: Vec<&str> = got.iter().take(5).map(String::as_str).collect();
        problems.push(format!(
            "{run}: expected {} kit(s) rewritten, got {} ({}{})",
            expected.len(),
            got.len(),
            shown.join(", "),
            if got.len() > shown.len() { ", ..." } else { "" }
        ));
    }
}

/// Files under a folder, recursively.
fn count_files(folder: &Path) -> usize {
    std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| {
            let entry = entry.expect("read kit folder");
            if entry.file_type().expect("file type").is_dir() {
                count_files(&entry.path())
            } else {
                1
            }
        })
        .sum()
}
