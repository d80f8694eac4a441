//! Renaming a kept run: the new name is checked as it is typed (one folder name, no path), and
//! the folder is renamed on the file thread without ever replacing another folder.

use std::path::{Path, PathBuf};

use crate::checkpoint;
use crate::display_name::escaped;
use crate::folder_lock::FolderLock;

/// Longest run name, in bytes (a folder name on common file systems).
const MAX_NAME_BYTES: usize = 255;

/// Why a run could not be renamed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenameRunError {
    /// The name is empty or only spaces.
    #[error("a run's name cannot be empty")]
    Empty,
    /// The name holds a path separator or names no folder of its own.
    #[error("\"{0}\" is not one folder name: use no / or \\, and not . or ..")]
    NotAName(String),
    /// The name holds a control character (a newline, a tab…).
    #[error("\"{0}\" holds a control character")]
    Control(String),
    /// The name starts with a dot, which hides the folder.
    #[error("\"{0}\" starts with a dot, which would hide the run's folder")]
    Hidden(String),
    /// The name is longer than a folder name may be.
    #[error("the name is {0} bytes long; at most {MAX_NAME_BYTES} fit a folder name")]
    TooLong(usize),
    /// Only the window's kept runs are renamed from the panel.
    #[error("{0} is not one of the window's kept runs; rename it in your file manager")]
    NotKept(String),
    /// A file or folder of that name is already there; nothing was changed.
    #[error("{0} already exists; choose another name")]
    Exists(String),
    /// The folder is being written (a run training into it) or could not be renamed.
    #[error("cannot rename {dir}: {reason}")]
    Io {
        /// The run's folder.
        dir: String,
        /// What went wrong.
        reason: String,
    },
}

/// `name` trimmed, when it can name a run's folder.
pub fn checked_name(name: &str) -> Result<&str, RenameRunError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(RenameRunError::Empty);
    }
    let shown = || escaped(name.as_ref());
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(RenameRunError::NotAName(shown()));
    }
    if name.chars().any(char::is_control) {
        return Err(RenameRunError::Control(shown()));
    }
    if name.starts_with('.') {
        return Err(RenameRunError::Hidden(shown()));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(RenameRunError::TooLong(name.len()));
    }
    Ok(name)
}

/// Renames the kept run `dir` (a folder of `runs_dir` holding a checkpoint) to `name` beside it
/// (file thread); returns the new folder. An existing file or folder of that name is never
/// replaced, and a run being written (its folder locked) is not renamed.
pub fn rename_run(dir: &Path, name: &str, runs_dir: Option<&Path>) -> Result<PathBuf, RenameRunError> {
    let name = checked_name(name)?;
    let kept = runs_dir.filter(|runs_dir| dir.parent() == Some(*runs_dir));
    let Some(runs_dir) = kept.filter(|_| dir.join(checkpoint::DESCRIPTION_FILE).is_file()) else {
        return Err(RenameRunError::NotKept(escaped(dir.as_os_str())));
    };
    let target = runs_dir.join(name);
    let io = |reason: String| RenameRunError::Io { dir: escaped(dir.as_os_str()), reason };
    let _lock = FolderLock::acquire(dir, "rename").map_err(|error| io(error.to_string()))?;
    // Claiming the name first makes "already there" certain: creating a folder never replaces
    // one. The rename then replaces only this claimed, empty folder (it fails if anything was
    // put into it meanwhile, and the claim is taken back).
    match std::fs::create_dir(&target) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(RenameRunError::Exists(escaped(target.as_os_str())));
        }
        Err(error) => return Err(io(error.to_string())),
    }
    if let Err(error) = std::fs::rename(dir, &target) {
        let _only_if_still_empty = std::fs::remove_dir(&target);
        return Err(io(error.to_string()));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_run(runs: &Path, name: &str) -> PathBuf {
        let run = runs.join(name);
        std::fs::create_dir_all(&run).expect("mkdir");
        std::fs::write(run.join(checkpoint::DESCRIPTION_FILE), b"{}").expect("write");
        run
    }

    #[test]
    fn names_with_paths_dots_controls_or_nothing_are_refused() {
        assert_eq!(checked_name("  baseline β=1  "), Ok("baseline β=1"));
        assert_eq!(checked_name("   "), Err(RenameRunError::Empty));
        assert!(matches!(checked_name("a/b"), Err(RenameRunError::NotAName(_))));
        assert!(matches!(checked_name("..\\up"), Err(RenameRunError::NotAName(_))));
        assert!(matches!(checked_name(".."), Err(RenameRunError::NotAName(_))));
        assert!(matches!(checked_name(".hidden"), Err(RenameRunError::Hidden(_))));
        assert_eq!(checked_name("two\nlines"), Err(RenameRunError::Control("two\\nlines".into())));
        assert_eq!(checked_name(&"x".repeat(256)), Err(RenameRunError::TooLong(256)));
    }

    #[test]
    fn a_kept_run_is_renamed_and_an_existing_folder_is_never_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runs = dir.path().join("runs");
        let run = kept_run(&runs, "2026-12-06_14-45-03_mlp_latent-2");
        let other = kept_run(&runs, "baseline");
        // An empty folder is what a plain rename would silently replace.
        std::fs::create_dir(runs.join("empty")).expect("mkdir");
        for taken in ["baseline", "empty"] {
            assert!(matches!(rename_run(&run, taken, Some(&runs)), Err(RenameRunError::Exists(_))), "{taken}");
        }
        assert!(other.join(checkpoint::DESCRIPTION_FILE).is_file() && run.is_dir());
        assert!(matches!(rename_run(&run, "x", Some(dir.path())), Err(RenameRunError::NotKept(_))));
        assert!(matches!(rename_run(&runs.join("empty"), "y", Some(&runs)), Err(RenameRunError::NotKept(_))));

        let renamed = rename_run(&run, " wide prior ", Some(&runs)).expect("renamed");
        assert_eq!(renamed, runs.join("wide prior"));
        assert!(renamed.join(checkpoint::DESCRIPTION_FILE).is_file() && !run.exists());
    }

    #[test]
    fn a_run_being_written_is_not_renamed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let run = kept_run(dir.path(), "training");
        let _autosave = FolderLock::acquire(&run, "the window's autosave").expect("locked");
        assert!(matches!(rename_run(&run, "renamed", Some(dir.path())), Err(RenameRunError::Io { .. })));
        assert!(run.is_dir() && !dir.path().join("renamed").exists());
    }
}
