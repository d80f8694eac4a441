//! Writing a picture folder's cache while its pictures are decoded: each decoded picture goes into the
//! cache's temporary file as soon as its batch is done, so the cache never needs a second copy of the
//! pixels, and a load that ends early (an error, a kill) leaves no cache, only a temporary file that
//! the next write removes.
//!
//! The file is `magic (8) | pixels [count, c, h, w] | labels [count] | header (JSON) | header length
//! (u64 LE) | CRC-32 of all before (u32 LE)`: what is known only at the end comes last.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::CrcWriter;

use super::cache::{FolderImages, Header, MAGIC, Manifest};
use crate::atomic_file::AtomicFile;
use crate::folder_lock::FolderLock;

/// Free space left on the cache's disk beyond the cache itself: a cache never fills a disk.
const KEEP_FREE_BYTES: u64 = 256 << 20;

/// A cache being written, pictures first. Dropped without [`CacheWriter::finish`], nothing replaces
/// the cache and the temporary file is removed.
pub struct CacheWriter {
    /// The cache's path.
    path: PathBuf,
    /// The cache folder's lock, held until the cache is complete.
    _lock: FolderLock,
    /// The temporary file, through the running checksum.
    file: CrcWriter<AtomicFile>,
    /// Bytes of pixels written.
    pixel_bytes: u64,
}

impl CacheWriter {
    /// Starts the cache at `path` for about `pixel_bytes` of pixels: creates the cache folder, takes its
    /// lock (another writer makes this one give up: the cache is only a shortcut), removes our
    /// temporary files that a killed write left behind, and checks that the disk has room.
    pub fn begin(path: &Path, pixel_bytes: u64) -> io::Result<Self> {
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(parent)?;
        let lock = FolderLock::acquire(parent, "picture cache").map_err(io::Error::other)?;
        crate::atomic_file::remove_our_temp_files(parent);
        if let Some(free) = free_bytes(parent)
            && free < pixel_bytes.saturating_add(KEEP_FREE_BYTES)
        {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!("{} MiB free, the cache needs {} MiB and leaves 256 MiB", free >> 20, pixel_bytes >> 20),
            ));
        }
        let mut file = CrcWriter::new(AtomicFile::create(path)?);
        file.write_all(MAGIC)?;
        Ok(Self { path: path.to_path_buf(), _lock: lock, file, pixel_bytes: 0 })
    }

    /// Appends one picture's pixels (`[c, h, w]`).
    pub fn push(&mut self, pixels: &[u8]) -> io::Result<()> {
        self.file.write_all(pixels)?;
        self.pixel_bytes += pixels.len() as u64;
        Ok(())
    }

    /// Completes the cache of `folder` (whose pixels are exactly those pushed), made from `manifest`,
    /// and puts it in place.
    pub fn finish(mut self, manifest: &Manifest, folder: &FolderImages) -> io::Result<()> {
        if self.pixel_bytes != folder.images.pixels.len() as u64 {
            return Err(io::Error::other(format!(
                "{} bytes of pixels pushed for {} held",
                self.pixel_bytes,
                folder.images.pixels.len()
            )));
        }
        let header = serde_json::to_vec(&Header::new(manifest, folder)).map_err(io::Error::other)?;
        self.file.write_all(&folder.images.labels)?;
        self.file.write_all(&header)?;
        self.file.write_all(&(header.len() as u64).to_le_bytes())?;
        let crc = self.file.crc().sum();
        let mut file = self.file.into_inner();
        file.write_all(&crc.to_le_bytes())?;
        file.commit()?;
        log::info!("wrote the cache {}", self.path.display());
        Ok(())
    }
}

/// Writes the cache of `folder`, made from `manifest`, to `path` in one go (a folder whose pixels were
/// changed after decoding, e.g. turned grey).
pub fn write_cache(path: &Path, manifest: &Manifest, folder: &FolderImages) -> io::Result<()> {
    let mut writer = CacheWriter::begin(path, folder.images.pixels.len() as u64)?;
    writer.push(&folder.images.pixels)?;
    writer.finish(manifest, folder)
}

/// Bytes free to us on the disk holding `folder`; `None` when unknown.
#[cfg(unix)]
fn free_bytes(folder: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(folder).ok()?;
    stats.f_bavail.checked_mul(stats.f_frsize)
}

#[cfg(not(unix))]
fn free_bytes(_folder: &Path) -> Option<u64> {
    None
}
