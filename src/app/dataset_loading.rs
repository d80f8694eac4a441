//! The one place the window turns a folder into a dataset: which kind of folder it is, and the
//! load itself with progress. Runs on the file thread, never on the UI thread.

use std::path::Path;

use crate::data::{DataError, DataSource, Dataset};

/// How far a dataset load has come, for the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadStatus {
    /// Files read so far.
    pub files_done: usize,
    /// Files to read in all; 0 while they are still being listed.
    pub files_total: usize,
}

/// A loaded dataset and the files that were passed over.
#[derive(Debug)]
pub struct LoadedDataset {
    /// What was loaded (selected in the panel once it is in).
    pub source: DataSource,
    /// The images.
    pub dataset: Dataset,
    /// Files that were not readable images and were skipped.
    pub skipped_files: usize,
    /// The first few skipped files with their reasons, `"name: reason"`.
    pub skipped_examples: Vec<String>,
}

/// The data source a folder holds: IDX files or a folder of images.
///
/// MERGE: the image-folder branch adds `DataSource::detect_folder(&Path) -> DataSource`; return
/// `DataSource::detect_folder(dir)` here. Until then every folder is read as IDX files.
pub fn source_for_folder(dir: &Path) -> DataSource {
    DataSource::Folder(dir.to_path_buf())
}

/// Loads `source`, calling `progress` as files are read (from any thread, often).
///
/// MERGE: the image-folder branch adds
/// `DataSource::load_with_progress(&self, progress: &(dyn Fn(LoadProgress) + Sync))` and reports the
/// files it skipped; call it here, map its `LoadProgress` onto [`LoadStatus`] and fill
/// `skipped_files` / `skipped_examples` from its report. Until then this is `load()`, which reads
/// IDX files in one go and skips nothing.
pub fn load_dataset(source: &DataSource, progress: &(dyn Fn(LoadStatus) + Sync)) -> Result<LoadedDataset, DataError> {
    progress(LoadStatus::default());
    let dataset = source.load()?;
    Ok(LoadedDataset { source: source.clone(), dataset, skipped_files: 0, skipped_examples: Vec::new() })
}

/// One line for the status bar once a dataset is in: its size and what was skipped.
pub fn loaded_summary(loaded: &LoadedDataset) -> String {
    let dataset = &loaded.dataset;
    let mut text = format!(
        "opened {}: {} training and {} held-out images ({}), {}",
        dataset.name,
        dataset.train.len(),
        dataset.heldout.len(),
        dataset.train.shape(),
        class_summary(dataset),
    );
    if loaded.skipped_files > 0 {
        text.push_str(&format!("; skipped {} file(s) that are not readable images", loaded.skipped_files));
        if !loaded.skipped_examples.is_empty() {
            text.push_str(&format!(" ({})", loaded.skipped_examples.join("; ")));
        }
    }
    text
}

/// "10 classes" or "no classes".
fn class_summary(dataset: &Dataset) -> String {
    let classes = classes_present(dataset);
    if has_classes(classes) { format!("{classes} classes") } else { "no classes".to_string() }
}

/// How many distinct labels the dataset's images carry.
fn classes_present(dataset: &Dataset) -> usize {
    let mut seen = [false; 256];
    for &label in dataset.train.labels.iter().chain(&dataset.heldout.labels) {
        seen[usize::from(label)] = true;
    }
    seen.iter().filter(|&&present| present).count()
}

/// Whether images in `class_count` classes are sorted into classes at all.
///
/// MERGE: the image-folder branch may add `Dataset::has_classes` (a flat folder has none); use it
/// in the legend and the summary. Until then a single class counts as none.
pub fn has_classes(class_count: usize) -> bool {
    class_count > 1
}
