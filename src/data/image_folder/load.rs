//! Loading an image folder: list it, take the cache when the listing is unchanged, else decode every
//! picture on all cores (rayon), skip and count the unusable ones, and split train / held-out.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::cache::{CacheLocation, FolderImages, MAX_DATASET_BYTES, Manifest, cache_path, read_cache};
use super::cache_writer::{CacheWriter, write_cache};
use super::decode::{decode_picture, probe_size, read_listed_picture};
use super::preprocess::{fit_square, luma, planar_has_colour, write_planar};
use super::report::{LoadPhase, LoadProgress, SkipReport};
use super::scan::{FolderScan, scan_folder};
use crate::data::dataset::{BUNDLED_HELDOUT_FRACTION, BUNDLED_SPLIT_SEED};
use crate::data::{DataError, Dataset, FolderMeasure, ImageSet, PreprocessingChoice, SplitPaths};

/// Loads the pictures in `dir` with `choice` (open fields take their defaults from the pictures).
///
/// Never writes into `dir`; writes the cache in `cache` when it was missing or stale.
pub fn load_image_folder(
    dir: &Path,
    choice: &PreprocessingChoice,
    cache: &CacheLocation,
    progress: &(dyn Fn(LoadProgress) + Sync),
) -> Result<Dataset, DataError> {
    choice.validate().map_err(DataError::Preprocessing)?;
    let scan = scan_folder(dir, progress)?;
    if scan.files.is_empty() && scan.refused.is_empty() {
        return Err(DataError::NoImages { dir: dir.to_path_buf() });
    }
    let manifest = Manifest::new(&scan, choice);
    let cache = cache_path(&scan, choice, cache);
    let cached = cache.as_deref().filter(|path| path.is_file()).and_then(|path| {
        let total = scan.files.len();
        progress(LoadProgress { phase: LoadPhase::ReadingCache, done: 0, total });
        let folder = read_cache(path, &manifest)?;
        progress(LoadProgress { phase: LoadPhase::ReadingCache, done: total, total });
        Some(folder)
    });
    let folder = match cached {
        Some(folder) => folder,
        None => decode_folder(dir, &scan, choice, cache.as_deref().map(|path| (path, &manifest)), progress)?,
    };
    Ok(into_dataset(dir, folder))
}

/// Pictures decoded on all cores before their pixels go into the cache: enough to keep every core busy,
/// few enough that the cache is written while decoding goes on.
const DECODE_BATCH_BYTES: usize = 32 << 20;

/// Decodes every listed picture into one image set, writing each batch of decoded pictures into the
/// cache at `cache` (when given) as it is done.
fn decode_folder(
    dir: &Path,
    scan: &FolderScan,
    choice: &PreprocessingChoice,
    cache: Option<(&Path, &Manifest)>,
    progress: &(dyn Fn(LoadProgress) + Sync),
) -> Result<FolderImages, DataError> {
    let files = &scan.files;
    let mut failures: Vec<Option<String>> = vec![None; files.len()];
    let measure = match choice.image_size_px {
        Some(_) => FolderMeasure::default(),
        None => measure_sizes(scan, &mut failures, progress),
    };
    // Channels still open: decode in colour, and drop to grey below when no picture shows colour.
    let mut preprocessing = choice.resolve(&FolderMeasure { any_colour: true, ..measure });
    let values = preprocessing.shape().values();
    let too_large = || DataError::TooLargeDataset {
        dir: dir.to_path_buf(),
        count: files.len(),
        shape: preprocessing.shape().to_string(),
        max_mib: MAX_DATASET_BYTES >> 20,
    };
    let total_bytes = files.len().checked_mul(values).filter(|&bytes| bytes as u64 <= MAX_DATASET_BYTES);
    let total_bytes = total_bytes.ok_or_else(too_large)?;
    // The pixels, and the held-out images copied out of them at the split.
    let needed_bytes = (total_bytes as u64).saturating_add((total_bytes as f64 * BUNDLED_HELDOUT_FRACTION) as u64);
    crate::memory_budget::check(
        needed_bytes,
        format!("holding {} pictures of {}", files.len(), preprocessing.shape()),
        "choose a smaller --image-size, --channels 1, or fewer pictures",
    )?;
    let mut pixels = vec![0u8; total_bytes];
    let mut cache_writer = cache.and_then(|(path, _)| {
        CacheWriter::begin(path, total_bytes as u64)
            .map_err(|error| log::warn!("not writing the cache {}: {error}", path.display()))
            .ok()
    });
    let done = AtomicUsize::new(0);
    let report = |phase| tick(&done, files.len(), phase, progress);
    let size_px = preprocessing.image_size_px as u32;
    let mut skipped = scan.refused.clone();
    let mut labels = Vec::with_capacity(files.len());
    let mut sources = Vec::with_capacity(files.len());
    let batch = (DECODE_BATCH_BYTES / values).max(rayon::current_num_threads() * 4);
    for start in (0..files.len()).step_by(batch) {
        let end = (start + batch).min(files.len());
        let outcomes: Vec<Option<String>> = pixels[start * values..end * values]
            .par_chunks_mut(values)
            .zip(files[start..end].par_iter())
            .zip(failures[start..end].par_iter())
            .map(|((slot, file), failure)| {
                let outcome = match failure {
                    Some(reason) => Some(reason.clone()),
                    None => guarded(|| {
                        let image = decode_picture(&read_listed_picture(&scan.root, file)?, size_px)?;
                        let square = fit_square(&image, size_px, preprocessing.fit, preprocessing.background);
                        write_planar(&square, preprocessing.channels, slot);
                        Ok(())
                    })
                    .err(),
                };
                report(LoadPhase::Decoding);
                outcome
            })
            .collect();
        // Usable pictures move down over the skipped ones, and go into the cache in order.
        for (index, outcome) in (start..end).zip(outcomes) {
            let file = &files[index];
            if let Some(reason) = outcome {
                skipped.add(file.relative_path.clone(), reason);
                continue;
            }
            let kept = labels.len();
            pixels.copy_within(index * values..(index + 1) * values, kept * values);
            labels.push(file.class);
            sources.push(crate::display_name::escaped_path(&file.relative_path));
            if let Some(writer) = &mut cache_writer
                && let Err(error) = writer.push(&pixels[kept * values..(kept + 1) * values])
            {
                log::warn!("stopped writing the cache: {error}");
                cache_writer = None;
            }
        }
    }
    let kept = labels.len();
    pixels.truncate(kept * values);
    if kept < 2 {
        return Err(DataError::TooFewImages { dir: dir.to_path_buf(), usable: kept, skipped: skipped_line(&skipped) });
    }
    let mut turned_grey = false;
    if choice.channels.is_none() && !pixels.par_chunks(values).any(planar_has_colour) {
        pixels = to_grey(&pixels, values);
        preprocessing.channels = 1;
        turned_grey = true;
    }
    let (class_names, labels) = drop_empty_classes(&scan.class_names, &labels);
    let shape = preprocessing.shape();
    let images = ImageSet { channels: shape.channels, height: shape.height, width: shape.width, pixels, labels };
    let folder = FolderImages { preprocessing, class_names, has_classes: scan.has_classes, skipped, images, sources };
    if let Some((path, manifest)) = cache {
        let written = match (cache_writer, turned_grey) {
            (Some(writer), false) => writer.finish(manifest, &folder),
            // The colour pixels streamed are not what is kept: the grey ones (a third) are written now.
            (Some(writer), true) => {
                drop(writer);
                write_cache(path, manifest, &folder)
            }
            (None, _) => Ok(()),
        };
        if let Err(error) = written {
            log::warn!("cannot write the cache {}: {error}", path.display());
        }
    }
    Ok(folder)
}

/// Reads every picture's header: the size they share, if any. Unreadable files are marked failed.
fn measure_sizes(
    scan: &FolderScan,
    failures: &mut [Option<String>],
    progress: &(dyn Fn(LoadProgress) + Sync),
) -> FolderMeasure {
    let done = AtomicUsize::new(0);
    let sizes: Vec<Result<(u32, u32), String>> = scan
        .files
        .par_iter()
        .map(|file| {
            let size = guarded(|| probe_size(&read_listed_picture(&scan.root, file)?));
            tick(&done, scan.files.len(), LoadPhase::Measuring, progress);
            size
        })
        .collect();
    let mut common: Option<(u32, u32)> = None;
    let mut shared = true;
    for (failure, size) in failures.iter_mut().zip(sizes) {
        match size {
            Ok(size) => {
                shared &= common.is_none_or(|first| first == size);
                common.get_or_insert(size);
            }
            Err(reason) => *failure = Some(reason),
        }
    }
    let common_square_side_px =
        common.filter(|&(width, height)| shared && width == height).map(|(side, _)| side as usize);
    FolderMeasure { common_square_side_px, any_colour: false }
}

/// Runs `job`, turning a panic of a decoder into a skip reason.
fn guarded<T>(job: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|_| Err("the decoder failed on it".to_string()))
}

/// Counts one file done and reports now and then (about 200 times per stage).
fn tick(done: &AtomicUsize, total: usize, phase: LoadPhase, progress: &(dyn Fn(LoadProgress) + Sync)) {
    let now = done.fetch_add(1, Ordering::Relaxed) + 1;
    if now == total || now.is_multiple_of((total / 200).max(1)) {
        progress(LoadProgress { phase, done: now, total });
    }
}

/// Planar RGB images (`values` bytes each) as grey planes.
fn to_grey(pixels: &[u8], values: usize) -> Vec<u8> {
    let plane = values / 3;
    pixels
        .chunks_exact(values)
        .flat_map(|image| {
            (0..plane).map(move |index| luma([image[index], image[plane + index], image[2 * plane + index]]))
        })
        .collect()
}

/// Removes classes without a usable picture, renumbering the rest in order.
fn drop_empty_classes(names: &[String], classes: &[usize]) -> (Vec<String>, Vec<u8>) {
    let mut used = vec![false; names.len()];
    for &class in classes {
        if let Some(slot) = used.get_mut(class) {
            *slot = true;
        }
    }
    let mut renumbered = vec![0u8; names.len()];
    let mut kept_names = Vec::new();
    for (index, name) in names.iter().enumerate() {
        if used[index] {
            renumbered[index] = kept_names.len().min(255) as u8;
            kept_names.push(name.clone());
        }
    }
    let labels = classes.iter().map(|&class| renumbered.get(class).copied().unwrap_or_default()).collect();
    (kept_names, labels)
}

fn skipped_line(skipped: &SkipReport) -> String {
    if skipped.is_empty() { "nothing was skipped".to_string() } else { skipped.summary(5) }
}

/// The dataset of a loaded folder, split as the bundled digits are (at least one held-out picture).
fn into_dataset(dir: &Path, folder: FolderImages) -> Dataset {
    let FolderImages { preprocessing, class_names, has_classes, skipped, images, sources } = folder;
    let (train_indices, heldout_indices) = images.split_indices(BUNDLED_HELDOUT_FRACTION, BUNDLED_SPLIT_SEED);
    let pick = |indices: &[usize]| indices.iter().filter_map(|&index| sources.get(index).cloned()).collect();
    let mut paths = SplitPaths { train: pick(&train_indices), heldout: pick(&heldout_indices) };
    let (mut train, mut heldout) = images.into_stratified_split(BUNDLED_HELDOUT_FRACTION, BUNDLED_SPLIT_SEED);
    if heldout.is_empty() && train.len() >= 2 {
        let last = train.len() - 1;
        heldout = train.select(&[last]);
        train = train.select(&(0..last).collect::<Vec<_>>());
        paths.heldout = paths.train.split_off(last.min(paths.train.len()));
    }
    Dataset {
        name: dir.display().to_string(),
        class_names,
        train,
        heldout,
        has_classes,
        skipped,
        preprocessing: Some(preprocessing),
        paths,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_classes_are_dropped_and_labels_renumbered() {
        let names = ["a", "b", "c"].map(String::from);
        let (kept, labels) = drop_empty_classes(&names, &[2, 0, 2]);
        assert_eq!(kept, ["a", "c"]);
        assert_eq!(labels, [1, 0, 1]);
    }

    #[test]
    fn grey_conversion_reads_the_three_planes() {
        // Two 1×2 images, planar RGB.
        let pixels = [255, 0, 255, 0, 255, 0, 10, 10, 10, 10, 10, 10];
        assert_eq!(to_grey(&pixels, 6), [255, 0, 10, 10]);
    }
}
