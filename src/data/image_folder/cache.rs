//! The cache of loaded image folders, in the platform cache folder (or `$VAE_EXPLORER_CACHE_DIR`; empty
//! turns it off), so a second open of a large folder takes about a second.
//!
//! One file per folder and preprocessing choice, written while the pictures are decoded and put in
//! place atomically (`cache_writer.rs`):
//! `magic (8) | pixels [count, c, h, w] | labels [count] | header (JSON) | header length (u64 LE) | CRC-32 (u32 LE)`.
//! The header holds the folder's listing (relative paths, sizes, modification times): the cache is used
//! only when the listing is the same today. Every length is checked before anything is allocated and the
//! CRC before anything is used; a damaged cache is ignored (and rewritten by the load).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::CrcReader;
use serde::{Deserialize, Serialize};

use super::report::SkipReport;
use super::scan::{FolderScan, MAX_CLASSES, MAX_IMAGE_FILES};
use crate::data::{ImageSet, Preprocessing, PreprocessingChoice};
use crate::safe_read::open_regular;

/// Environment variable naming the cache folder; set it empty to turn the cache off.
pub const CACHE_DIR_ENV: &str = "VAE_EXPLORER_CACHE_DIR";
/// Most bytes of decoded pixels a folder may hold in memory (and in its cache file).
pub const MAX_DATASET_BYTES: u64 = 4 << 30;

/// The first bytes of a cache file of this layout.
pub(super) const MAGIC: &[u8; 8] = b"VAEXIF03";
/// Largest header read: the listing of [`MAX_IMAGE_FILES`] files with long names.
const MAX_HEADER_BYTES: u64 = 256 << 20;
/// Magic, header length and CRC.
const FRAME_BYTES: u64 = 8 + 8 + 4;
/// Header length and CRC, at the end.
const TRAILER_BYTES: u64 = 8 + 4;

/// The folder as it was listed: the cache is valid only for the very same listing and choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The folder, links resolved.
    root: String,
    /// The preprocessing asked for.
    choice: PreprocessingChoice,
    /// (relative path, size in bytes, modification time in ns, status change time in ns, class) of
    /// every picture file. The status change time moves with a `chmod`, so a file that was unreadable
    /// when the cache was written and is readable now is read again.
    files: Vec<(String, u64, u64, u64, usize)>,
    /// The names refused while listing.
    refused: SkipReport,
    /// Class names.
    class_names: Vec<String>,
}

impl Manifest {
    /// The manifest of `scan` loaded with `choice`.
    pub fn new(scan: &FolderScan, choice: &PreprocessingChoice) -> Self {
        Self {
            root: crate::display_name::escaped_path(&scan.root),
            choice: *choice,
            files: scan
                .files
                .iter()
                .map(|file| {
                    (
                        crate::display_name::escaped_path(&file.relative_path),
                        file.size_bytes,
                        file.modified_ns,
                        file.changed_ns,
                        file.class,
                    )
                })
                .collect(),
            refused: scan.refused.clone(),
            class_names: scan.class_names.clone(),
        }
    }
}

/// A loaded folder: what the cache holds.
#[derive(Clone, Debug)]
pub struct FolderImages {
    /// The preprocessing the images went through.
    pub preprocessing: Preprocessing,
    /// Class names (classes with no usable picture removed).
    pub class_names: Vec<String>,
    /// True when the classes are subfolders.
    pub has_classes: bool,
    /// Files not used.
    pub skipped: SkipReport,
    /// Every usable picture, in path order: [count, channels, size, size].
    pub images: ImageSet,
    /// Each image's file, relative to the folder and escaped onto one line: [count].
    pub sources: Vec<String>,
}

/// What a cache file says of its pixels and labels.
#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    manifest: Manifest,
    preprocessing: Preprocessing,
    class_names: Vec<String>,
    has_classes: bool,
    skipped: SkipReport,
    count: usize,
    /// Each image's relative path; caches written before it hold none and are decoded again.
    #[serde(default)]
    sources: Vec<String>,
}

impl Header {
    /// The header of `folder`'s cache, made from `manifest`.
    pub(super) fn new(manifest: &Manifest, folder: &FolderImages) -> Self {
        Self {
            manifest: manifest.clone(),
            preprocessing: folder.preprocessing,
            class_names: folder.class_names.clone(),
            has_classes: folder.has_classes,
            skipped: folder.skipped.clone(),
            count: folder.images.len(),
            sources: folder.sources.clone(),
        }
    }
}

/// Where the caches of picture folders go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CacheLocation {
    /// `$VAE_EXPLORER_CACHE_DIR` when set (empty: no cache), else `image-folders` in the platform cache
    /// folder (`~/.cache/vae-explorer` on Linux).
    #[default]
    Platform,
    /// This folder.
    At(PathBuf),
    /// No cache: every load decodes.
    Off,
}

impl CacheLocation {
    /// The cache folder, or `None` when caching is off.
    pub fn folder(&self) -> Option<PathBuf> {
        match self {
            Self::Platform => match std::env::var_os(CACHE_DIR_ENV) {
                Some(value) if value.is_empty() => None,
                Some(value) => Some(PathBuf::from(value)),
                None => Some(directories::ProjectDirs::from("", "", "vae-explorer")?.cache_dir().join("image-folders")),
            },
            Self::At(folder) => Some(folder.clone()),
            Self::Off => None,
        }
    }
}

/// Where the cache of `scan` loaded with `choice` lives; `None` when caching is off or the cache folder
/// lies inside the data folder (nothing is ever written there).
pub fn cache_path(scan: &FolderScan, choice: &PreprocessingChoice, location: &CacheLocation) -> Option<PathBuf> {
    let folder = location.folder()?;
    // The cache folder may not exist yet: resolve its nearest existing ancestor.
    let resolved = folder
        .ancestors()
        .find_map(|ancestor| {
            let rest = folder.strip_prefix(ancestor).ok()?;
            std::fs::canonicalize(ancestor).ok().map(|real| real.join(rest))
        })
        .unwrap_or_else(|| folder.clone());
    if resolved.starts_with(&scan.root) {
        return None;
    }
    let mut hasher = DefaultHasher::new();
    scan.root.hash(&mut hasher);
    choice.hash(&mut hasher);
    Some(folder.join(format!("{:016x}.bin", hasher.finish())))
}

/// The cached folder at `path` when it exists, is intact and was made from `manifest`; `None` otherwise
/// (the reason is logged).
pub fn read_cache(path: &Path, manifest: &Manifest) -> Option<FolderImages> {
    match try_read(path, manifest) {
        Ok(folder) => Some(folder),
        Err(reason) => {
            log::info!("not using the cache {}: {reason}", path.display());
            None
        }
    }
}

fn try_read(path: &Path, manifest: &Manifest) -> Result<FolderImages, String> {
    let (mut file, len_bytes) = match open_regular(path) {
        Ok(opened) => opened,
        Err(crate::safe_read::SafeReadError::Io { cause, .. }) if cause.kind() == io::ErrorKind::NotFound => {
            return Err("none yet".to_string());
        }
        Err(error) => return Err(error.to_string()),
    };
    if !(FRAME_BYTES..=MAX_HEADER_BYTES + MAX_DATASET_BYTES).contains(&len_bytes) {
        return Err(format!("{len_bytes} bytes is no cache size"));
    }
    let text = |error: io::Error| error.to_string();
    // The trailer first: the header's length and the checksum.
    file.seek(SeekFrom::Start(len_bytes - TRAILER_BYTES)).map_err(text)?;
    let mut trailer = [0u8; TRAILER_BYTES as usize];
    file.read_exact(&mut trailer).map_err(text)?;
    let (header_len, stored_crc) = trailer.split_at(8);
    let header_len = u64::from_le_bytes(header_len.try_into().map_err(|_| "short trailer")?);
    let stored_crc = u32::from_le_bytes(stored_crc.try_into().map_err(|_| "short trailer")?);
    if header_len > MAX_HEADER_BYTES || header_len > len_bytes - FRAME_BYTES {
        return Err(format!("header of {header_len} bytes does not fit"));
    }
    file.seek(SeekFrom::Start(len_bytes - TRAILER_BYTES - header_len)).map_err(text)?;
    let header_bytes = read_exactly(&mut file, header_len)?;
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|error| error.to_string())?;
    check_header(&header, manifest)?;
    let values = header.preprocessing.shape().checked_values().ok_or("shape overflows")?;
    let pixel_bytes = (header.count as u64).checked_mul(values as u64).ok_or("size overflows")?;
    let expected = FRAME_BYTES + pixel_bytes + header.count as u64 + header_len;
    if pixel_bytes > MAX_DATASET_BYTES || expected != len_bytes {
        return Err(format!("{len_bytes} bytes where the header announces {expected}"));
    }
    // Then everything from the start, through the checksum.
    file.seek(SeekFrom::Start(0)).map_err(text)?;
    let mut reader = CrcReader::new(io::BufReader::new(file));
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic).map_err(text)?;
    if &magic != MAGIC {
        return Err("wrong magic".to_string());
    }
    let pixels = read_exactly(&mut reader, pixel_bytes)?;
    let labels = read_exactly(&mut reader, header.count as u64)?;
    io::copy(&mut (&mut reader).take(header_len + 8), &mut io::sink()).map_err(text)?;
    if reader.crc().sum() != stored_crc {
        return Err("checksum mismatch".to_string());
    }
    if labels.iter().any(|&label| usize::from(label) >= header.class_names.len()) {
        return Err("a label names no class".to_string());
    }
    let shape = header.preprocessing.shape();
    let images = ImageSet { channels: shape.channels, height: shape.height, width: shape.width, pixels, labels };
    Ok(FolderImages {
        preprocessing: header.preprocessing,
        class_names: header.class_names,
        has_classes: header.has_classes,
        skipped: header.skipped,
        images,
        sources: header.sources,
    })
}

fn check_header(header: &Header, manifest: &Manifest) -> Result<(), String> {
    if header.manifest != *manifest {
        return Err("the folder changed since".to_string());
    }
    header.preprocessing.validate()?;
    if !manifest.choice.admits(&header.preprocessing) {
        return Err("made with another preprocessing".to_string());
    }
    if !(1..=MAX_CLASSES).contains(&header.class_names.len()) {
        return Err(format!("{} classes", header.class_names.len()));
    }
    if header.sources.len() != header.count {
        return Err(format!("{} picture paths for {} images", header.sources.len(), header.count));
    }
    if !(2..=MAX_IMAGE_FILES).contains(&header.count) {
        return Err(format!("{} images", header.count));
    }
    Ok(())
}

/// Reads exactly `len` bytes (already checked against the file's size).
fn read_exactly(reader: &mut impl Read, len: u64) -> Result<Vec<u8>, String> {
    let len = usize::try_from(len).map_err(|_| "too large for memory")?;
    let mut bytes = vec![0u8; len];
    reader.read_exact(&mut bytes).map_err(|error| error.to_string())?;
    Ok(bytes)
}
