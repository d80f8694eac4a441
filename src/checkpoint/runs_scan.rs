//! The runs the Runs panel lists, read from checkpoint folders on the file thread: every
//! sub-folder of a chosen folder that holds a checkpoint (a sweep's runs, saved models), the
//! folder itself when it is one, and the last session's autosave. Plain data, no egui.

use std::path::{Path, PathBuf};

use crate::checkpoint::{self, CheckpointInfo};
use crate::training::EpochReport;

/// Most sub-folders looked at in one scan (the rest are left out, and counted).
pub const MAX_SCANNED_FOLDERS: usize = 500;

/// A measure plotted per epoch and shown in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum RunMetric {
    /// Held-out −ELBO, nats per image.
    #[default]
    NegElbo,
    /// Held-out PSNR, dB.
    Psnr,
    /// Held-out SSIM.
    Ssim,
    /// Held-out LPIPS (shift-tolerant AlexNet), when its weights were there.
    Lpips,
    /// Active latent units.
    ActiveUnits,
}

impl RunMetric {
    /// Every metric, in the chooser's order.
    pub const ALL: [Self; 5] = [Self::NegElbo, Self::Psnr, Self::Ssim, Self::Lpips, Self::ActiveUnits];

    /// The metric's name, for the chooser and the axis.
    pub fn label(self) -> &'static str {
        match self {
            Self::NegElbo => "held-out −ELBO (nats)",
            Self::Psnr => "held-out PSNR (dB)",
            Self::Ssim => "held-out SSIM",
            Self::Lpips => "held-out LPIPS",
            Self::ActiveUnits => "active units",
        }
    }

    /// The metric of one epoch, when it was measured.
    pub fn of(self, report: &EpochReport) -> Option<f64> {
        match self {
            Self::NegElbo => Some(report.heldout.neg_elbo_nats()),
            Self::Psnr => report.quality.map(|quality| quality.psnr_db),
            Self::Ssim => report.quality.and_then(|quality| quality.ssim),
            Self::Lpips => report.quality.and_then(|quality| quality.lpips),
            Self::ActiveUnits => report.quality.map(|quality| quality.active_units as f64),
        }
    }
}

/// Where a listed run comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunOrigin {
    /// A checkpoint folder.
    Folder(PathBuf),
    /// The last session's autosave folder.
    LastSession(PathBuf),
    /// The run trained in this window now (not read from disk).
    Current,
}

/// One listed run: its name, settings and per-epoch history.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// The folder's name (or "last session", "this session").
    pub name: String,
    /// Where it comes from (and where to open it from).
    pub origin: RunOrigin,
    /// Its description; `None` for the run being trained.
    pub info: Option<CheckpointInfo>,
    /// Every epoch's report.
    pub history: Vec<EpochReport>,
}

impl RunRecord {
    /// A listed checkpoint.
    fn from_info(name: String, origin: RunOrigin, info: CheckpointInfo) -> Self {
        let history = info.history.clone();
        Self { name, origin, info: Some(info), history }
    }

    /// The run trained in the window, from its epochs so far.
    pub fn current(history: &[EpochReport]) -> Self {
        Self { name: CURRENT_RUN_NAME.to_string(), origin: RunOrigin::Current, info: None, history: history.to_vec() }
    }

    /// A key that tells runs apart across scans: the folder, or the current run.
    pub fn key(&self) -> String {
        match &self.origin {
            RunOrigin::Folder(dir) | RunOrigin::LastSession(dir) => dir.display().to_string(),
            RunOrigin::Current => CURRENT_RUN_NAME.to_string(),
        }
    }

    /// The folder to open it from (none for the run being trained: it is already shown).
    pub fn folder(&self) -> Option<&Path> {
        match &self.origin {
            RunOrigin::Folder(dir) | RunOrigin::LastSession(dir) => Some(dir),
            RunOrigin::Current => None,
        }
    }

    /// `metric` per epoch as plot points [epoch, value], epochs where it was measured.
    pub fn series(&self, metric: RunMetric) -> Vec<[f64; 2]> {
        self.history
            .iter()
            .filter_map(|report| metric.of(report).filter(|value| value.is_finite()).map(|v| [report.epoch as f64, v]))
            .collect()
    }

    /// `metric` at the last epoch, when it was measured.
    pub fn latest(&self, metric: RunMetric) -> Option<f64> {
        self.history.last().and_then(|report| metric.of(report))
    }

    /// Held-out MSE at the last epoch.
    pub fn latest_mse(&self) -> Option<f64> {
        self.history.last().and_then(|report| report.quality).map(|quality| quality.mse)
    }

    /// Mean training throughput over the epochs.
    pub fn images_per_sec(&self) -> Option<f64> {
        let count = self.history.len();
        (count > 0).then(|| self.history.iter().map(|report| report.images_per_sec).sum::<f64>() / count as f64)
    }
}

/// The name the run being trained in the window is listed under.
pub const CURRENT_RUN_NAME: &str = "this session";
/// The name the last session's autosave is listed under.
pub const LAST_SESSION_NAME: &str = "last session";

/// What a scan found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunsScan {
    /// The runs, by name.
    pub runs: Vec<RunRecord>,
    /// Sub-folders left out: more than [`MAX_SCANNED_FOLDERS`], or whose checkpoint did not load.
    pub skipped: usize,
    /// Why the folder itself could not be listed.
    pub error: Option<String>,
}

/// Lists the checkpoints in `folder` (itself and its direct sub-folders; links are not followed)
/// and the one in `last_session`. Only `checkpoint.json` is read (regular files, size-capped).
pub fn scan_runs(folder: Option<&Path>, last_session: Option<&Path>) -> RunsScan {
    let mut scan = RunsScan::default();
    if let Some(dir) = last_session
        && let Ok(info) = checkpoint::read_info(dir)
    {
        let origin = RunOrigin::LastSession(dir.to_path_buf());
        scan.runs.push(RunRecord::from_info(LAST_SESSION_NAME.to_string(), origin, info));
    }
    let Some(folder) = folder else { return scan };
    let mut found = Vec::new();
    if let Ok(info) = checkpoint::read_info(folder) {
        found.push(RunRecord::from_info(folder_name(folder), RunOrigin::Folder(folder.to_path_buf()), info));
    }
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            scan.error = Some(format!("cannot list {}: {error}", folder.display()));
            return scan;
        }
    };
    let mut looked_at = 0usize;
    for entry in entries.flatten() {
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if !is_folder {
            continue;
        }
        looked_at += 1;
        if looked_at > MAX_SCANNED_FOLDERS {
            scan.skipped += 1;
            continue;
        }
        let dir = entry.path();
        if std::fs::symlink_metadata(dir.join(checkpoint::DESCRIPTION_FILE)).is_err() {
            continue;
        }
        match checkpoint::read_info(&dir) {
            Ok(info) => found.push(RunRecord::from_info(folder_name(&dir), RunOrigin::Folder(dir), info)),
            Err(_) => scan.skipped += 1,
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    scan.runs.extend(found);
    scan
}

fn folder_name(dir: &Path) -> String {
    dir.file_name().map_or_else(|| dir.display().to_string(), |name| name.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_one_error_and_no_runs() {
        let scan = scan_runs(Some(Path::new("/nonexistent/runs")), None);
        assert!(scan.runs.is_empty());
        assert!(scan.error.as_deref().is_some_and(|error| error.contains("/nonexistent/runs")), "{scan:?}");
    }

    #[test]
    fn damaged_checkpoints_are_counted_and_other_folders_ignored() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
        std::fs::create_dir(dir.path().join("damaged")).expect("mkdir");
        std::fs::write(dir.path().join("damaged").join(checkpoint::DESCRIPTION_FILE), b"{ not json").expect("write");
        std::fs::write(dir.path().join("a-file"), b"x").expect("write");
        let scan = scan_runs(Some(dir.path()), None);
        assert!(scan.runs.is_empty());
        assert_eq!((scan.skipped, scan.error), (1, None));
    }
}
