//! Where the runs trained in the window are kept: each Train or Continue writes its own folder
//! under the app's runs folder, named for when and what ("2026-12-06_14-45-03_mlp_latent-16"),
//! so no run replaces another. Names only: the folders are written by the training thread.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::training::TrainingConfig;

/// The platform's data folder for vae-explorer.
fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vae-explorer").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The app's runs folder: one sub-folder per run trained in the window.
pub fn default_runs_dir() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join("runs"))
}

/// The one autosave folder of versions before runs were kept apart (listed while it exists).
pub fn legacy_autosave_dir() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join("last-session"))
}

/// The folder name of a run of `config` started at `started` (UTC, to the second);
/// `continued` marks a Continue of a shown model.
pub fn run_folder_name(started: SystemTime, config: &TrainingConfig, continued: bool) -> String {
    let secs = started.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let model = &config.model;
    let what = format!("{}_latent-{}", model.architecture.name(), model.latent_dim);
    let continued = if continued { "_continued" } else { "" };
    format!("{}_{what}{continued}", utc_stamp(secs))
}

/// A fresh folder under `runs_dir` for a run named `name`: `-2`, `-3`, … is added while a folder
/// of that name exists (two runs started in one second).
pub fn fresh_run_folder(runs_dir: &Path, name: &str) -> PathBuf {
    let mut folder = runs_dir.join(name);
    let mut count = 1;
    while folder.exists() {
        count += 1;
        folder = runs_dir.join(format!("{name}-{count}"));
    }
    folder
}

/// `YYYY-MM-DD_HH-MM-SS` of `secs` since 1970 (UTC).
fn utc_stamp(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_date(days);
    format!("{year:04}-{month:02}-{day:02}_{:02}-{:02}-{:02}", rest / 3600, rest / 60 % 60, rest % 60)
}

/// The calendar date of `days` since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_run_folder_is_named_for_when_and_what() {
        let config = TrainingConfig::default();
        let started = UNIX_EPOCH + Duration::from_secs(1_796_568_303);
        let name = run_folder_name(started, &config, false);
        let what = format!("{}_latent-{}", config.model.architecture.name(), config.model.latent_dim);
        assert_eq!(name, format!("2026-12-06_14-45-03_{what}"));
        assert!(run_folder_name(started, &config, true).ends_with("_continued"));
        assert_eq!(utc_stamp(0), "1970-01-01_00-00-00");
        assert_eq!(utc_stamp(951_782_400), "2000-02-29_00-00-00", "a leap day");
    }

    #[test]
    fn a_second_run_in_the_same_second_gets_its_own_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = fresh_run_folder(dir.path(), "run");
        assert_eq!(first, dir.path().join("run"));
        std::fs::create_dir(&first).expect("mkdir");
        assert_eq!(fresh_run_folder(dir.path(), "run"), dir.path().join("run-2"));
    }
}
