//! The one way to open an input file. It must be a regular file once links are followed —
//! never a named pipe, a socket or a device, which would hang a read or never end — and no
//! larger than its kind allows; a file published into the kit may also have no second
//! (hard) link, which could be a file from anywhere on the machine.

use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::Path;

/// Why an input was not read.
#[derive(Debug)]
pub enum Refused {
    /// A named pipe, a socket, a device or a folder.
    NotAFile(&'static str),
    /// Larger than its kind may be.
    TooLarge {
        bytes: u64,
        cap: u64,
    },
    /// More than one name for the file: a hard link, maybe to a file outside the project.
    Linked(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NotAFile(what) => write!(f, "it is {what}, not a regular file"),
            Refused::TooLarge { bytes, cap } => {
                write!(
                    f,
                    "it is {} and may be at most {}",
                    size(*bytes),
                    size(*cap)
                )
            }
            Refused::Linked(n) => write!(
                f,
                "it has {n} hard links, so it may be a file from outside the project; copy it in instead"
            ),
            Refused::Io(e) => write!(f, "{e}"),
        }
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Opens `path` for reading without blocking (a named pipe with no writer would wait
/// forever) and checks it is a regular file.
pub fn open(path: &Path) -> Result<(File, Metadata), Refused> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(Refused::Io)?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if let Some(what) = not_a_file(&meta) {
        return Err(Refused::NotAFile(what));
    }
    Ok((file, meta))
}

/// What a non-regular file is, in words; `None` for a regular file.
pub fn not_a_file(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a named pipe");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some(if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    })
}

/// The number of names a file has (1 but for hard links).
pub fn links(meta: &Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Opens a file the command was pointed at (a ledger, an export, a baseline) for
/// streaming, as [`open`]; the error names it.
pub fn open_file(path: &Path) -> crate::Result<File> {
    open(path)
        .map(|(file, _)| file)
        .map_err(|why| crate::Error::Input {
            path: path.to_path_buf(),
            why,
        })
}

/// Reads a whole input of at most `cap` bytes.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    let (file, meta) = open(path)?;
    if meta.len() > cap {
        return Err(Refused::TooLarge {
            bytes: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: read one byte past the cap to notice.
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > cap {
        return Err(Refused::TooLarge {
            bytes: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Reads a file the kit publishes: as [`read`], and it may have only one link.
pub fn read_published(path: &Path, cap: u64) -> Result<Vec<u8>, Refused> {
    let (_, meta) = open(path)?;
    if links(&meta) > 1 {
        return Err(Refused::Linked(links(&meta)));
    }
    read(path, cap)
}

/// Caps per kind of input, in bytes.
pub mod cap {
    /// `project.toml`, `print.toml`, an `i18n/<lang>.toml`.
    pub const SETTINGS: u64 = 1 << 20;
    /// A QR image (its pixels are capped from its header, too).
    pub const IMAGE: u64 = 32 << 20;
    /// A theme file: a template, a stylesheet, a font.
    pub const THEME_FILE: u64 = 32 << 20;
    /// `manifest.json` of a kit.
    pub const MANIFEST: u64 = 16 << 20;
    /// A file of a built kit, for `verify`.
    pub const KIT_FILE: u64 = 256 << 20;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_pipes_are_refused_at_once() {
        assert!(matches!(
            read(Path::new("/dev/zero"), 10),
            Err(Refused::NotAFile("a device"))
        ));
        let dir = tempfile_dir();
        let fifo = dir.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read(&fifo, 10),
            Err(Refused::NotAFile("a named pipe"))
        ));
        std::fs::write(dir.join("big"), vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read(&dir.join("big"), 10),
            Err(Refused::TooLarge { bytes: 11, cap: 10 })
        ));
        std::fs::hard_link(dir.join("big"), dir.join("link")).unwrap();
        assert!(matches!(
            read_published(&dir.join("link"), 100),
            Err(Refused::Linked(2))
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("mobileid-kit-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
