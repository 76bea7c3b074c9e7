//! `verify DIR...`: every file of a built kit against its `manifest.json` — the SHA-256
//! matches, and every QR code the file should carry is found and decodes to exactly its
//! payload (PNG, SVG, PDF, HTML, EML). No outside programs. A damaged file is a finding,
//! never a crash.

use crate::error::{Error, Result};
use crate::kit::manifest::{self, Manifest};
use crate::qr::{self, Grey};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// PDFs are read at this resolution: a 30 mm code of 40 modules gets 4.4 px per module.
pub const PDF_DPI: f32 = 150.0;

#[derive(Debug, Clone, serde::Serialize)]
pub struct FileReport {
    pub path: String,
    /// Codes found that belong to the file.
    pub codes: usize,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KitReport {
    pub dir: String,
    pub project: String,
    pub files: Vec<FileReport>,
    /// With `--photo`: each printed code's margin.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub photo: Vec<PhotoReport>,
}

/// How far down the photo ladder a printed code still decodes (the least of its copies).
#[derive(Debug, Clone, serde::Serialize)]
pub struct PhotoReport {
    pub file: String,
    pub code: String,
    /// Rungs of [`crate::photo::RUNGS`] it decodes on; `None` when it does not even clean.
    pub margin: Option<usize>,
}

impl KitReport {
    pub fn failed(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| !f.problems.is_empty())
    }
}

/// The kit folders below the given ones: a folder with `manifest.json`, or its subfolders that
/// have one.
pub fn kits(dirs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in dirs {
        if dir.join(manifest::FILE_NAME).is_file() {
            found.push(dir.clone());
            continue;
        }
        let entries = std::fs::read_dir(dir).map_err(Error::io("read", dir))?;
        let mut subs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join(manifest::FILE_NAME).is_file())
            .collect();
        if subs.is_empty() {
            return Err(Error::NoKit {
                path: dir.clone(),
                why: "holds no kit (no manifest.json in it or its folders)".into(),
            });
        }
        subs.sort();
        found.extend(subs);
    }
    Ok(found)
}

/// Verifies one kit folder; with `photo`, also photographs each printed code.
pub fn verify_kit(dir: &Path, photo: bool) -> Result<KitReport> {
    let path = dir.join(manifest::FILE_NAME);
    if path.is_symlink() {
        return Err(Error::NoKit {
            path,
            why: "is a link, not the manifest a build wrote".into(),
        });
    }
    let bytes =
        crate::input::read(&path, crate::input::cap::MANIFEST).map_err(|why| Error::Input {
            path: path.clone(),
            why,
        })?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::NoKit {
        path: path.clone(),
        why: format!("is not a kit manifest: {e}"),
    })?;
    let mut files: Vec<FileReport> = manifest
        .files
        .iter()
        .map(|entry| verify_file(dir, &manifest, entry))
        .collect();
    files.extend(unlisted(dir, &manifest));
    let photo = if photo {
        photographs(dir, &manifest)
    } else {
        Vec::new()
    };
    Ok(KitReport {
        dir: crate::diag::display_path(dir),
        project: manifest.project.clone(),
        files,
        photo,
    })
}

/// The margin of every code printed in the kit's PDFs (files that do not verify are left
/// to the findings above).
fn photographs(dir: &Path, manifest: &Manifest) -> Vec<PhotoReport> {
    let mut reports = Vec::new();
    for entry in manifest.files.iter().filter(|f| f.path.ends_with(".pdf")) {
        let Ok(bytes) = read_kit_file(&dir.join(&entry.path)) else {
            continue;
        };
        let Ok((page, scale)) = qr::rasterise_pdf(&bytes, crate::photo::PX_PER_MM * 25.4) else {
            continue;
        };
        let mut margins: std::collections::BTreeMap<String, Option<usize>> = Default::default();
        for (payload, crop) in printed_codes(&entry.path, &page, scale) {
            let Some(name) = manifest
                .codes
                .iter()
                .find(|(_, c)| c.payload == payload)
                .map(|(n, _)| n.clone())
            else {
                continue;
            };
            let m = crate::photo::margin(&crop, &payload);
            let least = margins.entry(name).or_insert(m);
            *least = (*least).min(m);
        }
        for (code, margin) in margins {
            reports.push(PhotoReport {
                file: entry.path.clone(),
                code,
                margin,
            });
        }
    }
    reports
}

/// Each code on a rendered page, cut out with its surroundings: a card sheet card by card,
/// any other page code by code where the decoder finds them.
fn printed_codes(path: &str, page: &Grey, scale: f32) -> Vec<(String, Grey)> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(sheet) = crate::layout::wallet_cards::Sheet::of_file(name) {
        return card_cells(page, scale, &sheet)
            .into_iter()
            .filter_map(|card| {
                let payload = qr::decode_grey(&card)
                    .into_iter()
                    .find_map(std::result::Result::ok)?;
                Some((payload, card))
            })
            .collect();
    }
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(page.width, page.height, |x, y| {
            page.pixels[y * page.width + x]
        });
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| {
            let (_, payload) = grid.decode().ok()?;
            let xs = grid.bounds.iter().map(|p| p.x);
            let ys = grid.bounds.iter().map(|p| p.y);
            let (x0, x1) = (xs.clone().min()?, xs.max()?);
            let (y0, y1) = (ys.clone().min()?, ys.max()?);
            // The code, its quiet zone and as much again around it.
            let pad = (x1 - x0).max(y1 - y0) / 3;
            let (x, y) = ((x0 - pad).max(0) as usize, (y0 - pad).max(0) as usize);
            let (w, h) = ((x1 - x0 + 2 * pad) as usize, (y1 - y0 + 2 * pad) as usize);
            Some((payload, page.crop(x, y, w, h)))
        })
        .collect()
}

fn verify_file(dir: &Path, manifest: &Manifest, entry: &manifest::FileEntry) -> FileReport {
    let mut report = FileReport {
        path: entry.path.clone(),
        codes: 0,
        problems: Vec::new(),
    };
    if entry
        .path
        .split('/')
        .any(|part| part == ".." || part.is_empty())
        || entry.path.starts_with('/')
    {
        report
            .problems
            .push("the manifest names a path outside the kit".into());
        return report;
    }
    let bytes = match read_kit_file(&dir.join(&entry.path)) {
        Ok(bytes) => bytes,
        Err(why) => {
            report.problems.push(why);
            return report;
        }
    };
    if manifest::sha256_hex(&bytes) != entry.sha256 || bytes.len() as u64 != entry.bytes {
        report.problems.push("its content differs from the manifest (SHA-256): it changed after the build, or comes from another one".into());
    }
    if entry.codes.is_empty() {
        return report;
    }
    let expected: BTreeSet<&str> = entry
        .codes
        .iter()
        .filter_map(|name| manifest.codes.get(name))
        .map(|c| c.payload.as_str())
        .collect();
    if expected.len() != entry.codes.len() {
        report
            .problems
            .push("the manifest names a code it does not describe".into());
    }
    let decoded =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(&entry.path, &bytes)));
    let found = match decoded {
        Ok(Ok(found)) => found,
        Ok(Err(why)) => {
            report.problems.push(why);
            return report;
        }
        Err(_) => {
            report
                .problems
                .push("the file is damaged: decoding it failed".into());
            return report;
        }
    };
    let found_set: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    for payload in &expected {
        if !found_set.contains(payload) {
            let name = manifest
                .codes
                .iter()
                .find(|(_, c)| c.payload == *payload)
                .map_or("?", |(n, _)| n.as_str());
            report
                .problems
                .push(format!("the {name} code is not found or does not decode"));
        }
    }
    for payload in found_set.difference(&expected) {
        report.problems.push(format!(
            "it shows a code that is not its own: {}",
            payload.escape_debug()
        ));
    }
    report.codes = found_set.intersection(&expected).count();
    report
}

/// A file of the kit as the build wrote it: no link, a regular file, within the cap.
fn read_kit_file(path: &Path) -> std::result::Result<Vec<u8>, String> {
    if path.is_symlink() {
        return Err(LINK.into());
    }
    crate::input::read(path, crate::input::cap::KIT_FILE)
        .map_err(|why| format!("cannot be read: {why}"))
}

const LINK: &str = "is a link, not a file the build wrote: it can point anywhere";

/// Files in the kit folder the manifest does not list. A link is a finding; so is a file
/// that shows a QR code, or is damaged, where users would take it for part of the kit —
/// the manifest vouches for no code in it. Other files (an admin's README) pass.
fn unlisted(dir: &Path, manifest: &Manifest) -> Vec<FileReport> {
    let listed: BTreeSet<&str> = manifest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain([manifest::FILE_NAME])
        .collect();
    let mut reports = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().and_then(|p| p.strip_prefix(dir).ok());
                reports.push(FileReport {
                    path: at.map_or_else(String::new, |p| p.to_string_lossy().into_owned()),
                    codes: 0,
                    problems: vec![format!("cannot be read: {e}")],
                });
                continue;
            }
        };
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if listed.contains(rel.as_str()) || entry.file_type().is_dir() {
            continue;
        }
        let problems = if entry.path_is_symlink() {
            vec![LINK.to_string()]
        } else {
            unlisted_problems(entry.path(), &rel)
        };
        if !problems.is_empty() {
            reports.push(FileReport {
                path: rel,
                codes: 0,
                problems,
            });
        }
    }
    reports
}

fn unlisted_problems(path: &Path, rel: &str) -> Vec<String> {
    let extension = rel.rsplit('.').next().unwrap_or_default();
    if !matches!(extension, "png" | "svg" | "html" | "pdf" | "eml") {
        return Vec::new();
    }
    let bytes = match crate::input::read(path, crate::input::cap::KIT_FILE) {
        Ok(bytes) => bytes,
        Err(why) => return vec![format!("is not in the manifest and cannot be read: {why}")],
    };
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(rel, &bytes)));
    match decoded {
        Ok(Ok(found)) if found.is_empty() => Vec::new(),
        Ok(Ok(_)) => {
            vec!["is not in the manifest, yet shows a QR code: nothing vouches for it".into()]
        }
        _ => vec!["is not in the manifest and is damaged, or not what its name says".into()],
    }
}

/// The payloads of every code in a file, by its kind.
pub fn decode(path: &str, bytes: &[u8]) -> std::result::Result<Vec<String>, String> {
    let extension = path.rsplit('.').next().unwrap_or_default();
    let mut found = Vec::new();
    match extension {
        "png" => found.extend(decoded(qr::decode_grey(&qr::read_png(bytes)?))),
        "svg" => {
            let text = std::str::from_utf8(bytes).map_err(|_| "not an SVG text file")?;
            found.extend(decoded(qr::decode_svg(text, 1.0)?));
        }
        "html" => {
            let text = std::str::from_utf8(bytes).map_err(|_| "not an HTML text file")?;
            for svg in inline_svgs(text) {
                found.extend(decoded(qr::decode_svg(&svg, 8.0)?));
            }
        }
        "pdf" => {
            let (page, scale) = qr::rasterise_pdf(bytes, PDF_DPI)?;
            found.extend(decoded(qr::decode_grey(&page)));
            let name = path.rsplit('/').next().unwrap_or(path);
            if let Some(sheet) = crate::layout::wallet_cards::Sheet::of_file(name) {
                // Ten equal codes in a grid confuse a decoder that looks at the whole sheet;
                // read each card as a phone would.
                for card in card_cells(&page, scale, &sheet) {
                    found.extend(decoded(qr::decode_grey(&card)));
                }
            }
        }
        "eml" => {
            let message = mail_parser::MessageParser::default()
                .parse(bytes)
                .ok_or("not a MIME message")?;
            for part in message.parts.iter() {
                let is_png = mail_parser::MimeHeaders::content_type(part)
                    .is_some_and(|ct| ct.ctype() == "image" && ct.subtype() == Some("png"));
                if is_png {
                    found.extend(decoded(qr::decode_grey(&qr::read_png(part.contents())?)));
                }
            }
        }
        other => return Err(format!("files of type `{other}` carry no codes")),
    }
    Ok(found)
}

fn decoded(results: Vec<std::result::Result<String, String>>) -> impl Iterator<Item = String> {
    results.into_iter().filter_map(std::result::Result::ok)
}

/// The `<svg class="qr">` elements of a page.
pub fn inline_svgs(html: &str) -> Vec<String> {
    html.split("<svg class=\"qr\"")
        .skip(1)
        .filter_map(|rest| {
            rest.find("</svg>")
                .map(|end| format!("<svg class=\"qr\"{}</svg>", &rest[..end]))
        })
        .collect()
}

/// Each wallet card of a sheet, cropped from the page raster where the stock puts it.
fn card_cells(page: &Grey, scale: f32, sheet: &crate::layout::wallet_cards::Sheet) -> Vec<Grey> {
    use crate::layout::MM;
    use crate::layout::wallet_cards::{COLUMNS, ROWS};
    let px = |mm: f32| (mm * MM * scale).round() as usize;
    let mut cells = Vec::new();
    for row in 0..ROWS {
        for col in 0..COLUMNS {
            let (x, y) = sheet.card_at(row, col);
            cells.push(page.crop(px(x), px(y), px(sheet.card.0), px(sheet.card.1)));
        }
    }
    cells
}

/// The text report.
pub fn render_text(reports: &[KitReport]) -> String {
    let mut out = String::new();
    for kit in reports {
        let codes: usize = kit.files.iter().map(|f| f.codes).sum();
        let failed = kit.failed().count();
        out.push_str(&format!(
            "{} ({}): {} files, {codes} codes decoded, {failed} failing\n",
            kit.dir,
            kit.project,
            kit.files.len()
        ));
        for file in &kit.files {
            if file.problems.is_empty() {
                out.push_str(&format!("  ok    {} ({} codes)\n", file.path, file.codes));
            } else {
                for problem in &file.problems {
                    out.push_str(&format!("  FAIL  {}: {problem}\n", file.path));
                }
            }
        }
        for p in &kit.photo {
            let margin = p.margin.map_or_else(
                || "does not decode even in a clean photograph".to_string(),
                |m| format!("margin {m} of {}", crate::photo::RUNGS),
            );
            out.push_str(&format!("  photo {} {}: {margin}\n", p.file, p.code));
        }
    }
    out
}
