//! The runs the window keeps: the app's runs folder (one folder per Train or Continue), the runs
//! started in this session, and the newest earlier one, which "Open last session" opens. The
//! folder scans and deletions here run on the file thread.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::checkpoint::runs_scan::{RunOrigin, RunsScan, scan_runs};
use crate::checkpoint::{self, CheckpointInfo};
use crate::training::TrainingConfig;

use super::run_folders::{fresh_run_folder, run_folder_name};

/// Why a run could not be deleted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeleteRunError {
    /// Only runs in the app's runs folder are deleted from the panel (not sweeps or saved models).
    #[error("{0} is not one of the window's kept runs; delete it in your file manager")]
    NotKept(PathBuf),
    /// The folder could not be removed.
    #[error("cannot delete {dir}: {reason}")]
    Io {
        /// The run's folder.
        dir: PathBuf,
        /// What the system said.
        reason: String,
    },
}

/// The runs the window keeps.
#[derive(Debug, Default)]
pub struct KeptRuns {
    /// The app's runs folder; `None` keeps no runs (nothing is autosaved).
    pub runs_dir: Option<PathBuf>,
    /// The one autosave folder of versions before runs were kept apart, listed while it exists.
    pub legacy_dir: Option<PathBuf>,
    /// The folders of the runs started in this session, oldest first.
    pub this_session: Vec<PathBuf>,
    /// The newest run kept before this session: its folder and description.
    pub last_session: Option<(PathBuf, CheckpointInfo)>,
}

impl KeptRuns {
    /// Runs kept under `runs_dir`, with the older single autosave `legacy_dir` listed too.
    pub fn new(runs_dir: Option<PathBuf>, legacy_dir: Option<PathBuf>) -> KeptRuns {
        KeptRuns { runs_dir, legacy_dir, ..KeptRuns::default() }
    }

    /// A fresh folder for a run of `config` starting now (`continued`: a Continue of the shown
    /// model); `None` when runs are not kept.
    pub fn start_run(&mut self, config: &TrainingConfig, continued: bool) -> Option<PathBuf> {
        let runs_dir = self.runs_dir.as_ref()?;
        let mut folder = fresh_run_folder(runs_dir, &run_folder_name(SystemTime::now(), config, continued));
        // Two runs in one second: the first one's folder may not be written yet.
        let name = folder.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        let mut count = 1;
        while self.this_session.contains(&folder) {
            count += 1;
            folder = runs_dir.join(format!("{name}-{count}"));
        }
        self.this_session.push(folder.clone());
        Some(folder)
    }

    /// The folder of the run started last in this session.
    pub fn current(&self) -> Option<&Path> {
        self.this_session.last().map(PathBuf::as_path)
    }

    /// The folders a scan lists: the runs folder and the folder chosen in the panel.
    pub fn scan_folders(&self, chosen: Option<&Path>) -> Vec<PathBuf> {
        let mut folders: Vec<PathBuf> = self.runs_dir.iter().cloned().collect();
        folders.extend(chosen.filter(|chosen| self.runs_dir.as_deref() != Some(*chosen)).map(Path::to_path_buf));
        folders
    }

    /// True when `dir` is one of the window's runs (the panel may delete it).
    pub fn is_kept(&self, dir: &Path) -> bool {
        self.runs_dir.as_deref().is_some_and(|runs_dir| dir.parent() == Some(runs_dir))
    }

    /// Takes the newest run of a scan that was not started in this session as the last session's
    /// (the runs folder's names start with the time), else the older single autosave.
    pub fn note_scan(&mut self, scan: &RunsScan) {
        let kept = scan.runs.iter().filter_map(|run| match &run.origin {
            RunOrigin::Folder(dir) if self.is_kept(dir) && !self.this_session.contains(dir) => {
                Some((dir, run.info.as_ref()?))
            }
            _ => None,
        });
        let legacy = scan.runs.iter().find_map(|run| match &run.origin {
            RunOrigin::LastSession(dir) => Some((dir.clone(), run.info.clone()?)),
            _ => None,
        });
        let newest = kept.max_by(|(a, _), (b, _)| a.file_name().cmp(&b.file_name()));
        self.last_session = newest.map(|(dir, info)| (dir.clone(), info.clone())).or(legacy);
    }

    /// Follows a run's folder renamed from `from` to `to`.
    pub fn renamed(&mut self, from: &Path, to: &Path) {
        for dir in &mut self.this_session {
            if dir == from {
                *dir = to.to_path_buf();
            }
        }
        if let Some((dir, _)) = &mut self.last_session
            && dir == from
        {
            *dir = to.to_path_buf();
        }
    }

    /// What "Open last session" opens: "‹folder›: mlp, latent 16, 80 epochs".
    pub fn last_session_summary(&self) -> Option<String> {
        let (dir, info) = self.last_session.as_ref()?;
        let name = dir.file_name().map_or_else(|| dir.display().to_string(), |name| name.to_string_lossy().into());
        let config = &info.training.model;
        let (arch, latent, epochs) = (config.architecture.name(), config.latent_dim, info.epochs_done);
        Some(format!("{name}: {arch}, latent {latent}, {epochs} epochs"))
    }
}

/// Lists the runs in each of `folders` and the older single autosave `legacy_dir` (file thread).
pub fn scan_folders(folders: &[PathBuf], legacy_dir: Option<&Path>) -> RunsScan {
    let mut all = scan_runs(None, legacy_dir);
    for folder in folders {
        let scan = scan_runs(Some(folder), None);
        all.runs.extend(scan.runs);
        all.skipped += scan.skipped;
        // A runs folder not written yet (no run trained) is no error.
        if folder.exists() {
            all.error = all.error.or(scan.error);
        }
    }
    all
}

/// Deletes the run in `dir` when it is one of `kept`'s runs folder's and holds a checkpoint (file thread).
pub fn delete_run(dir: &Path, runs_dir: Option<&Path>) -> Result<PathBuf, DeleteRunError> {
    let kept = runs_dir.is_some_and(|runs_dir| dir.parent() == Some(runs_dir));
    if !kept || !dir.join(checkpoint::DESCRIPTION_FILE).is_file() {
        return Err(DeleteRunError::NotKept(dir.to_path_buf()));
    }
    std::fs::remove_dir_all(dir)
        .map_err(|error| DeleteRunError::Io { dir: dir.to_path_buf(), reason: error.to_string() })?;
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_kept_run_with_a_checkpoint_is_deleted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runs = dir.path().join("runs");
        let run = runs.join("2026-12-06_14-45-03_mlp_latent-2");
        std::fs::create_dir_all(&run).expect("mkdir");
        assert_eq!(delete_run(&run, Some(runs.as_path())), Err(DeleteRunError::NotKept(run.clone())), "no checkpoint");
        std::fs::write(run.join(checkpoint::DESCRIPTION_FILE), b"{}").expect("write");
        assert_eq!(delete_run(&run, Some(dir.path())), Err(DeleteRunError::NotKept(run.clone())), "not kept there");
        assert_eq!(delete_run(&run, Some(runs.as_path())), Ok(run.clone()));
        assert!(!run.exists());
    }

    #[test]
    fn runs_started_in_one_second_get_their_own_folders() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut kept = KeptRuns::new(Some(dir.path().to_path_buf()), None);
        let config = TrainingConfig::default();
        let first = kept.start_run(&config, false).expect("a folder");
        let second = kept.start_run(&config, false).expect("a folder");
        assert_ne!(first, second);
        assert_eq!(kept.current(), Some(second.as_path()));
        assert!(kept.is_kept(&first) && !kept.is_kept(dir.path()));
    }
}
