//! Writing a file so that it is either wholly replaced or untouched: temporary file, sync, rename.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

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
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(folder)?;
    {
        let mut writer = io::BufWriter::new(temp.as_file_mut());
        write(&mut writer)?;
        writer.flush()?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|persist| persist.error)?;
    // Make the rename itself durable; best effort, the file is already complete.
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder) {
        let _ignored = dir.sync_all();
    }
    Ok(())
}
