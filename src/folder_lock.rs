//! An advisory lock on a folder being written (a run's `--out`, a sweep's folder, the window's
//! autosave): a second writer, in another process or this one, is refused with one line naming the
//! holder, so two runs never save over each other.
//!
//! The lock is `flock` on the file [`LOCK_FILE`] in the folder (created once, never removed: removing
//! a lock file while another process opens it would let two hold it). The file holds the holder's
//! process id and what it does, read back for the refusal. The operating system releases the lock
//! when the holder ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// Name of the lock file inside a locked folder.
pub const LOCK_FILE: &str = ".vae-explorer.lock";
/// Longest holder description read back from a lock file.
const MAX_HOLDER_BYTES: u64 = 256;

/// Folders this process holds, by their canonical path.
static HELD: Mutex<Vec<(PathBuf, Weak<Held>)>> = Mutex::new(Vec::new());

/// Why a folder could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum FolderLockError {
    /// Another writer holds the folder.
    #[error("{dir} is being written by {holder}; wait until it ends or choose another folder")]
    Held {
        /// The folder.
        dir: PathBuf,
        /// Who holds it ("process 4242 (train)", or "this window's run").
        holder: String,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {dir} for writing ({error}); choose a folder you can write to")]
    Io {
        /// The folder.
        dir: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
}

/// The lock on one folder, released when the last clone is dropped.
#[derive(Clone, Debug)]
pub struct FolderLock {
    _held: Arc<Held>,
}

#[derive(Debug)]
struct Held {
    /// The locked lock file; closing it releases the lock.
    _file: File,
    /// What holds it, for refusals within this process.
    holder: String,
}

impl FolderLock {
    /// Locks `dir` (which must exist) for writing by `what` ("train", "sweep", "the window's
    /// autosave"). Refused when any other writer, in this process or another, holds it.
    pub fn acquire(dir: &Path, what: &str) -> Result<Self, FolderLockError> {
        let io = |error| FolderLockError::Io { dir: dir.to_path_buf(), error };
        let canonical = std::fs::canonicalize(dir).map_err(io)?;
        let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
        held.retain(|(_, holder)| holder.strong_count() > 0);
        if let Some(holder) = held.iter().find(|(path, _)| *path == canonical).and_then(|(_, held)| held.upgrade()) {
            return Err(FolderLockError::Held { dir: dir.to_path_buf(), holder: holder.holder.clone() });
        }
        let mut file = open_lock_file(&canonical.join(LOCK_FILE)).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(FolderLockError::Held { dir: dir.to_path_buf(), holder: read_holder(&mut file) });
            }
            Err(TryLockError::Error(error)) => return Err(io(error)),
        }
        let holder = format!("process {} ({what})", std::process::id());
        // The holder's name is a courtesy for the refusal; the lock itself is what counts.
        let _ignored = file.set_len(0).and_then(|()| file.write_all(holder.as_bytes()));
        let lock = Arc::new(Held { _file: file, holder: format!("this process's {what}") });
        held.push((canonical, Arc::downgrade(&lock)));
        Ok(Self { _held: lock })
    }

    /// Holds `dir` for one write (a save): `None` when this process already holds it (a run saving
    /// into its own folder), else a lock for the write, refused when another process holds it.
    pub fn for_one_write(dir: &Path, what: &str) -> Result<Option<Self>, FolderLockError> {
        let io = |error| FolderLockError::Io { dir: dir.to_path_buf(), error };
        let canonical = std::fs::canonicalize(dir).map_err(io)?;
        let held_here = HELD
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|(path, holder)| *path == canonical && holder.strong_count() > 0);
        if held_here { Ok(None) } else { Self::acquire(dir, what).map(Some) }
    }
}

/// Opens (creating when missing) the lock file without following a link and without blocking.
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).mode(0o644);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!("{} is not a regular file", path.display())));
    }
    Ok(file)
}

/// The holder written into a lock file, escaped onto one line; "another vae-explorer" when unknown.
fn read_holder(file: &mut File) -> String {
    let mut bytes = Vec::new();
    let read = file.rewind().and_then(|()| file.take(MAX_HOLDER_BYTES).read_to_end(&mut bytes));
    let text: String = String::from_utf8_lossy(&bytes).chars().filter(|c| !c.is_control()).collect();
    if read.is_err() || text.trim().is_empty() { "another vae-explorer".to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock = FolderLock::acquire(dir.path(), "train").expect("the first writer");
        let error = FolderLock::acquire(dir.path(), "sweep").expect_err("a second writer");
        assert!(error.to_string().contains("is being written by this process's train"), "{error}");
        assert!(FolderLock::for_one_write(dir.path(), "save").expect("its own run saves").is_none());

        // Another open of the lock file, as another process would make, cannot lock it either.
        let mut other = open_lock_file(&dir.path().join(LOCK_FILE)).expect("open");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        assert_eq!(read_holder(&mut other), format!("process {} (train)", std::process::id()));

        drop(lock);
        let again = FolderLock::acquire(dir.path(), "sweep").expect("free again");
        drop(again);
        assert!(FolderLock::for_one_write(dir.path(), "save").expect("free").is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_as_lock_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        std::fs::write(outside.path().join("victim"), b"keep me").expect("write");
        std::os::unix::fs::symlink(outside.path().join("victim"), dir.path().join(LOCK_FILE)).expect("link");
        let error = FolderLock::acquire(dir.path(), "train").expect_err("a link");
        assert!(matches!(error, FolderLockError::Io { .. }), "{error}");
        assert_eq!(std::fs::read(outside.path().join("victim")).expect("read"), b"keep me");
    }
}
