//! Whether a sweep's run folder holds that very run: finished (its checkpoint loads and its settings
//! and data are the sweep's), part-way, damaged (trained again), or a run of other settings (refused,
//! naming the flag that differs). A rerun never calls a damaged or foreign run "done".

use std::path::Path;

use burn::prelude::Device;

use super::plan::PlannedRun;
use crate::checkpoint::{self, CheckpointInfo};
use crate::cli::SweepArgs;
use crate::cli::source_args::BUNDLED;
use crate::data::DataSource;

/// Where a run's folder stands before the sweep trains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunStart {
    /// Its checkpoint loads, has every epoch, its settings are the sweep's and its metrics are
    /// written: skip it.
    Finished,
    /// Its checkpoint loads and has some of the epochs: continue it.
    Resume,
    /// Nothing is there (or a model of these settings that did not finish): train from the start.
    Fresh,
    /// Something is there that does not load (the reason): move it aside and train again.
    Damaged(String),
    /// A model of other settings is there: the flag that differs, with both values.
    Mismatch(String),
}

/// Where `run`'s folder in `sweep`'s folder stands.
pub fn run_start(run: &PlannedRun, sweep: &SweepArgs) -> RunStart {
    let dir = run.dir(&sweep.out);
    if is_empty_or_missing(&dir) {
        return RunStart::Fresh;
    }
    let info = match checkpoint::read_info(&dir) {
        Ok(info) => info,
        Err(error) => return RunStart::Damaged(error.to_string()),
    };
    if let Some(difference) = differing_flag(run, &info, sweep) {
        return RunStart::Mismatch(difference);
    }
    let finished = info.epochs_done >= sweep.epochs && super::results::has_final_quality(&dir);
    let part_way = info.epochs_done > 0 && info.epochs_done < sweep.epochs;
    if !finished && !part_way {
        return RunStart::Fresh;
    }
    if let Err(error) = checkpoint::load(&dir, &Device::flex()) {
        return RunStart::Damaged(error.to_string());
    }
    if finished { RunStart::Finished } else { RunStart::Resume }
}

/// The likelihood scale as `--likelihood-scale` gives it: the number, or `learned` (whose value moves).
fn scale_text(config: &crate::training::TrainingConfig) -> String {
    match config.scale_fit {
        crate::model::ScaleFit::Fixed => config.likelihood_scale.to_string(),
        crate::model::ScaleFit::Learned => "learned".to_string(),
    }
}

/// The first setting in which the model `info` describes differs from what `sweep` trains for
/// `run`, as "--flag (value there, value now)"; `None` when all match.
pub fn differing_flag(run: &PlannedRun, info: &CheckpointInfo, sweep: &SweepArgs) -> Option<String> {
    let expected = run.train_args(sweep, false).training_config(info.training.model.channels);
    let found = &info.training;
    let schedule = |config: &crate::training::TrainingConfig| format!("{:?}", config.lr_schedule);
    let pairs: [(&str, String, String); 12] = [
        ("--arch", found.model.architecture.name().to_string(), expected.model.architecture.name().to_string()),
        ("--latent-dim", found.model.latent_dim.to_string(), expected.model.latent_dim.to_string()),
        ("--beta", found.beta.to_string(), expected.beta.to_string()),
        ("--loss", found.loss.name().to_string(), expected.loss.name().to_string()),
        ("--kl-warmup", found.kl_warmup_epochs.to_string(), expected.kl_warmup_epochs.to_string()),
        ("--lr", found.learning_rate.to_string(), expected.learning_rate.to_string()),
        ("--lr-schedule, --lr-warmup-epochs or --lr-final-fraction", schedule(found), schedule(&expected)),
        ("--batch-size", found.batch_size.to_string(), expected.batch_size.to_string()),
        ("--seed", found.seed.to_string(), expected.seed.to_string()),
        ("--likelihood-scale", scale_text(found), scale_text(&expected)),
        ("--base-channels", found.model.conv_base_channels.to_string(), expected.model.conv_base_channels.to_string()),
        (
            "--residual-blocks",
            found.model.conv_residual_blocks.to_string(),
            expected.model.conv_residual_blocks.to_string(),
        ),
    ];
    let conv_only = ["--base-channels", "--residual-blocks"];
    let is_conv = expected.model.architecture == crate::model::Architecture::Conv;
    if let Some((flag, there, now)) =
        pairs.into_iter().filter(|(flag, ..)| is_conv || !conv_only.contains(flag)).find(|(_, there, now)| there != now)
    {
        return Some(format!("{flag} ({there} there, {now} now)"));
    }
    let data_now = DataSource::from_arg(sweep.input.data.as_deref().unwrap_or(BUNDLED)).to_string();
    if !same_data(&info.dataset, &data_now) {
        let there = crate::display_name::escaped(info.dataset.as_ref());
        let now = crate::display_name::escaped(data_now.as_ref());
        return Some(format!("--data ({there} there, {now} now)"));
    }
    let choice = sweep.input.preprocessing.choice();
    match &info.preprocessing {
        Some(fixed) if !choice.admits(fixed) => Some(format!(
            "--image-size, --channels, --fit or --background ({}×{} with {} channels there)",
            fixed.image_size_px, fixed.image_size_px, fixed.channels
        )),
        _ => None,
    }
}

/// True when two dataset names are the same, or name the same folder.
fn same_data(there: &str, now: &str) -> bool {
    if there == now {
        return true;
    }
    match (std::fs::canonicalize(there), std::fs::canonicalize(now)) {
        (Ok(there), Ok(now)) => there == now,
        _ => false,
    }
}

/// True when `dir` does not exist or holds nothing but a lock file.
fn is_empty_or_missing(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().all(|entry| entry.file_name() == crate::folder_lock::LOCK_FILE),
        Err(error) => error.kind() == std::io::ErrorKind::NotFound,
    }
}
