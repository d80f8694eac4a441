//! Opening a file once and checking what was opened: non-blocking (a FIFO swapped in never hangs the
//! open), optionally not through a link, and the opened handle's own type, size and identity
//! (device and inode) are what is checked, never the path before the open.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::{SafeReadError, check_regular};

/// Which file on which device: equal for two paths that lead to the very same file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    /// Device number.
    device: u64,
    /// Inode number on that device.
    inode: u64,
}

impl FileIdentity {
    /// The identity of the file `metadata` describes (all zero where the platform has none).
    pub fn of(metadata: &Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Self { device: metadata.dev(), inode: metadata.ino() }
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            Self::default()
        }
    }
}

/// A regular file opened for reading, with what its handle says about it.
#[derive(Debug)]
pub struct OpenedFile {
    /// The open file.
    pub file: File,
    /// Its size in bytes when opened.
    pub len_bytes: u64,
    /// Which file it is.
    pub identity: FileIdentity,
}

/// Whether the last part of a path may be a symbolic link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    /// Follow a link to what it leads to.
    Follow,
    /// Refuse a link (the open fails and says so).
    Refuse,
}

/// Opens `path` for reading without blocking (a FIFO opens at once and is then refused) and checks the
/// opened handle: a regular file. With [`Links::Refuse`] a link in the last place is refused.
pub fn open_checked(path: &Path, links: Links) -> Result<OpenedFile, SafeReadError> {
    let io = |source| SafeReadError::Io { path: path.to_path_buf(), cause: source };
    let file = open_nonblocking(path, links).map_err(|error| {
        if links == Links::Refuse && is_link_error(&error) {
            SafeReadError::NotRegular { path: path.to_path_buf(), kind: "a link" }
        } else {
            io(error)
        }
    })?;
    let metadata = file.metadata().map_err(io)?;
    check_regular(path, &metadata)?;
    Ok(OpenedFile { len_bytes: metadata.len(), identity: FileIdentity::of(&metadata), file })
}

/// Opens the file `name` directly inside `dir` under the picture loader's link rule: a plain file is
/// opened without following anything; a link is followed only when it leads to a regular file inside
/// `dir`, and then that file itself is opened without following links.
pub fn open_inside(dir: &Path, name: &str) -> Result<OpenedFile, SafeReadError> {
    let path = dir.join(name);
    match open_checked(&path, Links::Refuse) {
        Err(SafeReadError::NotRegular { kind: "a link", .. }) => {}
        other => return other,
    }
    let io = |source| SafeReadError::Io { path: path.clone(), cause: source };
    let root = std::fs::canonicalize(dir).map_err(io)?;
    let target = std::fs::canonicalize(&path).map_err(io)?;
    if !target.starts_with(&root) {
        return Err(SafeReadError::LinkOutside { path, target });
    }
    open_checked(&target, Links::Refuse).map_err(|error| rename_path(error, &path))
}

fn rename_path(error: SafeReadError, path: &Path) -> SafeReadError {
    let path: PathBuf = path.to_path_buf();
    match error {
        SafeReadError::NotRegular { kind, .. } => SafeReadError::NotRegular { path, kind },
        SafeReadError::TooLarge { max_bytes, .. } => SafeReadError::TooLarge { path, max_bytes },
        SafeReadError::Io { cause: source, .. } => SafeReadError::Io { path, cause: source },
        other @ SafeReadError::LinkOutside { .. } => other,
    }
}

fn open_nonblocking(path: &Path, links: Links) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_follow = if links == Links::Refuse { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | no_follow);
    }
    #[cfg(not(unix))]
    if links == Links::Refuse && std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(io::Error::other("a link"));
    }
    options.open(path)
}

/// True when an open with `O_NOFOLLOW` failed because the path is a link.
fn is_link_error(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        error.to_string() == "a link"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_are_refused_or_followed_inside_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("w.bpk"), b"inside").expect("write");
        std::fs::write(outside.path().join("secret"), b"outside").expect("write");
        std::os::unix::fs::symlink(dir.path().join("w.bpk"), dir.path().join("in.bpk")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("out.bpk")).expect("link");

        assert_eq!(open_inside(dir.path(), "w.bpk").expect("plain").len_bytes, 6);
        assert_eq!(open_inside(dir.path(), "in.bpk").expect("a link inside").len_bytes, 6);
        let error = open_inside(dir.path(), "out.bpk").expect_err("a link outside");
        assert!(matches!(error, SafeReadError::LinkOutside { .. }), "{error}");
        let error = open_checked(&dir.path().join("in.bpk"), Links::Refuse).expect_err("a link");
        assert!(error.to_string().contains("is a link"), "{error}");
        let followed = open_checked(&dir.path().join("in.bpk"), Links::Follow).expect("followed");
        let plain = open_checked(&dir.path().join("w.bpk"), Links::Refuse).expect("plain");
        assert_eq!(followed.identity, plain.identity);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|status| status.success());
        if !made {
            return; // no mkfifo on this machine
        }
        for links in [Links::Follow, Links::Refuse] {
            let error = open_checked(&fifo, links).expect_err("a FIFO");
            assert!(matches!(error, SafeReadError::NotRegular { kind: "a FIFO", .. }), "{error}");
        }
        let error = open_inside(dir.path(), "pipe").expect_err("a FIFO");
        assert!(matches!(error, SafeReadError::NotRegular { kind: "a FIFO", .. }), "{error}");
    }
}
