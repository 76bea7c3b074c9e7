//! Hostile input: every case ends in success or a coded error, in bounded time and output,
//! never a panic or a hang.

mod common;

use common::*;
use std::time::{Duration, Instant};

fn assert_no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "{}",
        r.stderr
    );
    assert!(
        r.code == 0 || r.code == 1 || r.code == 2,
        "exit {}: {}",
        r.code,
        r.all()
    );
}

/// A PNG whose header claims `w`×`h` pixels, with a tiny (broken) body.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn an_image_bomb_is_refused_before_decoding() {
    let (tmp, p) = fixture("good");
    std::fs::write(p.join("activation-qr.png"), png_header(60_000, 60_000)).unwrap();
    let start = Instant::now();
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error[E006]") && r.stderr.contains("60000×60000 pixels"),
        "{}",
        r.stderr
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    // A real, huge, all-white image (it compresses to almost nothing).
    let side = 6000u32;
    let bomb = mobileid_kit::qr::encode_png_grey(side, side, &vec![255; (side * side) as usize]);
    assert!(bomb.len() < 200_000);
    std::fs::write(p.join("activation-qr.png"), bomb).unwrap();
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[E006]"), "{}", r.stderr);
}

#[test]
fn ten_megabytes_of_instructions_are_a_coded_error_within_seconds() {
    let (tmp, p) = fixture("good");
    std::fs::write(
        p.join("instructions.en.md"),
        "Scan the code. ".repeat(700_000),
    )
    .unwrap();
    let start = Instant::now();
    let r = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
    assert_no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E008]: the instructions are 10253 KiB"),
        "{}",
        r.stderr
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_hundred_thousand_garbage_ledger_rows_are_reported_in_bounded_time_and_output() {
    let (tmp, p) = fixture("good");
    let mut text = String::from("date,event,id,subject,note\n2026-03-01,created,,self-service,\n");
    for i in 0..100_000 {
        text.push_str(&format!("garbage{i},\u{0}\u{202E},\"x,{i}\n"));
    }
    std::fs::write(p.join("ledger.csv"), text).unwrap();
    let start = Instant::now();
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_no_panic(&r);
    assert_eq!(r.code, 1);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(
        r.stderr.lines().count() < 5_000,
        "{} lines of output",
        r.stderr.lines().count()
    );
    assert!(
        r.stderr.contains("more E100 problems are not shown"),
        "{}",
        &r.stderr[r.stderr.len().saturating_sub(500)..]
    );
    assert!(
        !r.stderr.contains('\u{202E}') && !r.stderr.contains('\u{0}'),
        "control characters are escaped in diagnostics"
    );
}

#[test]
fn ids_beyond_64_bits_are_refused() {
    let (tmp, p) = fixture("good");
    let ledger = p.join("ledger.csv");
    std::fs::write(
        &ledger,
        std::fs::read_to_string(&ledger).unwrap()
            + "2026-03-03,registered,18446744073709551616,x,\n",
    )
    .unwrap();
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error[E100]: the ID `18446744073709551616` does not fit in 64 bits"),
        "{}",
        r.stderr
    );
    let r = run_in(
        tmp.path(),
        &[
            "ledger",
            "register",
            "18446744073709551616",
            "x",
            "-p",
            p.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.all());
    let r = run_in(
        tmp.path(),
        &[
            "ledger",
            "assigned",
            "--through",
            "18446744073709551615",
            "-p",
            p.to_str().unwrap(),
        ],
    );
    assert_no_panic(&r);
    assert_eq!(r.code, 1, "{}", r.all());
}

#[test]
fn control_characters_and_bidi_overrides_in_names_are_harmless() {
    let (tmp, p) = fixture("good");
    let toml = p.join("project.toml");
    edit(
        &toml,
        "name = \"Good Project\"",
        "name = \"Evil\\u0000Corp \\u202Egnp.exe\\u0007\"",
    );
    edit(&toml, "name = \"IT\"", "name = \"IT\\u202E Desk\"");
    let r = run_in(
        tmp.path(),
        &["build", p.to_str().unwrap(), "-o", "out", "--verify"],
    );
    assert_no_panic(&r);
    assert_eq!(r.code, 0, "{}", r.all());
    let kit = tmp.path().join("out/good");
    for page in ["index.html", "en/index.html"] {
        let html = std::fs::read_to_string(kit.join(page)).unwrap();
        assert!(
            !html.contains('\u{0}') && !html.contains('\u{202E}') && !html.contains('\u{7}'),
            "{page}"
        );
        assert!(
            html.contains("Evil\u{FFFD}Corp \u{FFFD}gnp.exe\u{FFFD}"),
            "{page} shows where they were"
        );
    }
    let pdf =
        lopdf::Document::load_mem(&std::fs::read(kit.join("flyer-a4.en.pdf")).unwrap()).unwrap();
    let text = pdf.extract_text(&[1]).unwrap();
    assert!(
        text.contains("EvilCorp gnp.exe") && !text.contains('\u{202E}') && !text.contains('\u{0}'),
        "{text}"
    );
    let message = std::fs::read_to_string(kit.join("message.en.txt")).unwrap();
    assert!(message.contains("EvilCorp gnp.exe") && !message.contains('\u{0}'));
}

#[test]
fn a_project_id_with_path_separators_is_refused() {
    for id in ["../escape", "a/b", "a\\\\b", "", "UPPER"] {
        let (tmp, p) = fixture("good");
        edit(
            &p.join("project.toml"),
            "id = \"good\"",
            &format!("id = \"{id}\""),
        );
        let r = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
        assert_eq!(r.code, 1, "{id}: {}", r.all());
        assert!(
            r.stderr.contains("error[E001]: the project id"),
            "{id}: {}",
            r.stderr
        );
        assert!(!tmp.path().join("out").exists() && !tmp.path().join("escape").exists());
    }
}

#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_is_exit_2() {
    // Even root cannot create folders in /proc.
    let (tmp, p) = fixture("good");
    let r = run_in(
        tmp.path(),
        &["build", p.to_str().unwrap(), "-o", "/proc/mobileid-kit-out"],
    );
    assert_no_panic(&r);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(
        r.stderr
            .starts_with("error: could not create the output folder /proc/mobileid-kit-out"),
        "{}",
        r.stderr
    );
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    let (tmp, p) = fixture("good");
    let toml = p.join("project.toml");
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(
        &toml,
        std::fs::read_to_string(&toml)
            .unwrap()
            .replace("first = 1", &format!("first = {nested}")),
    )
    .unwrap();
    let r = run_in(tmp.path(), &["check", p.to_str().unwrap()]);
    assert_no_panic(&r);
    assert_eq!(r.code, 1);
    let (tmp, p) = fixture("good");
    std::fs::write(
        p.join("instructions.en.md"),
        format!("{}deep\n", "> ".repeat(50_000)),
    )
    .unwrap();
    std::fs::write(
        p.join("instructions.de.md"),
        format!("{}tief\n", "- ".repeat(50_000)),
    )
    .unwrap();
    let start = Instant::now();
    let r = run_in(tmp.path(), &["build", p.to_str().unwrap(), "-o", "out"]);
    assert_no_panic(&r);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "50,000 nested lists took {:?}",
        start.elapsed()
    );
}
