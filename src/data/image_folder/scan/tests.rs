//! Tests of the folder scan: classes from first-level folders, a flat folder, the 256-class limit.

use super::*;

fn touch(path: &Path) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("folder");
    }
    fs::write(path, b"x").expect("write");
}

#[test]
fn classes_are_first_level_folders_sorted() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["b/1.PNG", "a/deep/er/2.jpeg", "a/3.webp", "c/notes.txt", ".hidden/4.png", "a/.5.png", "6.png"] {
        touch(&dir.path().join(name));
    }
    let scan = scan_folder(dir.path(), &|_| {}).expect("scan");
    assert!(scan.has_classes);
    assert_eq!(scan.class_names, ["a", "b"]);
    let listed: Vec<(String, usize)> =
        scan.files.iter().map(|file| (file.relative_path.display().to_string(), file.class)).collect();
    assert_eq!(listed, [("a/3.webp".to_string(), 0), ("a/deep/er/2.jpeg".to_string(), 0), ("b/1.PNG".to_string(), 1)]);
    assert_eq!(scan.refused.count, 1, "6.png is beside the class folders");
}

#[test]
fn a_flat_folder_has_no_classes() {
    let dir = tempfile::tempdir().expect("temp dir");
    touch(&dir.path().join("x.gif"));
    touch(&dir.path().join("y.Bmp"));
    let scan = scan_folder(dir.path(), &|_| {}).expect("scan");
    assert!(!scan.has_classes);
    assert_eq!(scan.class_names, [NO_CLASSES_NAME]);
    assert_eq!(scan.files.len(), 2);
}

#[test]
fn more_than_256_classes_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    for class in 0..=MAX_CLASSES {
        touch(&dir.path().join(format!("c{class}/x.png")));
    }
    let error = scan_folder(dir.path(), &|_| {}).expect_err("too many classes");
    assert!(error.to_string().contains("257 class folders"), "{error}");
}
