//! Where exports go and how writing and reading them fails: files replaced atomically, missing or
//! read-only folders, a file where a folder should be, unreadable files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use image::RgbImage;
use vae_explorer::export::*;

use crate::support::{entries, frame, text};

#[test]
fn write_png_replaces_existing_file_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");
    std::fs::write(&path, b"old contents").unwrap();
    write_png(&path, &frame(2, 2, 200), &text(&[("vae-explorer:seed", "7")])).unwrap();
    assert_eq!(read_png_text(&path).unwrap(), text(&[("vae-explorer:seed", "7")]));
    assert_eq!(entries(dir.path()), vec!["grid.png".to_owned()]);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "exports are readable by others unless the umask says otherwise");
    }
}

#[test]
fn write_png_rejects_empty_image() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_png(&dir.path().join("e.png"), &RgbImage::new(0, 5), &[]).unwrap_err();
    assert!(matches!(err, ExportError::EmptyImage { width: 0, height: 5 }), "{err:?}");
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn writing_into_missing_directory_fails_naming_path_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist");
    for path in [missing.join("grid.png"), missing.join("anim.gif")] {
        let err = if path.extension().is_some_and(|e| e == "png") {
            write_png(&path, &frame(2, 2, 0), &[]).unwrap_err()
        } else {
            write_gif(&path, &[frame(2, 2, 0)], 10.0, false).unwrap_err()
        };
        let message = err.to_string();
        assert!(matches!(&err, ExportError::Write { path: p, .. } if *p == path), "{err:?}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("does not exist"), "{message}");
        assert!(!path.exists());
    }
    assert!(!missing.exists());
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn writing_where_parent_is_a_file_fails_naming_path_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"plain file").unwrap();
    let path = file.join("grid.png");

    let err = write_png(&path, &frame(2, 2, 0), &[]).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ExportError::Write { .. }), "{err:?}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("not a folder"), "{message}");

    let err = write_gif(&path.with_extension("gif"), &[frame(2, 2, 0)], 10.0, false).unwrap_err();
    assert!(matches!(err, ExportError::Write { .. }), "{err:?}");

    assert_eq!(std::fs::read(&file).unwrap(), b"plain file");
    assert_eq!(entries(dir.path()), vec!["not-a-folder".to_owned()]);
}

#[test]
fn writing_onto_a_folder_fails_and_removes_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("taken.png");
    std::fs::create_dir(&folder).unwrap();

    let err = write_png(&folder, &frame(2, 2, 0), &[]).unwrap_err();
    assert!(matches!(err, ExportError::NoFileName { .. }), "{err:?}");
    assert!(err.to_string().contains(&folder.display().to_string()), "{err}");
    assert!(folder.is_dir());
    assert!(entries(&folder).is_empty());
    assert_eq!(entries(dir.path()), vec!["taken.png".to_owned()], "temporary file cleaned up");

    let err = write_png(Path::new("/"), &frame(1, 1, 0), &[]).unwrap_err();
    assert!(matches!(err, ExportError::NoFileName { .. }), "{err:?}");
}

#[test]
fn a_folder_path_or_another_formats_extension_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let missing_folder = dir.path().join("adir/");
    let err = write_png(&missing_folder, &frame(1, 1, 0), &[]).unwrap_err();
    assert!(err.to_string().contains("it names a folder, not a file"), "{err}");
    for name in ["x.jpg", "x.gif", "x.PNG.webp"] {
        let err = write_png(&dir.path().join(name), &frame(1, 1, 0), &[]).unwrap_err();
        assert!(
            err.to_string().contains("extension names another format than the PNG written; end the name in .png"),
            "{err}"
        );
    }
    write_png(&dir.path().join("upper.PNG"), &frame(1, 1, 0), &[]).expect("any case");
    assert_eq!(entries(dir.path()), vec!["upper.PNG".to_owned()], "nothing else was written");
}

#[cfg(unix)]
#[test]
fn writing_into_read_only_folder_says_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root (and some CI sandboxes) ignore folder permissions; there is nothing to test then.
    let probe = locked.join("probe");
    let enforced = std::fs::write(&probe, b"").is_err();
    let _ = std::fs::remove_file(&probe);

    if enforced {
        let path = locked.join("grid.png");
        let err = write_png(&path, &frame(2, 2, 0), &[]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with(&format!("cannot write {}: permission denied", path.display())), "{message}");
        assert!(message.contains("choose a folder you can write to"), "{message}");
        assert!(entries(&locked).is_empty());
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn reading_missing_or_invalid_files_gives_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.png");
    let err = read_png_text(&missing).unwrap_err();
    assert!(matches!(err, ExportError::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(matches!(gif_frame_count(&missing), Err(ExportError::Read { .. })));

    let junk = dir.path().join("junk.png");
    std::fs::write(&junk, b"definitely not an image").unwrap();
    assert!(matches!(read_png_text(&junk), Err(ExportError::PngDecode { .. })));
    assert!(matches!(gif_frame_count(&junk), Err(ExportError::GifDecode { .. })));
}
