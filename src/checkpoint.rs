//! Saving and loading a trained model: burnpack weights plus a JSON description, written atomically.
//!
//! A checkpoint folder holds `checkpoint.json` and the weights file it names. New weights go to
//! a fresh file name first and `checkpoint.json` is replaced last by a rename, so a crash at any
//! point leaves the previous checkpoint loadable.

use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use serde::{Deserialize, Serialize};

use crate::model::Vae;
use crate::training::{EpochReport, TrainingConfig};

/// Version of the checkpoint layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Name of the description file inside a checkpoint folder.
pub const DESCRIPTION_FILE: &str = "checkpoint.json";

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
    /// File name of the weights, beside this description.
    pub weights_file: String,
}

/// A problem with a checkpoint folder, saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The folder or a file in it could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The description is not valid JSON of the expected shape.
    #[error("{path} is not a valid checkpoint description ({source}); choose a folder saved by vae-explorer")]
    Description {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        source: serde_json::Error,
    },
    /// The checkpoint was written by an incompatible version.
    #[error("{path} has checkpoint format {found}, this build reads format {FORMAT_VERSION}")]
    Version {
        /// The file.
        path: PathBuf,
        /// Version found.
        found: u32,
    },
    /// The weights file is damaged or belongs to another architecture or latent size.
    #[error(
        "{path}: the weights do not load into a {architecture} VAE with latent dimension {latent_dim} ({reason}); the file is damaged or from another model"
    )]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// Architecture named by the description.
        architecture: &'static str,
        /// Latent size named by the description.
        latent_dim: usize,
        /// What burn said.
        reason: String,
    },
    /// The description itself names an impossible model.
    #[error("{path}: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// Writes `model` and `info` into `dir` (created if missing), atomically.
///
/// `info.weights_file` is chosen here; the previous weights file is removed once the new
/// description is in place.
pub fn save(dir: &Path, model: &Vae, info: &CheckpointInfo) -> Result<(), CheckpointError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CheckpointError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let previous = read_info(dir).ok().map(|old| old.weights_file);

    let weights_file = format!("weights-{}-{}.bpk", info.epochs_done, std::process::id());
    let weights: Bytes = model.clone().into_record().into_bytes().map_err(|error| CheckpointError::Io {
        path: dir.join(&weights_file),
        source: std::io::Error::other(error.to_string()),
    })?;
    write_atomically(&dir.join(&weights_file), &weights)?;

    let info = CheckpointInfo { weights_file: weights_file.clone(), ..info.clone() };
    let description = serde_json::to_vec_pretty(&info)
        .map_err(|source| CheckpointError::Description { path: dir.join(DESCRIPTION_FILE), source })?;
    write_atomically(&dir.join(DESCRIPTION_FILE), &description)?;

    if let Some(previous) = previous.filter(|old| *old != weights_file) {
        let _ignored = std::fs::remove_file(dir.join(previous));
    }
    Ok(())
}

/// Reads a checkpoint's description and weights onto `device`, validating both.
pub fn load(dir: &Path, device: &Device) -> Result<(Vae, CheckpointInfo), CheckpointError> {
    let info = read_info(dir)?;
    let weights_path = dir.join(&info.weights_file);
    let weights =
        std::fs::read(&weights_path).map_err(|source| CheckpointError::Io { path: weights_path.clone(), source })?;
    let model = build_model(&info, weights, &weights_path, device)?;
    Ok((model, info))
}

/// Loads a checkpoint held in memory (the bundled model); `name` labels it in errors.
pub fn load_from_bytes(
    description: &[u8],
    weights: &[u8],
    name: &Path,
    device: &Device,
) -> Result<(Vae, CheckpointInfo), CheckpointError> {
    let description_path = name.join(DESCRIPTION_FILE);
    let info = parse_info(description, &description_path)?;
    let model = build_model(&info, weights.to_vec(), &name.join("weights.bpk"), device)?;
    Ok((model, info))
}

/// Reads and checks `checkpoint.json` in `dir`.
pub fn read_info(dir: &Path) -> Result<CheckpointInfo, CheckpointError> {
    let path = dir.join(DESCRIPTION_FILE);
    let text = std::fs::read(&path).map_err(|source| CheckpointError::Io { path: path.clone(), source })?;
    parse_info(&text, &path)
}

fn parse_info(text: &[u8], path: &Path) -> Result<CheckpointInfo, CheckpointError> {
    let info: CheckpointInfo = serde_json::from_slice(text)
        .map_err(|source| CheckpointError::Description { path: path.to_path_buf(), source })?;
    if info.format_version != FORMAT_VERSION {
        return Err(CheckpointError::Version { path: path.to_path_buf(), found: info.format_version });
    }
    info.training.validate().map_err(|reason| CheckpointError::Config { path: path.to_path_buf(), reason })?;
    Ok(info)
}

fn build_model(
    info: &CheckpointInfo,
    weights: Vec<u8>,
    weights_path: &Path,
    device: &Device,
) -> Result<Vae, CheckpointError> {
    let weights_error = |reason: String| CheckpointError::Weights {
        path: weights_path.to_path_buf(),
        architecture: info.training.model.architecture.name(),
        latent_dim: info.training.model.latent_dim,
        reason,
    };
    let record =
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(weights)).map_err(|error| weights_error(error.to_string()))?;
    info.training.model.init(device).try_load_record(record).map_err(|error| weights_error(error.to_string()))
}

/// Writes `bytes` to `path` atomically, naming the path in the error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    crate::atomic_file::write_atomically(path, bytes)
        .map_err(|source| CheckpointError::Io { path: path.to_path_buf(), source })
}
