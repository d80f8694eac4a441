//! The one place the window turns a folder into a dataset: which kind of folder it is, and the
//! load itself with progress. Runs on the file thread, never on the UI thread.

use std::path::Path;

use crate::data::{DataError, DataSource, Dataset, LoadProgress};

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
pub fn source_for_folder(dir: &Path) -> DataSource {
    DataSource::detect_folder(dir)
}

/// Loads `source`, calling `progress` as files are read (from any thread, often).
pub fn load_dataset(source: &DataSource, progress: &(dyn Fn(LoadStatus) + Sync)) -> Result<LoadedDataset, DataError> {
    progress(LoadStatus::default());
    let dataset = source.load_with_progress(&|step: LoadProgress| {
        progress(LoadStatus { files_done: step.done, files_total: step.total })
    })?;
    let skipped_files = dataset.skipped.count;
    let skipped_examples =
        dataset.skipped.first.iter().map(|(path, reason)| format!("{}: {reason}", path.display())).collect();
    Ok(LoadedDataset { source: source.clone(), dataset, skipped_files, skipped_examples })
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
    if dataset.has_classes && has_classes(classes) { format!("{classes} classes") } else { "no classes".to_string() }
}

/// How many distinct labels the dataset's images carry.
fn classes_present(dataset: &Dataset) -> usize {
    let mut seen = [false; 256];
    for &label in dataset.train.labels.iter().chain(&dataset.heldout.labels) {
        seen[usize::from(label)] = true;
    }
    seen.iter().filter(|&&present| present).count()
}

/// Whether images in `class_count` classes are sorted into classes at all: a single class (a flat
/// image folder, or an IDX file with one label) counts as none.
pub fn has_classes(class_count: usize) -> bool {
    class_count > 1
}
