//! Writing a file so that it is either wholly replaced or untouched: temporary file, sync, rename.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Prefix of the temporary files created beside a destination while it is written.
const TEMP_PREFIX: &str = ".vae-explorer-";

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
