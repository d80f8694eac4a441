//! Hostile data and image files: gzip bombs, FIFOs, folders and absurd IDX headers end in one clear error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use flate2::{Compress, Compression, FlushCompress};
use vae_explorer::data::idx::{MAX_IDX_BYTES, gunzip_if_compressed};
use vae_explorer::data::{DataError, DataSource, MAX_IMAGE_PIXELS};
use vae_explorer::digit_import::{ImportError, import_image};
use vae_explorer::safe_read::SafeReadError;

use crate::support::{write_images, write_labels};

/// Long enough for any load here; only a hang (a regression) reaches it.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Whether an error is the expected one.
type ErrorCheck = fn(&DataError) -> bool;

fn header(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|word| word.to_be_bytes()).collect()
}

/// Raw deflate of `data` ended by a full flush: byte-aligned and independent of what came before, so the
/// output can be repeated to make a long stream cheaply.
fn deflate_block(data: &[u8]) -> Vec<u8> {
    let mut compress = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() + 64);
    compress.compress_vec(data, &mut out, FlushCompress::Full).expect("deflate");
    assert_eq!(compress.total_in(), data.len() as u64, "the whole block is consumed");
    out
}

/// A gzip file that inflates to `head` followed by `zero_mib` MiB of zeros (10 MiB of gzip holds 10 GiB).
fn gzip_bomb(head: &[u8], zero_mib: usize) -> Vec<u8> {
    let zeros = deflate_block(&vec![0u8; 1 << 20]);
    assert_eq!(zeros, deflate_block(&vec![0u8; 1 << 20]), "a full flush makes blocks repeatable");
    let mut bytes = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    bytes.extend(deflate_block(head));
    for _ in 0..zero_mib {
        bytes.extend_from_slice(&zeros);
    }
    let mut finish = Compress::new(Compression::best(), false);
    let mut tail = Vec::with_capacity(64);
    finish.compress_vec(&[], &mut tail, FlushCompress::Finish).expect("deflate");
    bytes.extend(tail);
    bytes.extend_from_slice(&[0; 8]); // CRC and size: never reached
    bytes
}

/// Runs `load` on its own thread; a hang fails the test instead of stalling it.
fn without_hanging<T: Send + 'static>(load: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("hostile-load".to_string())
        .spawn(move || sender.send(load()))
        .expect("spawn a thread");
    receiver.recv_timeout(HANG_GUARD).expect("the load returned instead of blocking")
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn load_folder(dir: &Path) -> Result<vae_explorer::data::Dataset, DataError> {
    let dir: PathBuf = dir.to_path_buf();
    without_hanging(move || DataSource::Folder(dir).load())
}

fn assert_one_line(message: &str) {
    assert!(!message.trim().is_empty() && !message.contains('\n'), "not one line: {message:?}");
}

#[test]
fn a_ten_gib_gzip_bomb_stops_at_the_size_its_header_promises() {
    // 10 MiB of gzip whose header promises 1,000 images of 28×28 (784,016 bytes) but inflates to 10 GiB.
    let bomb = gzip_bomb(&header(&[0x803, 1000, 28, 28]), 10 * 1024);
    assert!(bomb.len() < 12 << 20, "the bomb is small: {} bytes", bomb.len());
    let error = gunzip_if_compressed(bomb.clone(), Path::new("bomb.gz")).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { expected: 784_016, .. }), "{error}");
    assert!(error.to_string().contains("holds more than its header says"), "{error}");
    assert!(!error.to_string().contains("out of memory"), "{error}");

    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("train-images-idx3-ubyte.gz"), &bomb).expect("write");
    write_labels(&dir.path().join("train-labels-idx1-ubyte.gz"), 1000, true);
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { .. }), "{error}");
    assert_one_line(&error.to_string());
}

#[test]
fn a_gzip_bomb_whose_header_promises_too_much_is_refused_before_inflating() {
    for words in [[0x803, u32::MAX, 28, 28], [0x803, 1 << 31, 28, 28], [0x803, 2_000_000, 28, 28]] {
        let bomb = gzip_bomb(&header(&words), 1024);
        let error = gunzip_if_compressed(bomb, Path::new("bomb.gz")).unwrap_err();
        assert!(matches!(error, DataError::HeaderTooLarge { max_bytes: MAX_IDX_BYTES, .. }), "{words:?}: {error}");
        assert_one_line(&error.to_string());
    }
    let labels_bomb = gzip_bomb(&header(&[0x801, u32::MAX]), 1024);
    let error = gunzip_if_compressed(labels_bomb, Path::new("labels.gz")).unwrap_err();
    assert!(matches!(error, DataError::HeaderTooLarge { .. }), "{error}");
}

#[test]
fn a_fifo_as_an_idx_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    mkfifo(&dir.path().join("train-images-idx3-ubyte"));
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 10, false);
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::File(SafeReadError::NotRegular { kind: "a FIFO", .. })), "{error}");
    assert!(error.to_string().contains("train-images-idx3-ubyte is a FIFO"), "{error}");

    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 10, 8, false);
    mkfifo(&dir.path().join("train-labels-idx1-ubyte.gz"));
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::File(SafeReadError::NotRegular { kind: "a FIFO", .. })), "{error}");
}

#[test]
fn a_fifo_as_classes_txt_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 10, 8, false);
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 10, false);
    mkfifo(&dir.path().join("classes.txt"));
    let error = load_folder(dir.path()).unwrap_err();
    assert!(error.to_string().contains("classes.txt is a FIFO"), "{error}");
}

#[test]
fn a_fifo_as_an_image_file_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("digit.png");
    mkfifo(&path);
    let error = without_hanging(move || import_image(&path, 28, 28)).unwrap_err();
    assert!(matches!(error, ImportError::File(SafeReadError::NotRegular { kind: "a FIFO", .. })), "{error}");
    assert_one_line(&error.to_string());
    let folder = dir.path().to_path_buf();
    let error = without_hanging(move || import_image(&folder, 28, 28)).unwrap_err();
    assert!(matches!(error, ImportError::File(SafeReadError::NotRegular { kind: "a folder", .. })), "{error}");
}

#[test]
fn a_folder_as_an_idx_file_says_it_is_a_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("train-images-idx3-ubyte")).expect("mkdir");
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 10, false);
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::File(SafeReadError::NotRegular { kind: "a folder", .. })), "{error}");
    assert!(error.to_string().contains("is a folder"), "{error}");
}

#[test]
fn huge_idx_dimensions_are_refused_from_the_header() {
    let cases: [([u32; 4], ErrorCheck); 4] = [
        ([0x803, 1, 4097, 28], |e| matches!(e, DataError::ImagesTooLarge { height: 4097, .. })),
        ([0x803, 1, u32::MAX, u32::MAX], |e| matches!(e, DataError::ImagesTooLarge { .. })),
        ([0x803, u32::MAX, 4096, 4096], |e| matches!(e, DataError::TooLargeToTrain { .. })),
        ([0x803, u32::MAX, 28, 28], |e| matches!(e, DataError::HeaderTooLarge { .. })),
    ];
    for (words, expected) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut bytes = header(&words);
        bytes.extend_from_slice(&[9; 4096]);
        std::fs::write(dir.path().join("train-images-idx3-ubyte"), &bytes).expect("write");
        write_labels(&dir.path().join("train-labels-idx1-ubyte"), 1, false);
        let error = load_folder(dir.path()).unwrap_err();
        assert!(expected(&error), "{words:?}: {error}");
        assert_one_line(&error.to_string());
    }
}

#[test]
fn images_too_large_to_train_on_are_refused_and_256_pixels_a_side_still_load() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 3, 1000, false);
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 3, false);
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::TooLargeToTrain { height: 1000, width: 1000, .. }), "{error}");
    assert!(error.to_string().contains(&MAX_IMAGE_PIXELS.to_string()), "{error}");

    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte.gz"), 20, 256, true);
    write_labels(&dir.path().join("train-labels-idx1-ubyte.gz"), 20, true);
    let dataset = load_folder(dir.path()).expect("256×256 images load");
    assert_eq!((dataset.train.height, dataset.train.width), (256, 256));
    assert_eq!(dataset.train.len() + dataset.heldout.len(), 20);
}

#[test]
fn trailing_bytes_and_damaged_classes_txt_are_clear_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 10, 8, false);
    let labels = dir.path().join("train-labels-idx1-ubyte");
    write_labels(&labels, 10, false);
    std::fs::OpenOptions::new().append(true).open(&labels).expect("open").write_all(b"extra").expect("append");
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { expected: 18, .. }), "{error}");

    write_labels(&labels, 10, false);
    std::fs::write(dir.path().join("classes.txt"), [0xff, 0xfe, b'\n', 0x80]).expect("write");
    let error = load_folder(dir.path()).unwrap_err();
    assert!(matches!(error, DataError::ClassNames { .. }), "{error}");
    std::fs::write(dir.path().join("classes.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n").expect("write");
    let dataset = load_folder(dir.path()).expect("a good classes.txt");
    assert_eq!(dataset.class_names[9], "j");
}
