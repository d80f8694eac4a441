//! Picture folders that fooled the cache or the messages (issue 27, cases 12, 15 and 16): a file that
//! became readable again is read again, and odd names stay on one line and apart.

use std::path::Path;

use vae_explorer::data::image_folder::{CacheLocation, LoadPhase, load_image_folder};
use vae_explorer::data::{Dataset, Fit, PreprocessingChoice};

use crate::support::grey_png;

const CHOICE: PreprocessingChoice =
    PreprocessingChoice { image_size_px: Some(4), channels: Some(1), fit: Some(Fit::CentreCrop), background: None };

fn load(dir: &Path, cache: &Path) -> Dataset {
    load_image_folder(dir, &CHOICE, &CacheLocation::At(cache.to_path_buf()), &|_| {}).expect("load")
}

#[test]
fn a_file_changed_without_changing_its_size_or_time_is_read_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("cache");
    for index in 0..3 {
        std::fs::write(dir.path().join(format!("{index}.png")), grey_png(10)).expect("write");
    }
    // A picture that cannot be used yet (as a chmod 000 file is for its owner), and the very same
    // number of bytes that decode.
    let mut good = grey_png(200);
    good.extend_from_slice(&[0; 16]);
    let changing = dir.path().join("3.png");
    std::fs::write(&changing, vec![0x55; good.len()]).expect("write");
    let first = load(dir.path(), cache.path());
    assert_eq!(first.skipped.count, 1, "{}", first.skipped.summary(5));

    let modified = std::fs::metadata(&changing).and_then(|metadata| metadata.modified()).expect("mtime");
    std::fs::write(&changing, &good).expect("write");
    std::fs::File::options().write(true).open(&changing).and_then(|file| file.set_modified(modified)).expect("mtime");
    let metadata = std::fs::metadata(&changing).expect("metadata");
    assert_eq!((metadata.len(), metadata.modified().expect("mtime")), (good.len() as u64, modified));

    let second = load(dir.path(), cache.path());
    assert_eq!(second.skipped.count, 0, "still skipped from the cache: {}", second.skipped.summary(5));
    assert_eq!(second.train.len() + second.heldout.len(), 4);
}

#[test]
fn a_killed_cache_write_leaves_nothing_behind_after_the_next_load() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("cache");
    for index in 0..3 {
        std::fs::write(dir.path().join(format!("{index}.png")), grey_png(index * 50)).expect("write");
    }
    // What a kill -9 during a cache write leaves, and files of others that look alike.
    std::fs::write(cache.path().join(".vae-explorer-k9Xa2B.tmp"), vec![0; 4096]).expect("write");
    for theirs in ["notes.tmp", ".vae-explorer-mine.tmp.keep", "0123456789abcdef.bin.bak"] {
        std::fs::write(cache.path().join(theirs), b"theirs").expect("write");
    }
    load(dir.path(), cache.path());
    let mut names: Vec<String> = std::fs::read_dir(cache.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".bin"))
        .collect();
    names.sort();
    assert_eq!(names, [".vae-explorer-mine.tmp.keep", ".vae-explorer.lock", "0123456789abcdef.bin.bak", "notes.tmp"]);
}

#[cfg(unix)]
#[test]
fn odd_names_stay_on_one_line_apart_and_cached() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("cache");
    for class in [&b"bad\xffutf"[..], &b"bad\xfeutf"[..]] {
        let folder = dir.path().join(std::ffi::OsStr::from_bytes(class));
        std::fs::create_dir(&folder).expect("folder");
        for index in 0..2 {
            std::fs::write(folder.join(format!("{index}.png")), grey_png(index * 100)).expect("write");
        }
        std::fs::write(folder.join(std::ffi::OsStr::from_bytes(b"x\nerror: forged \xff.png")), b"junk").expect("write");
    }
    let dataset = load(dir.path(), cache.path());
    assert_eq!(dataset.class_names, ["bad\\xfeutf", "bad\\xffutf"]);
    let summary = dataset.skipped.summary(5);
    assert_eq!(dataset.skipped.count, 2, "{summary}");
    assert_eq!(summary.lines().count(), 1, "{summary}");
    assert!(summary.contains("x\\nerror: forged \\xff.png"), "{summary}");
    let cached = std::fs::read_dir(cache.path())
        .expect("list")
        .filter(|entry| entry.as_ref().is_ok_and(|entry| entry.path().extension().is_some_and(|ext| ext == "bin")))
        .count();
    assert_eq!(cached, 1, "the cache was written despite the names");
}

/// The temporary cache files (ours: `.vae-explorer-*.tmp`) in `cache` and their sizes.
fn temporary_files(cache: &Path) -> Vec<u64> {
    std::fs::read_dir(cache)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
                .filter_map(|entry| entry.metadata().ok().map(|metadata| metadata.len()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_cache_is_written_while_decoding_and_an_interrupted_load_leaves_none() {
    // 400 pictures at 256 × 256 RGB (192 KiB each): decoded in batches of about 170.
    const PICTURES: usize = 400;
    const PICTURE_BYTES: u64 = 256 * 256 * 3;
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..PICTURES {
        std::fs::write(dir.path().join(format!("{index:03}.png")), grey_png((index % 250) as u8)).expect("write");
    }
    let choice = PreprocessingChoice {
        image_size_px: Some(256),
        channels: Some(3),
        fit: Some(Fit::CentreCrop),
        background: None,
    };
    let cache = tempfile::tempdir().expect("cache");
    let location = CacheLocation::At(cache.path().to_path_buf());

    // Interrupted past the first batches: no cache, and no temporary file is left.
    let interrupted = std::panic::catch_unwind(|| {
        load_image_folder(dir.path(), &choice, &location, &|progress| {
            if progress.phase == LoadPhase::Decoding && progress.done >= 350 {
                panic!("interrupted");
            }
        })
    });
    assert!(interrupted.is_err(), "the load was interrupted");
    let left: Vec<_> =
        std::fs::read_dir(cache.path()).expect("list").flatten().map(|entry| entry.file_name()).collect();
    assert_eq!(left, [vae_explorer::folder_lock::LOCK_FILE], "nothing but the lock file is left");

    // Before the last pictures are decoded, the first ones are already in the temporary cache file.
    let written_while_decoding = std::sync::Mutex::new(0u64);
    let first = load_image_folder(dir.path(), &choice, &location, &|progress| {
        if progress.phase == LoadPhase::Decoding && progress.done >= 350 && progress.done < PICTURES {
            let largest = temporary_files(cache.path()).into_iter().max().unwrap_or(0);
            let mut written = written_while_decoding.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *written = (*written).max(largest);
        }
    })
    .expect("load");
    let written = *written_while_decoding.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(written >= 100 * PICTURE_BYTES, "only {written} bytes were in the cache while decoding");
    assert!(temporary_files(cache.path()).is_empty(), "the temporary file became the cache");

    // The cache streamed is whole: the next load reads it and gets the same pictures.
    let phases = std::sync::Mutex::new(Vec::new());
    let second = load_image_folder(dir.path(), &choice, &location, &|progress| {
        phases.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(progress.phase);
    })
    .expect("load again");
    let phases = phases.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(!phases.contains(&LoadPhase::Decoding), "read from the cache: {phases:?}");
    assert_eq!((first.train.pixels, first.heldout.pixels), (second.train.pixels, second.heldout.pixels));
    assert_eq!((first.train.labels, first.heldout.labels), (second.train.labels, second.heldout.labels));
}
