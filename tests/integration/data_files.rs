//! IDX folders on disk: good files load, every kind of damage is a clear error.

use vae_explorer::data::{DataError, DataSource};

use crate::support::{write_images, write_labels};

#[test]
fn a_good_gzip_folder_loads_with_its_test_split() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte.gz"), 50, 28, true);
    write_labels(&dir.path().join("train-labels-idx1-ubyte.gz"), 50, true);
    write_images(&dir.path().join("t10k-images-idx3-ubyte"), 20, 28, false);
    write_labels(&dir.path().join("t10k-labels-idx1-ubyte"), 20, false);
    let dataset = DataSource::Folder(dir.path().to_path_buf()).load().expect("valid folder");
    assert_eq!((dataset.train.len(), dataset.heldout.len()), (50, 20));
    assert_eq!((dataset.train.height, dataset.train.width), (28, 28));
    assert_eq!(dataset.class_names.len(), 10);
}

#[test]
fn a_folder_without_test_files_is_split() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 100, 8, false);
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 100, false);
    let dataset = DataSource::Folder(dir.path().to_path_buf()).load().expect("valid folder");
    assert_eq!((dataset.train.len(), dataset.heldout.len()), (90, 10));
}

#[test]
fn count_mismatch_names_both_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 10, 8, false);
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 9, false);
    let error = DataSource::Folder(dir.path().to_path_buf()).load().unwrap_err();
    assert!(matches!(error, DataError::CountMismatch { image_count: 10, label_count: 9, .. }), "{error}");
    assert!(error.to_string().contains("train-labels-idx1-ubyte"));
}

#[test]
fn corrupt_gzip_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = vec![0x1f, 0x8b, 8, 0];
    bytes.extend_from_slice(&[0xff; 64]);
    std::fs::write(dir.path().join("train-images-idx3-ubyte.gz"), bytes).expect("write");
    write_labels(&dir.path().join("train-labels-idx1-ubyte.gz"), 10, true);
    let error = DataSource::Folder(dir.path().to_path_buf()).load().unwrap_err();
    assert!(matches!(error, DataError::CorruptGzip { .. }), "{error}");
}

#[test]
fn truncated_gzip_member_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("train-images-idx3-ubyte.gz");
    write_images(&path, 10, 8, true);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("write");
    write_labels(&dir.path().join("train-labels-idx1-ubyte.gz"), 10, true);
    let error = DataSource::Folder(dir.path().to_path_buf()).load().unwrap_err();
    assert!(matches!(error, DataError::CorruptGzip { .. } | DataError::Truncated { .. }), "{error}");
}

#[test]
fn a_folder_without_idx_files_says_which_names_it_wants() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = DataSource::Folder(dir.path().to_path_buf()).load().unwrap_err();
    assert!(matches!(error, DataError::MissingFiles { .. }));
    assert!(error.to_string().contains("train-images-idx3-ubyte"));
}

#[test]
fn the_bundled_digits_hold_all_ten_classes() {
    let dataset = DataSource::Bundled.load().expect("bundled data");
    assert!(dataset.train.len() + dataset.heldout.len() >= 9_000);
    for class in 0..10u8 {
        assert!(dataset.heldout.labels.contains(&class), "class {class} missing from held-out");
    }
}
