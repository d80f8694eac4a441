//! Listing an image folder: which files are pictures, which class each belongs to, and which may not be read.
//!
//! Only names ending in a picture extension (any case) count; hidden names (starting with `.`) are ignored.
//! Folders are entered but never through a link; a linked file is used only when it leads to a regular
//! file inside the folder. Classes are the first-level subfolders holding pictures (the torchvision
//! `ImageFolder` layout), sorted; a folder without such subfolders has no classes.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::report::{LoadPhase, LoadProgress, SkipReport};
use crate::data::DataError;
use crate::safe_read::{FileIdentity, non_regular_kind};

/// Extensions (compared without case) of the pictures read.
pub const IMAGE_EXTENSIONS: [&str; 6] = ["png", "jpg", "jpeg", "bmp", "gif", "webp"];
/// Most pictures a folder may hold.
pub const MAX_IMAGE_FILES: usize = 200_000;
/// Most entries (files and folders of any kind) looked at while listing, so a huge tree ends quickly.
pub const MAX_FOLDER_ENTRIES: usize = 2_000_000;
/// Deepest subfolder entered below the folder.
pub const MAX_FOLDER_DEPTH: usize = 32;
/// Most classes: labels are one byte.
pub const MAX_CLASSES: usize = 256;
/// The one class name of a folder without class subfolders.
pub const NO_CLASSES_NAME: &str = "(no classes)";

/// One picture file found in the folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedFile {
    /// Path below the folder.
    pub relative_path: PathBuf,
    /// Size in bytes when listed.
    pub size_bytes: u64,
    /// Modification time when listed, in nanoseconds since 1970 (0 when unknown).
    pub modified_ns: u64,
    /// Index into the class names.
    pub class: usize,
    /// The file that was checked when listed: a later open must lead to this very file.
    pub identity: FileIdentity,
    /// True when the name is a link (checked to lead inside the folder when listed).
    pub is_link: bool,
    /// Status change time when listed (a `chmod` changes it), in nanoseconds since 1970 (0 when unknown).
    pub changed_ns: u64,
}

impl ScannedFile {
    /// Opens the file again for reading and checks it is the very file that was listed (not a link, FIFO
    /// or other file swapped in since); the error is a short reason for the skip report.
    pub fn open(&self, root: &Path) -> Result<crate::safe_read::OpenedFile, crate::safe_read::SafeReadError> {
        use crate::safe_read::{Links, SafeReadError, open_checked};
        let path = root.join(&self.relative_path);
        let links = if self.is_link { Links::Follow } else { Links::Refuse };
        let opened = open_checked(&path, links)?;
        if opened.identity != self.identity {
            return Err(SafeReadError::Io { path, cause: std::io::Error::other(CHANGED_SINCE_LISTED) });
        }
        Ok(opened)
    }
}

/// Why a picture whose file was replaced between the listing and the read is skipped.
pub const CHANGED_SINCE_LISTED: &str = "replaced since the folder was listed; not read";

/// What listing a folder found.
#[derive(Clone, Debug)]
pub struct FolderScan {
    /// The folder, with links resolved.
    pub root: PathBuf,
    /// Pictures to read, sorted by path.
    pub files: Vec<ScannedFile>,
    /// Class names, sorted; [`NO_CLASSES_NAME`] alone when the folder has no class subfolders.
    pub class_names: Vec<String>,
    /// True when the classes are subfolders.
    pub has_classes: bool,
    /// Picture names that will not be read (links leading out, FIFOs, files beside the class folders).
    pub refused: SkipReport,
}

/// Lists the pictures in `dir`; `progress` hears how many were found so far.
pub fn scan_folder(dir: &Path, progress: &dyn Fn(LoadProgress)) -> Result<FolderScan, DataError> {
    let unreadable = |source| DataError::FolderUnreadable { dir: dir.to_path_buf(), cause: source };
    let root = fs::canonicalize(dir).map_err(unreadable)?;
    let mut listing = Listing { root: root.clone(), found: Vec::new(), refused: SkipReport::default(), entries: 0 };
    let mut folders = vec![(PathBuf::new(), 0usize)];
    while let Some((relative, depth)) = folders.pop() {
        let entries = match fs::read_dir(root.join(&relative)) {
            Ok(entries) => entries,
            Err(source) if relative.as_os_str().is_empty() => return Err(unreadable(source)),
            Err(source) => {
                listing.refused.add(relative, format!("folder not readable: {source}"));
                continue;
            }
        };
        for entry in entries.flatten() {
            listing.entries += 1;
            if listing.entries > MAX_FOLDER_ENTRIES {
                return Err(DataError::TooManyFiles {
                    dir: dir.to_path_buf(),
                    max: MAX_FOLDER_ENTRIES,
                    what: "entries",
                });
            }
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = relative.join(&name);
            let Ok(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                if depth < MAX_FOLDER_DEPTH {
                    folders.push((path, depth + 1));
                }
                continue;
            }
            if has_image_extension(&path) {
                listing.consider(path, file_type.is_symlink());
                if listing.found.len() > MAX_IMAGE_FILES {
                    return Err(DataError::TooManyFiles {
                        dir: dir.to_path_buf(),
                        max: MAX_IMAGE_FILES,
                        what: "pictures",
                    });
                }
            }
        }
        progress(LoadProgress { phase: LoadPhase::Listing, done: listing.found.len(), total: 0 });
    }
    listing.into_scan(dir)
}

/// True when the file name ends in one of [`IMAGE_EXTENSIONS`], in any case.
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| IMAGE_EXTENSIONS.iter().any(|known| extension.eq_ignore_ascii_case(known)))
}

/// The pictures found so far.
struct Listing {
    root: PathBuf,
    found: Vec<(PathBuf, fs::Metadata, bool)>,
    refused: SkipReport,
    entries: usize,
}

impl Listing {
    /// Keeps `path` when it is (or links to) a regular file inside the folder; refuses it otherwise.
    fn consider(&mut self, path: PathBuf, is_link: bool) {
        let absolute = self.root.join(&path);
        if is_link {
            match fs::canonicalize(&absolute) {
                Ok(target) if target.starts_with(&self.root) => {}
                Ok(_) => return self.refused.add(path, "a link leading out of the folder"),
                Err(_) => return self.refused.add(path, "a broken link"),
            }
        }
        match fs::metadata(&absolute) {
            Ok(metadata) if metadata.is_file() => self.found.push((path, metadata, is_link)),
            Ok(metadata) => {
                self.refused.add(path, format!("{}, not a regular file", non_regular_kind(&metadata.file_type())))
            }
            Err(source) => self.refused.add(path, format!("unreadable: {source}")),
        }
    }

    /// Assigns classes and sorts.
    fn into_scan(self, dir: &Path) -> Result<FolderScan, DataError> {
        let Self { root, found, mut refused, .. } = self;
        let class_of = |path: &Path| -> Option<OsString> {
            let mut components = path.components();
            let first = components.next()?;
            components.next()?;
            match first {
                Component::Normal(name) => Some(name.to_os_string()),
                _ => None,
            }
        };
        let has_classes = found.iter().any(|(path, ..)| class_of(path).is_some());
        let mut classes: BTreeMap<OsString, usize> = BTreeMap::new();
        if has_classes {
            for (path, ..) in &found {
                if let Some(class) = class_of(path) {
                    classes.entry(class).or_default();
                }
            }
            if classes.len() > MAX_CLASSES {
                return Err(DataError::TooManyClasses {
                    dir: dir.to_path_buf(),
                    count: classes.len(),
                    max: MAX_CLASSES,
                });
            }
            for (index, slot) in classes.values_mut().enumerate() {
                *slot = index;
            }
        }
        let mut files = Vec::with_capacity(found.len());
        for (path, metadata, is_link) in found {
            let class = match class_of(&path) {
                Some(class) => classes.get(&class).copied().unwrap_or_default(),
                None if has_classes => {
                    refused.add(path, "beside the class folders, not in one");
                    continue;
                }
                None => 0,
            };
            files.push(ScannedFile {
                relative_path: path,
                size_bytes: metadata.len(),
                modified_ns: since_epoch_ns(metadata.modified().ok()),
                class,
                identity: FileIdentity::of(&metadata),
                is_link,
                changed_ns: changed_ns(&metadata),
            });
        }
        files.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
        let class_names = if has_classes {
            classes.keys().map(|name| crate::display_name::escaped(name)).collect()
        } else {
            vec![NO_CLASSES_NAME.to_string()]
        };
        Ok(FolderScan { root, files, class_names, has_classes, refused })
    }
}

/// Nanoseconds from 1970 to `time` (0 when unknown or earlier).
fn since_epoch_ns(time: Option<std::time::SystemTime>) -> u64 {
    time.and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| u64::try_from(since.as_nanos()).unwrap_or(u64::MAX))
}

/// The status change time of `metadata` in nanoseconds since 1970 (0 where the platform has none).
fn changed_ns(metadata: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let seconds = u64::try_from(metadata.ctime()).unwrap_or(0);
        let nanos = u64::try_from(metadata.ctime_nsec()).unwrap_or(0);
        seconds.saturating_mul(1_000_000_000).saturating_add(nanos)
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        0
    }
}

#[cfg(test)]
mod tests;
