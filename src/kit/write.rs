//! Puts a kit on disk: into a temp folder beside the target, then swapped in. Files in the
//! old kit that the program did not write (it knows its own from the old manifest) are
//! carried over; none is ever deleted or overwritten.

use super::KitFile;
use super::manifest;
use crate::error::{Error, InTheWay, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Marks pages the program wrote, so it overwrites only its own `DIR/index.html`.
const GENERATOR_MARK: &str = "<meta name=\"generator\" content=\"mobileid-kit\">";

pub fn write_kit(out_dir: &Path, id: &str, files: &[KitFile]) -> Result<PathBuf> {
    std::fs::create_dir_all(out_dir).map_err(Error::io("create the output folder", out_dir))?;
    let target = out_dir.join(id);
    let building = out_dir.join(format!(".{id}.building"));
    let previous = out_dir.join(format!(".{id}.previous"));
    // A build killed between the two renames below left the old kit here.
    if !target.exists() && previous.is_dir() {
        std::fs::rename(&previous, &target)
            .map_err(Error::io("restore the previous kit", &previous))?;
    }
    if target.exists() && !target.is_dir() {
        return Err(Error::InTheWay {
            path: target,
            why: InTheWay::NotAFolder,
        });
    }
    let foreign = foreign_files(&target)?;
    let new_paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    if let Some(clash) = foreign.iter().find(|f| new_paths.contains(f.as_str())) {
        return Err(Error::InTheWay {
            path: target.join(clash),
            why: InTheWay::NotOurs,
        });
    }

    remove_own_dir(&building)?;
    for file in files {
        let path = building.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::write(&path, &file.bytes).map_err(Error::io("write", &path))?;
    }
    for rel in &foreign {
        let to = building.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::rename(target.join(rel), &to).map_err(Error::io("keep", &target.join(rel)))?;
    }
    if target.exists() {
        remove_own_dir(&previous)?;
        if exchange(&building, &target).is_ok() {
            // `building` now holds the old kit.
            std::fs::rename(&building, &previous)
                .map_err(Error::io("move aside the old kit", &building))?;
        } else {
            std::fs::rename(&target, &previous)
                .map_err(Error::io("move aside the old kit", &target))?;
            std::fs::rename(&building, &target)
                .map_err(Error::io("swap in the new kit", &target))?;
        }
        // Only files this program wrote are left in the old kit.
        std::fs::remove_dir_all(&previous).map_err(Error::io("remove the old kit", &previous))?;
    } else {
        std::fs::rename(&building, &target).map_err(Error::io("swap in the new kit", &target))?;
    }
    Ok(target)
}

/// Swaps two folders in one step, so the kit's folder is never missing (Linux).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let path = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::ErrorKind::InvalidInput)
    };
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere the swap is two renames; a build killed between them is repaired by the next.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Files in an existing kit folder that its manifest does not list.
fn foreign_files(kit: &Path) -> Result<Vec<String>> {
    if !kit.is_dir() {
        return Ok(Vec::new());
    }
    let ours: BTreeSet<String> = manifest::read(kit)
        .map(|m| {
            m.files
                .into_iter()
                .map(|f| f.path)
                .chain([manifest::FILE_NAME.to_string()])
                .collect()
        })
        .unwrap_or_default();
    let mut foreign = Vec::new();
    for entry in walkdir::WalkDir::new(kit).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Io {
            action: "read",
            path: kit.to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(kit).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !ours.contains(&rel) {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// Removes a temp folder of the program's own naming (`.<id>.building` / `.previous`).
fn remove_own_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(Error::io("remove the stale temp folder", dir))?;
    }
    Ok(())
}

/// Writes `DIR/index.html`, refusing to replace a page the program did not write.
pub fn write_index(out_dir: &Path, html: &str) -> Result<()> {
    let path = out_dir.join("index.html");
    if let Ok(old) = std::fs::read_to_string(&path) {
        if !old.contains(GENERATOR_MARK) {
            return Err(Error::InTheWay {
                path,
                why: InTheWay::NotOurs,
            });
        }
    } else if path.exists() {
        return Err(Error::InTheWay {
            path,
            why: InTheWay::NotOurs,
        });
    }
    let temp = out_dir.join(".index.html.building");
    std::fs::write(&temp, html).map_err(Error::io("write", &temp))?;
    std::fs::rename(&temp, &path).map_err(Error::io("write", &path))
}
