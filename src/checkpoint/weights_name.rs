//! Names of weights files: fresh ones for a save, and which old ones a save may remove.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::safe_read::is_plain_file_name;

/// Every weights file a save writes is named `weights-….bpk`.
const PREFIX: &str = "weights-";
const SUFFIX: &str = ".bpk";
/// Names tried before giving up on finding a free one (each try is one `stat`).
const MAX_TRIES: u64 = 1000;

/// Saves made by this process so far: part of every name, so two saves never share one.
static SAVES: AtomicU64 = AtomicU64::new(0);

/// A weights file name for a save after `epochs_done` epochs: not `current` (the name the
/// description in place gives), and not the name of anything already in `dir`.
///
/// Returns `None` only if every name tried is taken.
pub fn fresh_weights_name(dir: &Path, epochs_done: usize, current: Option<&str>) -> Option<String> {
    let process = std::process::id();
    (0..MAX_TRIES).find_map(|_| {
        let save = SAVES.fetch_add(1, Ordering::Relaxed);
        let name = format!("{PREFIX}{epochs_done}-{process}-{save}{SUFFIX}");
        let free = current != Some(name.as_str()) && std::fs::symlink_metadata(dir.join(&name)).is_err();
        free.then_some(name)
    })
}

/// True when `name`, given by a previous description in `dir`, names a file a save wrote and
/// may therefore remove once a new description is in place: a plain name of the form
/// `weights-<digits and dashes>.bpk` for a regular file (not a link, folder or anything else).
pub fn is_removable_weights(dir: &Path, name: &str) -> bool {
    let looks_like_ours = is_plain_file_name(name)
        && name.strip_prefix(PREFIX).and_then(|rest| rest.strip_suffix(SUFFIX)).is_some_and(|middle| {
            !middle.is_empty() && middle.bytes().all(|byte| byte.is_ascii_digit() || byte == b'-')
        });
    looks_like_ours && std::fs::symlink_metadata(dir.join(name)).is_ok_and(|metadata| metadata.file_type().is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_names_differ_from_the_current_one_and_from_files_present() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = fresh_weights_name(dir.path(), 3, None).expect("a name");
        std::fs::write(dir.path().join(&first), b"taken").expect("write");
        let second = fresh_weights_name(dir.path(), 3, Some(&first)).expect("a name");
        assert_ne!(first, second);
        assert!(second.starts_with("weights-3-") && second.ends_with(".bpk"), "{second}");
        assert!(is_plain_file_name(&second));
    }

    #[test]
    fn only_our_own_plain_regular_weights_files_are_removable() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["weights-3-77-0.bpk", "weights.bpk", "weights-x.bpk", "notes.txt", "checkpoint.json"] {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join("weights-4-1-1.bpk")).expect("mkdir");
        assert!(is_removable_weights(dir.path(), "weights-3-77-0.bpk"));
        for name in [
            "weights.bpk",
            "weights-x.bpk",
            "notes.txt",
            "checkpoint.json",
            "weights-4-1-1.bpk",
            "weights-9-9-9.bpk",
            "../weights-3-77-0.bpk",
            "/etc/passwd",
            "sub/weights-1-1-1.bpk",
            "",
        ] {
            assert!(!is_removable_weights(dir.path(), name), "{name:?}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("weights-5-5-5.bpk")).expect("symlink");
            assert!(!is_removable_weights(dir.path(), "weights-5-5-5.bpk"));
        }
    }
}
