//! Checking a folder before a run saves into it: writable, and empty or a checkpoint; then locked for
//! the run, and cleared of our own leftovers.

use std::path::Path;

use super::leftovers::remove_leftovers;
use super::{CheckpointError, CheckpointInfo, DESCRIPTION_FILE, read_info};
use crate::atomic_file::TEMP_PREFIX;
use crate::folder_lock::{FolderLock, LOCK_FILE};

/// Besides the description: files a checkpoint folder may hold.
pub const METRICS_FILE: &str = "metrics.json";
/// Foreign entries named in the refusal; the rest are counted.
const NAMED_ENTRIES: usize = 3;

/// What a folder chosen for a run's checkpoints holds.
#[derive(Debug)]
pub enum SaveTarget {
    /// Nothing (or only leftovers of an earlier save): it was created or is empty.
    Empty,
    /// A checkpoint, which the run's saves will replace.
    Checkpoint(Box<CheckpointInfo>),
}

/// Prepares `dir` for a run's checkpoints ([`prepare_save_target`]) and locks it for the run, named
/// `what` to a second writer, which is refused. Our own leftovers of killed saves (temporary files,
/// weights files the description does not name) are removed under the lock.
pub fn claim_save_target(dir: &Path, what: &str) -> Result<(SaveTarget, FolderLock), CheckpointError> {
    prepare_save_target(dir)?;
    let lock = FolderLock::acquire(dir, what)?;
    let current = read_info(dir).ok().map(|info| info.weights_file);
    remove_leftovers(dir, current.as_deref());
    // Checked again under the lock: what another writer may have changed meanwhile counts.
    Ok((prepare_save_target(dir)?, lock))
}

/// Makes sure `dir` can take a run's checkpoints before the run starts: creates it when missing,
/// checks it is a folder holding nothing or a loadable checkpoint (plus `metrics.json` beside a
/// description, `weights*.bpk`, the lock file and temporary files of earlier saves), and that a file
/// can be created in it. A `metrics.json` without a description is not a checkpoint: refused.
pub fn prepare_save_target(dir: &Path) -> Result<SaveTarget, CheckpointError> {
    let refuse = |found: String| CheckpointError::NotACheckpointFolder { dir: dir.to_path_buf(), found };
    let io = |error| CheckpointError::Io { path: dir.to_path_buf(), error };
    match std::fs::metadata(dir) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir).map_err(io)?,
        Err(error) => return Err(io(error)),
        Ok(metadata) if !metadata.is_dir() => return Err(refuse("is not a folder".to_string())),
        Ok(_) => {}
    }
    let mut foreign = Vec::new();
    let mut foreign_count = 0usize;
    let mut has_description = false;
    let mut has_metrics = false;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        if name == DESCRIPTION_FILE {
            has_description = true;
        } else if name == METRICS_FILE {
            has_metrics = true;
        } else if !(is_file && is_checkpoint_file(&name)) {
            foreign_count += 1;
            if foreign.len() < NAMED_ENTRIES {
                foreign.push(name);
            }
        }
    }
    if foreign_count > 0 {
        let more = foreign_count - foreign.len();
        let extra = if more > 0 { format!(" and {more} more") } else { String::new() };
        let verb = if foreign_count == 1 { "is" } else { "are" };
        return Err(refuse(format!("holds {}{extra}, which {verb} not part of a checkpoint", foreign.join(", "))));
    }
    if has_metrics && !has_description {
        return Err(refuse(format!(
            "holds {METRICS_FILE} but no {DESCRIPTION_FILE}, so it is not a checkpoint and its {METRICS_FILE} would be replaced"
        )));
    }
    let target = if has_description {
        let info =
            read_info(dir).map_err(|error| refuse(format!("holds a checkpoint that does not load ({error})")))?;
        SaveTarget::Checkpoint(Box::new(info))
    } else {
        SaveTarget::Empty
    };
    // A file of our own, removed again when dropped: proves that saves can create files here.
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".probe")
        .tempfile_in(dir)
        .map_err(|error| CheckpointError::NotWritable { dir: dir.to_path_buf(), error })?;
    Ok(target)
}

/// True for the names of files a checkpoint folder holds besides its description.
fn is_checkpoint_file(name: &str) -> bool {
    (name.starts_with("weights") && name.ends_with(".bpk")) || name.starts_with(TEMP_PREFIX) || name == LOCK_FILE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_created_and_an_empty_one_accepted() {
        let parent = tempfile::tempdir().expect("temp dir");
        let dir = parent.path().join("new").join("model");
        assert!(matches!(prepare_save_target(&dir), Ok(SaveTarget::Empty)));
        assert!(dir.is_dir());
        assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 0, "the probe file was left behind");
    }

    #[test]
    fn other_files_a_file_and_a_broken_checkpoint_are_refused_with_what_is_there() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["notes.txt", "a", "b", "c"] {
            std::fs::write(dir.path().join(name), b"mine").expect("write");
        }
        let error = prepare_save_target(dir.path()).expect_err("refused").to_string();
        assert!(error.contains("and 1 more") && error.contains("not part of a checkpoint"), "{error}");

        let file = dir.path().join("notes.txt");
        let error = prepare_save_target(&file).expect_err("refused").to_string();
        assert!(error.contains("is not a folder"), "{error}");

        let broken = tempfile::tempdir().expect("temp dir");
        std::fs::write(broken.path().join(DESCRIPTION_FILE), b"{\"weights_file\": \"../x\"}").expect("write");
        let error = prepare_save_target(broken.path()).expect_err("refused").to_string();
        assert!(error.contains("does not load"), "{error}");
    }

    #[test]
    fn metrics_alone_is_not_a_checkpoint_and_stays_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(METRICS_FILE), b"{\"mine\": 1}").expect("write");
        let error = prepare_save_target(dir.path()).expect_err("refused").to_string();
        assert!(error.contains("holds metrics.json but no checkpoint.json"), "{error}");
        assert!(claim_save_target(dir.path(), "train").is_err());
        assert_eq!(std::fs::read(dir.path().join(METRICS_FILE)).expect("read"), b"{\"mine\": 1}");
    }

    #[test]
    fn a_claimed_folder_is_locked_and_cleared_of_our_leftovers() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(".vae-explorer-Ab12Cd.tmp"), b"killed save").expect("write");
        std::fs::write(dir.path().join("weights-1-2-3.bpk"), b"orphan").expect("write");
        let (target, lock) = claim_save_target(dir.path(), "train").expect("claimed");
        assert!(matches!(target, SaveTarget::Empty));
        let error = claim_save_target(dir.path(), "train").expect_err("a second run").to_string();
        assert!(error.contains("is being written by"), "{error}");
        drop(lock);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [LOCK_FILE, "weights-1-2-3.bpk"], "weights are removed only beside a description");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_folder_is_refused_before_any_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).expect("chmod");
        let writable_anyway = tempfile::tempfile_in(dir.path()).is_ok(); // root ignores permissions
        let result = prepare_save_target(dir.path());
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        if !writable_anyway {
            let error = result.expect_err("refused").to_string();
            assert!(error.contains("cannot write into"), "{error}");
        }
    }
}
