//! Hardening, round two: the twenty cases an outside red-team pass found, one test each (the
//! number is the case's in the issue). Every case ends in bounded time (each run is killed
//! after 10 s and the test fails), with the exit code and diagnostic code a user would see,
//! and nothing left behind.

mod common;

use common::*;
use std::io::Read as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs the binary in `cwd`, failing the test if it runs for 10 s.
fn bounded(cwd: &Path, args: &[&str]) -> Run {
    let mut child = bin()
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    // Both pipes are read at once, so a child writing much to one never blocks.
    let out_reader = std::thread::spawn(move || {
        let mut o = Vec::new();
        let _ = out.read_to_end(&mut o);
        o
    });
    let err_reader = std::thread::spawn(move || {
        let mut e = Vec::new();
        let _ = err.read_to_end(&mut e);
        e
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`mobileid-kit {}` ran for 10 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (o, e) = (out_reader.join().unwrap(), err_reader.join().unwrap());
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o).into_owned(),
        stderr: String::from_utf8_lossy(&e).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// No temp file or folder of ours below `dir` (a first build that was stopped leaves not even
/// `dir`).
fn nothing_left(dir: &Path) {
    if !dir.exists() {
        return;
    }
    let left: Vec<String> = files(dir)
        .into_iter()
        .filter(|f| f.contains(".building") || f.contains(".previous") || f.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".building") && !name.ends_with(".previous"),
            "left behind: {name}"
        );
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn case_01_pipes_and_devices_are_refused_at_once() {
    let (tmp, p) = fixture("good");
    let pipe_in = |name: &str| {
        let path = p.join(name);
        std::fs::remove_file(&path).unwrap();
        mkfifo(&path);
        path
    };
    pipe_in("activation-qr.png");
    pipe_in("instructions.de.md");
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E004]: the activation QR image `activation-qr.png` is a named pipe")
            || r.stderr.contains("`activation-qr.png` is a named pipe"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("`instructions.de.md` is a named pipe"),
        "{}",
        r.stderr
    );
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 1);
    assert!(!tmp.path().join("out/good").exists());

    let (tmp, p) = fixture("good");
    std::fs::remove_file(p.join("ledger.csv")).unwrap();
    mkfifo(&p.join("ledger.csv"));
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E004]: the ledger `ledger.csv` is a named pipe"),
        "{}",
        r.stderr
    );
    let r = bounded(tmp.path(), &["ledger", "register", "2", "x", "-p", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());

    // A theme font that is a pipe.
    let (tmp, p) = fixture("good");
    std::fs::create_dir_all(p.join("theme/fonts")).unwrap();
    mkfifo(&p.join("theme/fonts/NotoSans-Regular.ttf"));
    edit(
        &p.join("project.toml"),
        "languages = [",
        "theme = \"theme\"\nlanguages = [",
    );
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E004]") && r.stderr.contains("named pipe"),
        "{}",
        r.stderr
    );

    // Files given on the command line: an export, a baseline.
    let (tmp, p) = fixture("good");
    mkfifo(&tmp.path().join("export.csv"));
    let r = bounded(tmp.path(), &["ledger", "import", "export.csv", "-p", s(&p)]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .contains("export.csv: it is a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
    let r = bounded(tmp.path(), &["ledger", "import", "/dev/zero", "-p", s(&p)]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("it is a device"), "{}", r.stderr);
    let r = bounded(tmp.path(), &["check", s(&p), "--baseline", "/dev/zero"]);
    assert_eq!(r.code, 2, "{}", r.all());
    let r = bounded(tmp.path(), &["check", s(&p), "--baseline", "export.csv"]);
    assert_eq!(r.code, 2, "{}", r.all());

    // A kit file replaced by a pipe or a device.
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 0);
    let kit = tmp.path().join("out/good");
    std::fs::remove_file(kit.join("qr/activation.png")).unwrap();
    mkfifo(&kit.join("qr/activation.png"));
    let r = bounded(tmp.path(), &["verify", "out/good"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("named pipe"), "{}", r.all());
}

#[test]
fn case_01_a_device_node_in_the_project_is_refused() {
    let (tmp, p) = fixture("good");
    let image = p.join("activation-qr.png");
    std::fs::remove_file(&image).unwrap();
    let c = std::ffi::CString::new(image.to_str().unwrap()).unwrap();
    // /dev/zero's numbers; making a device node needs root, as CI has.
    if unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) } != 0 {
        eprintln!("not root: a link to /dev/zero stands in for the device node");
        std::os::unix::fs::symlink("/dev/zero", &image).unwrap();
    }
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stderr.contains("error[E004]"), "{}", r.stderr);
}

#[test]
fn case_02_a_long_word_breaks_in_linear_time() {
    let (tmp, p) = fixture("good");
    let word = "x".repeat(250_000);
    std::fs::write(p.join("instructions.en.md"), format!("Scan.\n\n{word}\n")).unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert!(r.code == 0 || r.code == 1, "{}", r.all());
    let name = "n".repeat(100_000);
    let (tmp, p) = fixture("good");
    edit(
        &p.join("project.toml"),
        "name = \"Good Project\"",
        &format!("name = \"{name}\""),
    );
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "a name that fits no card: {}", r.all());
    assert!(
        r.stderr.contains("error[E008]"),
        "{}",
        &r.stderr[..r.stderr.len().min(2000)]
    );
}

#[test]
fn case_03_template_loops_have_a_budget() {
    let (tmp, p) = fixture("good");
    std::fs::write(
        p.join("instructions.en.md"),
        "Scan the code.\n\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E008]") && r.stderr.contains("instructions.en.md:3:"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("more than 100000 times"), "{}", r.stderr);
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 1);
    // Loops the budget cannot count (over a stored range, over a string) end by the clock.
    std::fs::write(
        p.join("instructions.en.md"),
        "Scan.\n\n{% set r = range(end=2000) %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E008]") && r.stderr.contains("a loop runs too often"),
        "{}",
        r.stderr
    );
}

#[test]
fn case_04_a_held_ledger_lock_is_waited_for_then_named() {
    let (tmp, p) = fixture("good");
    let lock = std::fs::File::create(p.join(".ledger.csv.lock")).unwrap();
    lock.lock().unwrap();
    let before = std::fs::read(p.join("ledger.csv")).unwrap();
    let started = Instant::now();
    let r = bounded(
        tmp.path(),
        &[
            "ledger",
            "register",
            "2",
            "asmith",
            "-p",
            s(&p),
            "--wait",
            "1",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        r.stderr.contains("waiting for the ledger's lock"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(".ledger.csv.lock is still locked") && r.stderr.contains("--wait"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(p.join("ledger.csv")).unwrap(), before);
    // Let go while it waits: it goes on.
    let waiting = bin()
        .args(["ledger", "register", "2", "asmith", "-p", s(&p)])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(lock);
    let out = waiting.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn case_05_two_hundred_thousand_bad_export_rows_in_bounded_time_and_output() {
    let (tmp, p) = fixture("good");
    let mut export = String::from("id,subject\n");
    for i in 0..200_000 {
        export.push_str(&format!("not-an-id-{i},user{i}\n"));
    }
    std::fs::write(tmp.path().join("export.csv"), export).unwrap();
    let r = bounded(tmp.path(), &["ledger", "import", "export.csv", "-p", s(&p)]);
    assert_eq!(r.code, 1, "{}", &r.stderr[..2000]);
    assert!(
        r.stderr.contains("199500 more E100 problems are not shown"),
        "{}",
        &r.stderr[r.stderr.len() - 2000..]
    );
    assert!(
        r.stderr.len() < 400_000,
        "{} bytes of diagnostics",
        r.stderr.len()
    );
    nothing_left(&p);
}

#[test]
fn case_06_many_languages_are_not_all_held_at_once() {
    let (tmp, p) = fixture("good");
    let letter = |n: usize| char::from(b'A' + n as u8);
    let languages: Vec<String> = (0..60)
        .map(|i| format!("en-{}{}", letter(i / 26), letter(i % 26)))
        .collect();
    std::fs::create_dir_all(p.join("i18n")).unwrap();
    let en = std::fs::read_to_string(repo().join("themes/default/i18n/en.toml")).unwrap();
    let instructions = std::fs::read_to_string(p.join("instructions.en.md")).unwrap();
    for lang in &languages {
        std::fs::write(p.join("i18n").join(format!("{lang}.toml")), &en).unwrap();
        std::fs::write(p.join(format!("instructions.{lang}.md")), &instructions).unwrap();
    }
    let list = languages
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ");
    edit(
        &p.join("project.toml"),
        "languages = [\"en\", \"de\"]",
        &format!("languages = [{list}]"),
    );
    let r = bounded(
        tmp.path(),
        &["build", s(&p), "-o", "out", "--only", "pdf,card,email"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let peak_mb = usage.ru_maxrss / 1024;
    eprintln!("peak of the largest child so far: {peak_mb} MB");
    assert!(peak_mb < 400, "60 languages peaked at {peak_mb} MB");
}

#[test]
fn case_07_a_huge_line_is_shown_cut() {
    let (tmp, p) = fixture("good");
    let mut header = String::from("date,event,id,subject,note");
    for i in 0..200_000 {
        header.push_str(&format!(",extra{i}"));
    }
    std::fs::write(
        p.join("ledger.csv"),
        header + "\n2026-03-01,created,,self-service,\n",
    )
    .unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", &r.stderr[..r.stderr.len().min(3000)]);
    assert!(
        r.stderr.len() < 5_000,
        "{} bytes: {}",
        r.stderr.len(),
        &r.stderr[..3000]
    );
    assert!(r.stderr.contains('…'));
    let (tmp, p) = fixture("good");
    let value = "a".repeat(900_000);
    edit(
        &p.join("project.toml"),
        "email = \"it@example.com\"",
        &format!("email = \"{value}\""),
    );
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[E001]") && r.stderr.len() < 5_000,
        "{} bytes",
        r.stderr.len()
    );
}

#[test]
fn case_08_a_held_output_lock_is_waited_for_then_named() {
    let (tmp, p) = fixture("good");
    std::fs::create_dir_all(tmp.path().join("out")).unwrap();
    let lock = std::fs::File::open(tmp.path().join("out")).unwrap();
    lock.lock().unwrap();
    let r = bounded(tmp.path(), &["build", s(&p), "-o", "out", "--wait", "1"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr.contains("waiting for the output folder") && r.stderr.contains("still locked"),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("out/good").exists());
}

#[test]
fn case_09_sigterm_and_ctrl_c_while_writing_leave_no_temp_folder() {
    // Six kits, so the writing takes long enough to be caught in the act.
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..6 {
        let to = tmp.path().join(format!("site-{i}"));
        copy_tree(&repo().join("example-projects/acme-hq"), &to);
        edit(
            &to.join("project.toml"),
            "id = \"acme-hq\"",
            &format!("id = \"site-{i}\""),
        );
    }
    let out = tmp.path().join("out");
    let mut said = 0;
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGTERM, libc::SIGINT] {
        let mut child = bin()
            .args(["build", s(tmp.path()), "-o", s(&out)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until a kit is being written, then interrupt.
        let started = Instant::now();
        let caught = loop {
            let writing = std::fs::read_dir(&out)
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".building"));
            if writing {
                unsafe { libc::kill(child.id() as i32, signal) };
                break true;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(10) {
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let status = child.wait().unwrap();
        assert!(caught, "the build was never seen writing");
        // Exit 2 when the signal stopped it; 0 if it came after the last file was in place.
        assert!(matches!(status.code(), Some(0 | 2)), "{status:?}");
        said += usize::from(status.code() == Some(2));
        nothing_left(&out);
    }
    assert!(said > 0, "no build was stopped by the signal");
    // What was interrupted builds whole afterwards.
    assert_eq!(
        bounded(tmp.path(), &["build", s(tmp.path()), "-o", s(&out)]).code,
        0
    );
    nothing_left(&out);
}

#[test]
fn case_10_a_rebuild_keeps_the_folders_mode_group_and_empty_folders() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let (tmp, p) = fixture("good");
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 0);
    let kit = tmp.path().join("out/good");
    std::fs::set_permissions(&kit, std::fs::Permissions::from_mode(0o750)).unwrap();
    let gid = 65534; // nogroup; as a non-root user, the own group
    let gid = if std::os::unix::fs::chown(&kit, None, Some(gid)).is_ok() {
        gid
    } else {
        std::fs::metadata(&kit).unwrap().gid()
    };
    std::fs::create_dir(kit.join("admin-notes")).unwrap();
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 0);
    let meta = std::fs::metadata(&kit).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o750);
    assert_eq!(meta.gid(), gid);
    assert!(
        kit.join("admin-notes").is_dir(),
        "the admin's empty folder is kept"
    );
}

#[test]
fn case_11_ledger_links_read_only_ledgers_and_groups() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let (tmp, p) = fixture("good");
    std::fs::create_dir(p.join("data")).unwrap();
    std::fs::rename(p.join("ledger.csv"), p.join("data/ledger.csv")).unwrap();
    std::os::unix::fs::symlink("data/ledger.csv", p.join("ledger.csv")).unwrap();
    let _ = std::os::unix::fs::chown(p.join("data/ledger.csv"), None, Some(65534));
    let gid = std::fs::metadata(p.join("data/ledger.csv")).unwrap().gid();
    let r = bounded(
        tmp.path(),
        &["ledger", "register", "2", "asmith", "-p", s(&p)],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(p.join("ledger.csv").is_symlink(), "the link stays a link");
    let target = std::fs::read_to_string(p.join("data/ledger.csv")).unwrap();
    assert!(target.ends_with("registered,2,asmith,\n"), "{target}");
    assert_eq!(
        std::fs::metadata(p.join("data/ledger.csv")).unwrap().gid(),
        gid
    );
    nothing_left(&p.join("data"));

    let (tmp, p) = fixture("good");
    let ledger = p.join("ledger.csv");
    std::fs::set_permissions(&ledger, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&ledger).unwrap();
    let r = bounded(
        tmp.path(),
        &["ledger", "register", "2", "asmith", "-p", s(&p)],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stderr.contains("ledger.csv is read-only"), "{}", r.stderr);
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&ledger).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

#[test]
fn case_12_contact_fields_cannot_smuggle_link_parts() {
    let (tmp, p) = fixture("good");
    edit(
        &p.join("project.toml"),
        "email = \"it@example.com\"",
        "email = \"a@b.example?bcc=spy@evil.example\"\nphone = \"javascript:alert(1)\"",
    );
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E001]: `a@b.example?bcc=spy@evil.example` is not an email address"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error[E001]: `javascript:alert(1)` is not a phone number"),
        "{}",
        r.stderr
    );
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 1);
    assert!(!tmp.path().join("out").join("good").exists());
}

#[test]
fn case_13_print_settings_out_of_range_are_e008_at_their_line() {
    for (key, value) in [
        ("title_size", "nan"),
        ("body_size", "0"),
        ("title_size", "1e308"),
        ("margin_mm", "-5"),
    ] {
        let (tmp, p) = fixture("good");
        std::fs::create_dir_all(p.join("theme")).unwrap();
        std::fs::write(
            p.join("theme/print.toml"),
            format!("# print\n{key} = {value}\n"),
        )
        .unwrap();
        edit(
            &p.join("project.toml"),
            "languages = [",
            "theme = \"theme\"\nlanguages = [",
        );
        let r = bounded(tmp.path(), &["check", s(&p)]);
        assert_eq!(r.code, 1, "{key} = {value}: {}", r.all());
        assert!(
            r.stderr.contains("error[E008]") && r.stderr.contains("print.toml:2:"),
            "{key} = {value}: {}",
            r.stderr
        );
        assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 1);
    }
}

#[test]
fn case_14_verify_checks_every_file_and_refuses_links() {
    let (tmp, p) = fixture("good");
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 0);
    let kit = tmp.path().join("out/good");
    let manifest = kit.join("manifest.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    // Garbage under the kit's names, their entries taken out of the manifest.
    std::fs::write(kit.join("flyer-a4.en.pdf"), "garbage").unwrap();
    std::fs::write(kit.join("qr/activation.png"), "garbage").unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&original).unwrap();
    m["files"] = serde_json::json!([]);
    std::fs::write(&manifest, m.to_string()).unwrap();
    let r = bounded(tmp.path(), &["verify", "out/good"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stdout.contains("flyer-a4.en.pdf") && r.stdout.contains("qr/activation.png"),
        "{}",
        r.stdout
    );
    // An admin's README in the kit folder is no finding; a link is.
    let (tmp, p) = fixture("good");
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 0);
    let kit = tmp.path().join("out/good");
    std::fs::write(kit.join("README.txt"), "for the intranet team").unwrap();
    assert_eq!(bounded(tmp.path(), &["verify", "out/good"]).code, 0);
    let real = std::fs::read(kit.join("qr/activation.svg")).unwrap();
    std::fs::write(tmp.path().join("elsewhere.svg"), real).unwrap();
    std::fs::remove_file(kit.join("qr/activation.svg")).unwrap();
    std::os::unix::fs::symlink(
        tmp.path().join("elsewhere.svg"),
        kit.join("qr/activation.svg"),
    )
    .unwrap();
    let r = bounded(tmp.path(), &["verify", "out/good"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.stdout.contains("is a link"), "{}", r.stdout);
}

#[test]
fn case_15_a_hard_link_to_a_file_outside_is_not_published() {
    let (tmp, p) = fixture("good");
    let outside = tmp.path().join("secret.md");
    std::fs::write(&outside, "# Secret\n\nnot for the intranet\n").unwrap();
    std::fs::remove_file(p.join("instructions.en.md")).unwrap();
    std::fs::hard_link(&outside, p.join("instructions.en.md")).unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr.contains("error[E004]") && r.stderr.contains("has 2 hard links"),
        "{}",
        r.stderr
    );
    assert_eq!(bounded(tmp.path(), &["build", s(&p), "-o", "out"]).code, 1);
}

#[test]
fn case_16_impossible_date_times_are_refused() {
    for date in [
        "2026-03-13T25:00:00Z",
        "2026-03-13T10:00:00+99:00",
        "2026-03-13T10:61:00Z",
    ] {
        let (tmp, p) = fixture("good");
        let ledger = p.join("ledger.csv");
        let text =
            std::fs::read_to_string(&ledger).unwrap() + &format!("{date},registered,2,asmith,\n");
        std::fs::write(&ledger, text).unwrap();
        let r = bounded(tmp.path(), &["check", s(&p)]);
        assert_eq!(r.code, 1, "{date}: {}", r.all());
        assert!(
            r.stderr.contains("error[E100]") && r.stderr.contains("ledger.csv:5:1"),
            "{date}: {}",
            r.stderr
        );
    }
}

#[test]
fn case_17_a_large_activation_image_is_read() {
    let (tmp, p) = fixture("good");
    let payload = "MOBILEID:GOOD:large-export-test-0123456789";
    let m = mobileid_kit::qr::Matrix::encode(payload, mobileid_kit::qr::Ec::M).unwrap();
    let side = m.outer_width();
    let scale = 4950 / side;
    std::fs::write(p.join("activation-qr.png"), m.to_png(scale)).unwrap();
    let r = bounded(tmp.path(), &["build", s(&p), "-o", "out", "--only", "qr"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let manifest = manifest_json(&tmp.path().join("out/good"));
    assert_eq!(manifest["codes"]["activation"]["payload"], payload);
}

#[test]
fn case_18_utf16_files_are_read() {
    let utf16 = |text: &str| {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    };
    let (tmp, p) = fixture("good");
    let ledger = p.join("ledger.csv");
    let text = std::fs::read_to_string(&ledger)
        .unwrap()
        .replace('\n', "\r\n")
        .replace(',', "\t");
    std::fs::write(&ledger, utf16(&text)).unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 0, "{}", r.all());
    std::fs::write(
        tmp.path().join("export.txt"),
        utf16("Mobile ID\tPersonalnummer\tName\r\n2\tasmith\tAnna Schmidt\r\n"),
    )
    .unwrap();
    let r = bounded(
        tmp.path(),
        &[
            "ledger",
            "import",
            "export.txt",
            "--id-column",
            "Mobile ID",
            "--subject-column",
            "Personalnummer",
            "-p",
            s(&p),
            "--date",
            "2026-03-04",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("1 row(s) appended"), "{}", r.stdout);
    let bytes = std::fs::read(&ledger).unwrap();
    assert_eq!(&bytes[..2], [0xFF, 0xFE], "still UTF-16");
    assert!(bytes.ends_with(&utf16("2026-03-04\tregistered\t2\tasmith\t\r\n")[2..]));
    let r = bounded(tmp.path(), &["status", s(&p), "--format", "json"]);
    assert!(r.stdout.contains("\"registered\": 2"), "{}", r.all());
}

#[test]
fn case_19_wrong_kinds_of_project_paths_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    mkfifo(&tmp.path().join("project.toml"));
    let r = bounded(tmp.path(), &["check", "project.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("project.toml: it is a named pipe"),
        "{}",
        r.stderr
    );
    let r = bounded(tmp.path(), &["check", "."]);
    assert!(
        r.stderr.contains("named pipe"),
        "a folder whose project.toml is a pipe: {}",
        r.stderr
    );
    std::os::unix::fs::symlink("b", tmp.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", tmp.path().join("b")).unwrap();
    let r = bounded(tmp.path(), &["check", "a"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("symbolic links"), "{}", r.stderr);
    let r = bounded(tmp.path(), &["check", "/dev/zero"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/dev/zero: it is a device"),
        "{}",
        r.stderr
    );
}

#[test]
fn case_20_smaller_ones() {
    // A ledger link that leaves the project: one E004.
    let (tmp, p) = fixture("good");
    std::fs::remove_file(p.join("ledger.csv")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", p.join("ledger.csv")).unwrap();
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.stderr.matches("error[E004]").count(), 1, "{}", r.stderr);
    // A sender's name with quotes in it keeps them.
    let (tmp, p) = fixture("good");
    std::fs::write(
        p.join("project.toml"),
        std::fs::read_to_string(p.join("project.toml")).unwrap()
            + "\n[email]\nfrom = 'IT Desk \"quoted\" <it@example.com>'\n",
    )
    .unwrap();
    assert_eq!(
        bounded(
            tmp.path(),
            &["build", s(&p), "-o", "out", "--only", "email"]
        )
        .code,
        0
    );
    let eml = std::fs::read(tmp.path().join("out/good/email.en.eml")).unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&eml).unwrap();
    assert_eq!(
        parsed.from().unwrap().first().unwrap().name(),
        Some("IT Desk \"quoted\"")
    );
    // The same project named 20,000 times is checked once.
    let (tmp, p) = fixture("good");
    let mut args = vec!["check".to_string()];
    args.extend(std::iter::repeat_n(s(&p).to_string(), 20_000));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = bounded(tmp.path(), &args);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("checked 1 project(s)"), "{}", r.stdout);
    // A payload of only spaces is no payload.
    let (tmp, p) = fixture("good");
    edit(
        &p.join("project.toml"),
        "qr = \"activation-qr.png\"",
        "payload = \"   \"",
    );
    let r = bounded(tmp.path(), &["check", s(&p)]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.stderr
            .contains("error[E001]: the activation payload is empty"),
        "{}",
        r.stderr
    );
}
