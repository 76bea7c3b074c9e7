//! Helpers shared by the integration tests: run the binary, copy fixtures into temp dirs.
#![allow(dead_code)]

pub mod served;

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mobileid-kit"))
}

/// Runs the binary with `args` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run mobileid-kit");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a fixture folder (or any folder) into a new temp dir; returns the dir and the copy.
pub fn copy_dir(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let to = tmp.path().join(from.file_name().expect("folder name"));
    copy_tree(from, &to);
    (tmp, to)
}

pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    copy_dir(&repo().join("tests/fixtures").join(name))
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Replaces `from` by `to` in a file; panics when `from` is not there (a test typo).
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// Every file below `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// A rendered PDF page in grey, and its scale in pixels per point.
pub struct Raster {
    pub grey: mobileid_kit::qr::Grey,
    pub scale: f32,
}

/// Renders the first page of a PDF at `dpi` with hayro.
pub fn render_pdf(bytes: &[u8], dpi: f32) -> Raster {
    let (grey, scale) = mobileid_kit::qr::rasterise_pdf(bytes, dpi).expect("a readable PDF");
    Raster { grey, scale }
}

/// Every code on a raster: its payload and its edge length in pixels (quiet zone excluded).
pub fn codes_on(grey: &mobileid_kit::qr::Grey) -> Vec<(String, f32)> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(grey.width, grey.height, |x, y| {
            grey.pixels[y * grey.width + x]
        });
    prepared
        .detect_grids()
        .into_iter()
        .map(|g| {
            let b = g.bounds;
            let edge = (((b[1].x - b[0].x).pow(2) + (b[1].y - b[0].y).pow(2)) as f32).sqrt();
            (
                g.decode()
                    .map(|(_, s)| s)
                    .unwrap_or_else(|e| format!("undecodable: {e}")),
                edge,
            )
        })
        .collect()
}

/// A kit's `manifest.json` as JSON.
pub fn manifest_json(kit: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(kit.join("manifest.json")).expect("manifest.json"))
        .expect("JSON")
}

/// The payloads of the codes a manifest entry (or any list of code names) names.
pub fn payloads_of(m: &serde_json::Value, names: &serde_json::Value) -> Vec<String> {
    names
        .as_array()
        .expect("a list of code names")
        .iter()
        .map(|c| {
            m["codes"][c.as_str().expect("a name")]["payload"]
                .as_str()
                .expect("a payload")
                .to_string()
        })
        .collect()
}

/// The example projects built into a temp dir: (the dir, the output folder).
pub fn build_examples() -> (tempfile::TempDir, PathBuf) {
    let (tmp, examples) = copy_dir(&repo().join("example-projects"));
    let r = run_in(
        tmp.path(),
        &["build", examples.to_str().unwrap(), "-o", "dist"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let out = tmp.path().join("dist");
    (tmp, out)
}
