//! The checkpoint description (`checkpoint.json`): what it holds and the checks it must pass.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{CheckpointError, FORMAT_VERSION};
use crate::data::{Preprocessing, PreprocessingChoice, check_channels};
use crate::safe_read::is_plain_file_name;
use crate::training::{EpochReport, MAX_EPOCHS, MAX_GLOBAL_STEP, TrainingConfig};

/// Everything about a checkpoint except its weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointInfo {
    /// Layout version; see [`FORMAT_VERSION`].
    pub format_version: u32,
    /// How the model was built and trained.
    pub training: TrainingConfig,
    /// Name of the dataset it was trained on.
    pub dataset: String,
    /// Epochs completed.
    pub epochs_done: usize,
    /// Optimizer steps completed.
    pub global_step: usize,
    /// One report per completed epoch.
    pub history: Vec<EpochReport>,
    /// Held-out KL of each latent dimension at the last epoch end, in nats (empty in
    /// checkpoints written before it was measured).
    #[serde(default)]
    pub kl_per_dim_nats: Vec<f64>,
    /// File name of the weights, beside this description.
    pub weights_file: String,
    /// How the pictures of the folder it was trained on became images; `None` for IDX data (and for
    /// checkpoints written before this field existed).
    #[serde(default)]
    pub preprocessing: Option<Preprocessing>,
}

impl CheckpointInfo {
    /// The description of a model built by `training` and not trained yet, for data named
    /// `dataset` (no preprocessing: IDX data).
    pub fn untrained(training: TrainingConfig, dataset: &str) -> Self {
        Self {
            format_version: FORMAT_VERSION,
            training,
            dataset: dataset.to_string(),
            epochs_done: 0,
            global_step: 0,
            history: Vec::new(),
            kl_per_dim_nats: Vec::new(),
            weights_file: String::new(),
            preprocessing: None,
        }
    }

    /// The preprocessing this model implies for a picture: its stored one, else (a model trained on
    /// IDX data) its own size and channels.
    pub fn implied_preprocessing(&self) -> PreprocessingChoice {
        if let Some(stored) = self.preprocessing {
            return stored.into();
        }
        let shape = self.training.model.image_shape();
        PreprocessingChoice {
            image_size_px: (shape.height == shape.width).then_some(shape.height),
            channels: Some(shape.channels).filter(|&channels| check_channels(channels).is_ok()),
            ..PreprocessingChoice::default()
        }
    }

    /// Records a finished epoch: its count, the step count, its report and the likelihood scale
    /// it learned (when learned), which the model is evaluated and continued with.
    pub fn record_epoch(&mut self, report: &EpochReport) {
        self.epochs_done = report.epoch;
        self.global_step = report.global_step;
        self.history.push(*report);
        if let Some(scale) = report.learned_scale {
            self.training.likelihood_scale = scale;
        }
    }

    /// True when every number of the history is finite (JSON cannot hold NaN or infinity).
    pub fn history_is_finite(&self) -> bool {
        self.history.iter().all(|report| {
            [
                report.train.reconstruction_nats,
                report.train.kl_nats,
                report.heldout.reconstruction_nats,
                report.heldout.kl_nats,
                report.images_per_sec,
                report.train_secs,
            ]
            .iter()
            .all(|value| value.is_finite())
                && report.quality.is_none_or(|quality| quality.is_finite())
        }) && self.kl_per_dim_nats.iter().all(|nats| nats.is_finite())
    }

    /// Checks the counters against the caps every loop that continues them relies on.
    pub fn validate_counters(&self) -> Result<(), String> {
        if self.epochs_done > MAX_EPOCHS {
            return Err(format!("{} epochs done is more than the {MAX_EPOCHS} a model may train", self.epochs_done));
        }
        if self.global_step > MAX_GLOBAL_STEP {
            return Err(format!("{} steps done is more than the {MAX_GLOBAL_STEP} a model may take", self.global_step));
        }
        if self.history.len() > self.epochs_done {
            return Err(format!("{} epoch reports for {} epochs done", self.history.len(), self.epochs_done));
        }
        if self.kl_per_dim_nats.len() > crate::model::MAX_LATENT_DIM {
            return Err(format!(
                "{} KL values for at most {} latent dimensions",
                self.kl_per_dim_nats.len(),
                crate::model::MAX_LATENT_DIM
            ));
        }
        Ok(())
    }
}

/// Parses and checks a description read from `path`.
pub(super) fn parse_info(text: &[u8], path: &Path) -> Result<CheckpointInfo, CheckpointError> {
    let info: CheckpointInfo = serde_json::from_slice(text)
        .map_err(|error| CheckpointError::Description { path: path.to_path_buf(), error })?;
    if info.format_version != FORMAT_VERSION {
        return Err(CheckpointError::Version { path: path.to_path_buf(), found: info.format_version });
    }
    if !is_plain_file_name(&info.weights_file) {
        return Err(CheckpointError::WeightsName { path: path.to_path_buf(), name: info.weights_file });
    }
    let config_error = |reason: String| CheckpointError::Config { path: path.to_path_buf(), reason };
    info.training.validate().map_err(config_error)?;
    info.validate_counters().map_err(config_error)?;
    if let Some(preprocessing) = &info.preprocessing {
        preprocessing.validate().map_err(config_error)?;
        let (stored, model) = (preprocessing.shape(), info.training.model.image_shape());
        if stored != model {
            return Err(config_error(format!("its preprocessing makes {stored} images but the model takes {model}")));
        }
    }
    Ok(info)
}

/// The one field of an existing description a save needs: which weights file it names.
///
/// Parsed leniently (any version, any config) so that a save can replace a description it
/// cannot load; the name is still only acted on when it is one of ours.
#[derive(Deserialize)]
pub(super) struct PreviousDescription {
    /// The weights file the description names, as written (not yet checked).
    pub weights_file: String,
}
