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

/// Writes a kit into `out_dir/<id>/`. The caller holds the output folder's lock. Returns
/// the kit's folder and, when the old kit could not be removed after the swap, a warning
/// (the new kit is in place either way).
pub fn write_kit(
    out_dir: &Path,
    id: &str,
    files: &[KitFile],
    stop: &dyn Fn() -> bool,
) -> Result<(PathBuf, Option<String>)> {
    stage(out_dir, id, files, stop)?.commit()
}

/// A kit written beside its target, not yet swapped in; dropped, it removes itself.
pub struct Staged {
    building: Building,
    target: PathBuf,
    previous: PathBuf,
}

impl Staged {
    /// Swaps the kit in. The admin's files in the old kit move into the new one only once
    /// it is in place, so no failure can take them with a temp folder.
    pub fn commit(mut self) -> Result<(PathBuf, Option<String>)> {
        let warning = swap_in(&mut self.building, &self.target, &self.previous)?;
        Ok((self.target, warning))
    }
}

/// Writes a kit into a temp folder beside `out_dir/<id>/`, with the old kit's folders.
pub fn stage(
    out_dir: &Path,
    id: &str,
    files: &[KitFile],
    stop: &dyn Fn() -> bool,
) -> Result<Staged> {
    std::fs::create_dir_all(out_dir).map_err(Error::io("create the output folder", out_dir))?;
    let target = out_dir.join(id);
    let previous = out_dir.join(format!(".{id}.previous"));
    let building_dir = out_dir.join(format!(".{id}.building"));
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
    // A build that failed after its swap left the old kit beside the new one.
    for stale in [&previous, &building_dir] {
        settle_old_kit(stale, &target)?;
    }
    let (foreign, folders) = foreign_files(&target)?;
    let new_paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    if let Some(clash) = foreign.iter().find(|f| new_paths.contains(f.as_str())) {
        return Err(Error::InTheWay {
            path: target.join(clash),
            why: InTheWay::NotOurs,
        });
    }
    let building = Building::new(building_dir)?;
    for file in files {
        if stop() {
            return Err(Error::Interrupted);
        }
        let path = building.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::write(&path, &file.bytes).map_err(Error::io("write", &path))?;
    }
    keep_folders(&target, &building.dir, &folders)?;
    Ok(Staged {
        building,
        target,
        previous,
    })
}

/// The temp folder a kit is written into; removed again unless it was swapped in, so a
/// failed or interrupted build leaves nothing behind.
struct Building {
    dir: PathBuf,
    /// Swapped with the old kit: what is at `dir` now is not ours to remove.
    swapped: bool,
}

impl Building {
    fn new(dir: PathBuf) -> Result<Self> {
        // Under the output folder's lock, one left here is from a build that was killed.
        remove_own_dir(&dir)?;
        std::fs::create_dir_all(&dir).map_err(Error::io("create", &dir))?;
        Ok(Building {
            dir,
            swapped: false,
        })
    }
}

impl Drop for Building {
    fn drop(&mut self) {
        if !self.swapped {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Puts the new kit in the old one's place, then moves the admin's files from the old kit
/// into it; the old kit goes. Failing to remove the old kit is only a warning.
fn swap_in(building: &mut Building, target: &Path, previous: &Path) -> Result<Option<String>> {
    if !target.exists() {
        std::fs::rename(&building.dir, target).map_err(Error::io("swap in the new kit", target))?;
        building.swapped = true;
        return Ok(None);
    }
    remove_own_dir(previous)?;
    if exchange(&building.dir, target).is_ok() {
        building.swapped = true;
        // `building` now holds the old kit.
        std::fs::rename(&building.dir, previous)
            .map_err(Error::io("move aside the old kit", &building.dir))?;
    } else {
        std::fs::rename(target, previous).map_err(Error::io("move aside the old kit", target))?;
        std::fs::rename(&building.dir, target).map_err(Error::io("swap in the new kit", target))?;
        building.swapped = true;
    }
    if !carry_foreign(previous, target)? {
        return Ok(Some(format!(
            "files of the old kit could not all be moved into the new one; they are in {}",
            crate::diag::display_path(previous)
        )));
    }
    Ok(std::fs::remove_dir_all(previous).err().map(|e| {
        format!(
            "the old kit could not be removed from {} ({e}); the new kit is in place, remove it by hand",
            crate::diag::display_path(previous)
        )
    }))
}

/// An old kit left beside the kit by a build that failed after its swap: the admin's files
/// in it move into the kit, then it goes. One without a manifest is a half-written new kit.
fn settle_old_kit(stale: &Path, target: &Path) -> Result<()> {
    if !stale.is_dir() || !target.is_dir() {
        return Ok(());
    }
    if !carry_foreign(stale, target)? {
        return Err(Error::InTheWay {
            path: stale.to_path_buf(),
            why: InTheWay::NotOurs,
        });
    }
    remove_own_dir(stale)
}

/// Moves the files of an old kit that its manifest does not list into `new`. `false` when
/// one could not move because `new` has a file of that name (it stays where it is).
fn carry_foreign(old: &Path, new: &Path) -> Result<bool> {
    if !old.join(manifest::FILE_NAME).is_file() {
        return Ok(true);
    }
    let mut all = true;
    for rel in foreign_files(old)?.0 {
        let to = new.join(&rel);
        if to.exists() {
            all = false;
            continue;
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(Error::io("create", parent))?;
        }
        std::fs::rename(old.join(&rel), &to).map_err(Error::io("keep", &old.join(&rel)))?;
    }
    Ok(all)
}

/// Every folder of the old kit is in the new one (also an empty one the admin made), with
/// its mode, owner and group.
fn keep_folders(old: &Path, new: &Path, folders: &[String]) -> Result<()> {
    for rel in folders {
        let (from, to) = if rel.is_empty() {
            (old.to_path_buf(), new.to_path_buf())
        } else {
            (old.join(rel), new.join(rel))
        };
        std::fs::create_dir_all(&to).map_err(Error::io("create", &to))?;
        if let Ok(meta) = std::fs::metadata(&from) {
            let _ = std::fs::set_permissions(&to, meta.permissions());
            keep_owner(&to, &meta);
        }
    }
    Ok(())
}

#[cfg(unix)]
fn keep_owner(path: &Path, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    if std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid())).is_err() {
        let _ = std::os::unix::fs::chown(path, None, Some(meta.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_: &Path, _: &std::fs::Metadata) {}

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

/// Files in an existing kit folder that its manifest does not list, and every folder in it
/// (`""` for the kit's own).
fn foreign_files(kit: &Path) -> Result<(Vec<String>, Vec<String>)> {
    if !kit.is_dir() {
        return Ok((Vec::new(), Vec::new()));
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
    let (mut foreign, mut folders) = (Vec::new(), Vec::new());
    for entry in walkdir::WalkDir::new(kit).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Io {
            action: "read",
            path: kit.to_path_buf(),
            source: e.into(),
        })?;
        let rel = entry.path().strip_prefix(kit).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_dir() {
            folders.push(rel);
        } else if !ours.contains(&rel) {
            foreign.push(rel);
        }
    }
    Ok((foreign, folders))
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
    let old = crate::input::read(&path, crate::input::cap::KIT_FILE).ok();
    if let Some(old) = old.map(|b| String::from_utf8_lossy(&b).into_owned()) {
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
    let written = std::fs::write(&temp, html).and_then(|()| std::fs::rename(&temp, &path));
    written.map_err(|e| {
        // A full disk leaves no temp file behind.
        let _ = std::fs::remove_file(&temp);
        Error::io("write", &path)(e)
    })
}
