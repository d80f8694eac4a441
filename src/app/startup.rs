//! Checks before the window opens: eframe's settings file must be a regular file, or reading it
//! would hang (a FIFO) or fail; a stored zoom factor eframe would crash on is reset.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::settings::check::zoom_is_sane;

/// Largest settings file read for the zoom check.
const MAX_STORAGE_BYTES: u64 = 64 * 1024 * 1024;
/// eframe's key for egui's memory (zoom factor included) in its settings file.
const EGUI_MEMORY_KEY: &str = "egui";

/// File eframe keeps its and the app's state in, inside [`eframe::storage_dir`] (eframe 0.37).
const EFRAME_STORAGE_FILE: &str = "app.ron";

/// eframe's settings file for `app_id`.
pub fn storage_file(app_id: &str) -> Option<PathBuf> {
    eframe::storage_dir(app_id).map(|dir| dir.join(EFRAME_STORAGE_FILE))
}

/// Why the stored settings cannot be used this time, if they cannot (the file is left alone).
pub fn storage_problem(app_id: &str) -> Option<String> {
    let path = storage_file(app_id)?;
    let kind = describe_non_regular(&path)?;
    Some(format!(
        "the settings file {} is {kind}, not a regular file: running without stored settings this time (move it away to use them again)",
        path.display()
    ))
}

/// Resets a stored egui zoom factor that is not finite or outside [0.25, 5] to 1, in place
/// (eframe sizes the window with it before the app starts, and 0 or NaN panics there). Every
/// other stored value is kept; the file is rewritten atomically. Returns a note when it reset.
pub fn reset_bad_zoom(path: &Path) -> Option<String> {
    let bytes = crate::safe_read::read_regular(path, MAX_STORAGE_BYTES).ok()?;
    let mut stored: HashMap<String, String> = ron::de::from_bytes(&bytes).ok()?;
    let mut memory: egui::Memory = ron::from_str(stored.get(EGUI_MEMORY_KEY)?).ok()?;
    let zoom = memory.options.zoom_factor;
    if zoom_is_sane(zoom) {
        return None;
    }
    memory.options.zoom_factor = 1.0;
    stored.insert(EGUI_MEMORY_KEY.to_string(), ron::to_string(&memory).ok()?);
    let text = ron::ser::to_string_pretty(&stored, ron::ser::PrettyConfig::default()).ok()?;
    match crate::atomic_file::write_atomically(path, text.as_bytes()) {
        Ok(()) => Some(format!("the stored zoom factor {zoom} was reset to 1")),
        Err(error) => {
            Some(format!("the stored zoom factor {zoom} could not be reset ({error}); the window may not open"))
        }
    }
}

/// What `path` is when it exists and is not a regular file (symbolic links are followed).
fn describe_non_regular(path: &std::path::Path) -> Option<&'static str> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(_) => return Some("unreadable"),
    };
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    Some(if kind.is_dir() { "a folder" } else { "a special file (FIFO, socket or device)" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage_with_zoom(path: &Path, zoom: f32) {
        let mut memory = egui::Memory::default();
        memory.options.zoom_factor = zoom;
        let mut stored = HashMap::new();
        stored.insert(EGUI_MEMORY_KEY.to_string(), ron::to_string(&memory).expect("memory as RON"));
        stored.insert("vae-explorer-settings".to_string(), "(log_scale: false)".to_string());
        std::fs::write(path, ron::to_string(&stored).expect("storage as RON")).expect("write");
    }

    #[test]
    fn a_bad_stored_zoom_is_reset_and_the_rest_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("app.ron");
        for zoom in [0.0, f32::NAN, 1e6, -3.0] {
            storage_with_zoom(&path, zoom);
            let note = reset_bad_zoom(&path).expect("a reset");
            assert!(note.contains("reset to 1"), "{note}");
            let stored: HashMap<String, String> =
                ron::from_str(&std::fs::read_to_string(&path).expect("read")).expect("still RON");
            let memory: egui::Memory = ron::from_str(&stored[EGUI_MEMORY_KEY]).expect("memory");
            assert_eq!(memory.options.zoom_factor, 1.0);
            assert_eq!(stored["vae-explorer-settings"], "(log_scale: false)");
        }
        storage_with_zoom(&path, 1.5);
        let before = std::fs::read(&path).expect("read");
        assert_eq!(reset_bad_zoom(&path), None);
        assert_eq!(std::fs::read(&path).expect("read"), before, "a good file is not rewritten");
        std::fs::write(&path, b"not ron at all").expect("write");
        assert_eq!(reset_bad_zoom(&path), None);
    }

    #[test]
    fn regular_files_and_missing_files_are_fine_others_are_not() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("app.ron");
        assert_eq!(describe_non_regular(&file), None);
        std::fs::write(&file, "{}").expect("write");
        assert_eq!(describe_non_regular(&file), None);
        assert_eq!(describe_non_regular(dir.path()), Some("a folder"));
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo.ron");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|status| status.success());
            if made {
                assert_eq!(describe_non_regular(&fifo), Some("a special file (FIFO, socket or device)"));
            }
        }
    }
}
