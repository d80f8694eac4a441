//! Reading user files safely: regular files only (a FIFO or device would hang or never end), with
//! a size cap checked before anything is allocated, and plain file names for files that another
//! file names (a checkpoint's weights live in its own folder, nowhere else). Every open is made once,
//! without blocking, and the opened handle is what is checked (see [`open`]).

mod open;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::display_name::escaped_path;
pub use open::{FileIdentity, Links, OpenedFile, open_checked, open_inside};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SafeReadError {
    /// The path is a folder, FIFO, socket or device, not a regular file.
    #[error("{} is {kind}, not a regular file; choose a regular file", escaped_path(.path))]
    NotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a folder", "a FIFO", …).
        kind: &'static str,
    },
    /// The file (or what it inflates to) is larger than the reader accepts.
    #[error("{} holds more than {max_bytes} bytes, more than vae-explorer accepts for it", escaped_path(.path))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        max_bytes: u64,
    },
    /// A link in a folder leads to a file outside that folder.
    #[error(
        "{} is a link to {}, outside its folder; replace the link by the file itself",
        escaped_path(.path),
        escaped_path(.target)
    )]
    LinkOutside {
        /// The link.
        path: PathBuf,
        /// Where it leads.
        target: PathBuf,
    },
    /// The OS refused.
    #[error("cannot read {}: {cause}", escaped_path(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        cause: std::io::Error,
    },
}

/// Opens `path` for reading only if it is a regular file (symlinks are followed), and returns it
/// with its size in bytes. Never blocks on a FIFO: the file is opened without blocking and the opened
/// handle is checked.
pub fn open_regular(path: &Path) -> Result<(File, u64), SafeReadError> {
    let opened = open_checked(path, Links::Follow)?;
    Ok((opened.file, opened.len_bytes))
}

/// Reads the whole regular file at `path`, refusing files over `max_bytes` before reading.
pub fn read_regular(path: &Path, max_bytes: u64) -> Result<Vec<u8>, SafeReadError> {
    read_opened(open_checked(path, Links::Follow)?, max_bytes, path)
}

/// Reads the whole regular file `name` inside `dir` (a link only when it leads inside `dir`, see
/// [`open_inside`]), refusing files over `max_bytes` before reading.
pub fn read_inside(dir: &Path, name: &str, max_bytes: u64) -> Result<Vec<u8>, SafeReadError> {
    read_opened(open_inside(dir, name)?, max_bytes, &dir.join(name))
}

/// Reads an opened file whose size passed `max_bytes`.
pub fn read_opened(opened: OpenedFile, max_bytes: u64, path: &Path) -> Result<Vec<u8>, SafeReadError> {
    if opened.len_bytes > max_bytes {
        return Err(SafeReadError::TooLarge { path: path.to_path_buf(), max_bytes });
    }
    read_capped(opened.file, max_bytes, path)
}

/// Reads `reader` to its end, failing once it yields more than `max_bytes` (a gzip stream or a
/// growing file can hold more than its size promised). `path` names it in errors.
pub fn read_capped(reader: impl Read, max_bytes: u64, path: &Path) -> Result<Vec<u8>, SafeReadError> {
    let mut bytes = Vec::new();
    let read = reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| SafeReadError::Io { path: path.to_path_buf(), cause: source })?;
    if u64::try_from(read).unwrap_or(u64::MAX) > max_bytes {
        return Err(SafeReadError::TooLarge { path: path.to_path_buf(), max_bytes });
    }
    Ok(bytes)
}

/// True when `name` names a file directly inside a folder: not empty, not absolute, no path
/// separator, not `.` or `..`.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !Path::new(name).is_absolute()
}

fn check_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<(), SafeReadError> {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    Err(SafeReadError::NotRegular { path: path.to_path_buf(), kind: non_regular_kind(&file_type) })
}

/// What a file system entry that is not a regular file is, for messages: "a folder", "a FIFO",
/// "a socket", "a device" or "not a file".
pub fn non_regular_kind(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() { "a folder" } else { special_kind(file_type) }
}

#[cfg(unix)]
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn special_kind(_file_type: &std::fs::FileType) -> &'static str {
    "not a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        for good in ["weights-3.bpk", "a", "..weights", "w.bpk."] {
            assert!(is_plain_file_name(good), "{good}");
        }
        for bad in ["", ".", "..", "../x", "/etc/passwd", "a/b", "a\\b", "x\0y"] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn folders_and_devices_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read_regular(dir.path(), 10).expect_err("a folder");
        assert!(matches!(error, SafeReadError::NotRegular { kind: "a folder", .. }), "{error}");
        #[cfg(unix)]
        {
            let error = read_regular(Path::new("/dev/zero"), 10).expect_err("a device");
            assert!(matches!(error, SafeReadError::NotRegular { kind: "a device", .. }), "{error}");
        }
    }

    #[test]
    fn size_cap_applies_before_and_while_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, [1u8; 100]).expect("write");
        assert_eq!(read_regular(&path, 100).expect("at the cap").len(), 100);
        assert!(matches!(read_regular(&path, 99), Err(SafeReadError::TooLarge { max_bytes: 99, .. })));
        assert!(matches!(read_capped(&[0u8; 50][..], 49, &path), Err(SafeReadError::TooLarge { .. })));
        assert_eq!(read_capped(&[0u8; 50][..], 50, &path).expect("fits").len(), 50);
    }
}
