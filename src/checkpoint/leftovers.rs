//! Leftovers of our own in a checkpoint folder, removed by the next writer that holds the folder's lock:
//! temporary files of a save or probe that a kill interrupted, and weights files no description names.
//! Only names of exactly our own patterns, and only regular files, are ever removed.

use std::path::Path;

use super::weights_name::is_removable_weights;
use crate::atomic_file::remove_our_temp_files;

/// Removes our temporary files from `dir`, and our weights files other than `current_weights` when
/// `Some` (the name the description in place gives; `None` leaves weights alone). The caller holds the
/// folder's lock, so no save of ours is writing them. Returns how many files were removed.
pub fn remove_leftovers(dir: &Path, current_weights: Option<&str>) -> usize {
    let temporary = remove_our_temp_files(dir);
    let Some(current) = current_weights else { return temporary };
    let Ok(entries) = std::fs::read_dir(dir) else { return temporary };
    let orphans = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| name != current && is_removable_weights(dir, name))
        .filter(|name| std::fs::remove_file(dir.join(name)).is_ok())
        .count();
    temporary + orphans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_leftovers_are_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ours = [".vae-explorer-a1B2c3.tmp", ".vae-explorer-zzzzzz.probe", "weights-3-77-0.bpk"];
        let theirs = [
            ".vae-explorer-a1B2c3.tmp.bak",
            ".vae-explorer-toolong1.tmp",
            ".vae-explorer.lock",
            "weights.bpk",
            "weights-x.bpk",
            "weights-5-1-1.bpk",
            "notes.tmp",
        ];
        for name in ours.iter().chain(&theirs) {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join(".vae-explorer-abcdef.tmp")).expect("a folder of that name");
        assert_eq!(remove_leftovers(dir.path(), Some("weights-5-1-1.bpk")), ours.len());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = theirs.iter().map(|name| name.to_string()).collect();
        expected.push(".vae-explorer-abcdef.tmp".to_string());
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(remove_leftovers(dir.path(), None), 0, "no weights are removed without a description");
    }
}
