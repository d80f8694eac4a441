//! Writing a file so that it is either wholly replaced or untouched: temporary file, sync, rename.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Prefix of the temporary files created beside a destination while it is written (followed by 6
/// random letters or digits and `.tmp`; [`is_our_temp_name`] recognises them).
pub const TEMP_PREFIX: &str = ".vae-explorer-";
/// Random characters `tempfile` puts between our prefix and suffix.
const TEMP_RANDOM_CHARS: usize = 6;

/// True for the name of a temporary file we create: `.vae-explorer-` + 6 letters or digits + `.tmp`
/// (a write) or `.probe` (a check that a folder is writable).
pub fn is_our_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else { return false };
    let Some(random) = rest.strip_suffix(".tmp").or_else(|| rest.strip_suffix(".probe")) else { return false };
    random.len() == TEMP_RANDOM_CHARS && random.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// Removes the regular files in `dir` named as our temporary files: leftovers of a write that a kill
/// interrupted. Only call it holding the folder's lock (`crate::folder_lock`), so that no write of
/// ours is using them. Returns how many were removed.
pub fn remove_our_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(is_our_temp_name))
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}

/// Writes `bytes` to `path` via a temporary file in the same folder, synced and then renamed.
///
/// A crash or error at any point leaves the previous file at `path` (if any) intact, and the
/// temporary file is removed on every error path. The new file gets the usual permissions
/// (0666 less the umask), not the temporary file's private ones.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |writer| writer.write_all(bytes))
}

/// Like [`write_atomically`], for content too large to hold twice: `write` streams it into the
/// (buffered) temporary file, which replaces `path` only when `write` succeeds.
pub fn write_atomically_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file)?;
    file.commit()
}

/// A file being written beside its destination, which it replaces only on [`AtomicFile::commit`];
/// dropped uncommitted (an error, a refusal, a panic), its temporary file is removed.
pub struct AtomicFile {
    /// The destination.
    path: PathBuf,
    /// The temporary file, removed on drop.
    temp: tempfile::NamedTempFile,
    /// Buffered writes into it.
    writer: io::BufWriter<File>,
}

impl AtomicFile {
    /// Starts writing `path`: creates the temporary file in its folder (which must exist).
    pub fn create(path: &Path) -> io::Result<Self> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(parent_folder(path))?;
        let writer = io::BufWriter::new(temp.as_file().try_clone()?);
        Ok(Self { path: path.to_path_buf(), temp, writer })
    }

    /// Flushes and syncs the file, then renames it over the destination.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        self.temp.as_file().sync_all()?;
        let Self { path, temp, .. } = self;
        temp.persist(&path).map_err(|persist| persist.error)?;
        // Make the rename itself durable; best effort, the file is already complete.
        #[cfg(unix)]
        if let Ok(dir) = File::open(parent_folder(&path)) {
            let _ignored = dir.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.writer.write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// The folder `path` is written in (`.` for a bare file name).
fn parent_folder(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}
