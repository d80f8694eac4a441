//! Files swapped while they are loaded (issue 27, cases 4, 6 and 8): a seeded loop swaps a picture or a
//! checkpoint file between a regular file, a link leading out of its folder and a FIFO while another
//! thread loads it, a bounded number of times. Nothing outside the folder is ever read and no load hangs.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use burn::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use vae_explorer::checkpoint::{self, CheckpointError, DESCRIPTION_FILE};
use vae_explorer::data::image_folder::{CacheLocation, load_image_folder};
use vae_explorer::data::{Fit, PreprocessingChoice};
use vae_explorer::model::VaeConfig;
use vae_explorer::safe_read::{SafeReadError, read_regular};

use crate::support::{grey_png, info_for};

/// Only a hang (a regression) reaches it.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Swaps `target` between the entries `sources` (each hard-linked or linked to a hidden temporary name,
/// then renamed over `target`) until `stop`, at seeded random moments.
fn swap_until(
    stop: Arc<AtomicBool>,
    target: PathBuf,
    sources: Vec<Entry>,
    seed: u64,
) -> std::thread::JoinHandle<usize> {
    std::thread::Builder::new()
        .name("swapper".to_string())
        .spawn(move || {
            let mut random = StdRng::seed_from_u64(seed);
            let temporary = target.with_file_name(".swap-in-progress");
            let mut swaps = 0;
            while !stop.load(Ordering::Relaxed) {
                let source = &sources[random.random_range(0..sources.len())];
                let _ = std::fs::remove_file(&temporary);
                let made = match source {
                    Entry::HardLink(path) => std::fs::hard_link(path, &temporary),
                    Entry::SymLink(path) => std::os::unix::fs::symlink(path, &temporary),
                };
                if made.is_ok() && std::fs::rename(&temporary, &target).is_ok() {
                    swaps += 1;
                }
                for _ in 0..random.random_range(0..2000) {
                    std::hint::spin_loop();
                }
            }
            swaps
        })
        .expect("spawn the swapper")
}

/// What the swapper puts in place.
enum Entry {
    /// A second name for this file (a regular file or a FIFO).
    HardLink(PathBuf),
    /// A link to this path.
    SymLink(PathBuf),
}

/// Runs `work` on its own thread; a hang fails the test.
fn without_hanging<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("racing-load".to_string())
        .spawn(move || sender.send(work()))
        .expect("spawn a thread");
    receiver.recv_timeout(HANG_GUARD).expect("the loads returned instead of hanging")
}

#[test]
fn a_picture_swapped_for_a_link_out_of_the_folder_is_never_read() {
    /// Loads at least this many, and at most [`MAX_LOADS`] until one met the link.
    const LOADS: usize = 40;
    const MAX_LOADS: usize = 400;
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    let class = dir.path().join("a");
    std::fs::create_dir(&class).expect("folder");
    for name in ["0.png", "1.png", "2.png"] {
        std::fs::write(class.join(name), grey_png(0)).expect("write");
    }
    std::fs::write(dir.path().join(".inside-original"), grey_png(0)).expect("write");
    std::fs::write(outside.path().join("secret.png"), grey_png(255)).expect("write");
    std::fs::write(class.join("zz.png"), grey_png(0)).expect("write");

    let stop = Arc::new(AtomicBool::new(false));
    let sources =
        vec![Entry::HardLink(dir.path().join(".inside-original")), Entry::SymLink(outside.path().join("secret.png"))];
    let swapper = swap_until(Arc::clone(&stop), class.join("zz.png"), sources, 27);
    let root = dir.path().to_path_buf();
    let choice = PreprocessingChoice {
        image_size_px: Some(4),
        channels: Some(1),
        fit: Some(Fit::CentreCrop),
        background: Some([0, 0, 0]),
    };
    let (outside_read, loads_ok, met_link) = without_hanging(move || {
        let (mut outside_read, mut loads_ok, mut met_link) = (0, 0, 0);
        for attempt in 0..MAX_LOADS {
            if attempt >= LOADS && met_link > 0 {
                break;
            }
            let Ok(dataset) = load_image_folder(&root, &choice, &CacheLocation::Off, &|_| {}) else { continue };
            loads_ok += 1;
            let all = dataset.train.pixels.iter().chain(&dataset.heldout.pixels);
            outside_read += usize::from(all.into_iter().any(|&value| value == 255));
            met_link += usize::from(dataset.skipped.first.iter().any(|(name, _)| name.ends_with("zz.png")));
        }
        (outside_read, loads_ok, met_link)
    });
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().expect("the swapper");
    assert!(swaps > 0 && loads_ok > 0 && met_link > 0, "swaps {swaps}, loads {loads_ok}, met the link {met_link}");
    assert_eq!(outside_read, 0, "{outside_read} of {loads_ok} loads read the picture outside the folder");
}

#[test]
fn a_fifo_swapped_in_while_opening_never_hangs_a_read() {
    /// Reads at least this many, and at most [`MAX_READS`] until both a read and a refusal were seen.
    const READS: usize = 3000;
    const MAX_READS: usize = 300_000;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(".regular"), b"{}").expect("write");
    mkfifo(&dir.path().join(".fifo"));
    let target = dir.path().join("file");
    std::fs::write(&target, b"{}").expect("write");

    let stop = Arc::new(AtomicBool::new(false));
    let sources = vec![Entry::HardLink(dir.path().join(".regular")), Entry::HardLink(dir.path().join(".fifo"))];
    let swapper = swap_until(Arc::clone(&stop), target.clone(), sources, 8);
    let (read, refused) = without_hanging(move || {
        let (mut read, mut refused) = (0, 0);
        for attempt in 0..MAX_READS {
            if attempt >= READS && read > 0 && refused > 0 {
                break;
            }
            match read_regular(&target, 1 << 10) {
                Ok(bytes) => {
                    assert_eq!(bytes, b"{}");
                    read += 1;
                }
                Err(SafeReadError::NotRegular { kind: "a FIFO", .. }) => refused += 1,
                Err(SafeReadError::Io { cause: source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
                Err(other) => panic!("unexpected: {other}"),
            }
        }
        (read, refused)
    });
    stop.store(true, Ordering::Relaxed);
    swapper.join().expect("the swapper");
    assert!(read > 0 && refused > 0, "read {read}, refused {refused}");
}

#[test]
fn checkpoint_files_linked_out_of_the_folder_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    let config = VaeConfig::new();
    checkpoint::save(dir.path(), &config.init(&Device::flex()), &info_for(&config)).expect("save");
    let weights = checkpoint::read_info(dir.path()).expect("description").weights_file;

    // The weights moved outside, a link in their place.
    std::fs::rename(dir.path().join(&weights), outside.path().join(&weights)).expect("move");
    std::os::unix::fs::symlink(outside.path().join(&weights), dir.path().join(&weights)).expect("link");
    let error = checkpoint::load(dir.path(), &Device::flex()).expect_err("weights outside");
    assert!(matches!(error, CheckpointError::Read(SafeReadError::LinkOutside { .. })), "{error}");
    assert!(error.to_string().contains("outside its folder"), "{error}");

    // A link inside the folder is followed, as the picture loader does.
    std::fs::remove_file(dir.path().join(&weights)).expect("unlink");
    std::fs::rename(outside.path().join(&weights), dir.path().join("kept.bin")).expect("move back");
    std::os::unix::fs::symlink(dir.path().join("kept.bin"), dir.path().join(&weights)).expect("link");
    checkpoint::load(dir.path(), &Device::flex()).expect("a link inside the folder loads");

    // The description outside.
    std::fs::rename(dir.path().join(DESCRIPTION_FILE), outside.path().join(DESCRIPTION_FILE)).expect("move");
    std::os::unix::fs::symlink(outside.path().join(DESCRIPTION_FILE), dir.path().join(DESCRIPTION_FILE)).expect("link");
    let error = checkpoint::read_info(dir.path()).expect_err("description outside");
    assert!(matches!(error, CheckpointError::Read(SafeReadError::LinkOutside { .. })), "{error}");
}
