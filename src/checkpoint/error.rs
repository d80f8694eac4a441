//! What can go wrong with a checkpoint folder, each case saying what to do.

use std::path::PathBuf;

use crate::safe_read::SafeReadError;

use super::FORMAT_VERSION;

/// A problem with a checkpoint folder, saying what to do.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The folder or a file in it could not be written.
    #[error("{path}: {error}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// A file of the checkpoint could not be read: missing, not a regular file, or too large.
    /// (Not marked as a source: the message already holds the cause, and chains would repeat it.)
    #[error("{0}")]
    Read(SafeReadError),
    /// A folder of ONNX graphs could not be opened (see [`crate::onnx_model`]).
    #[error("{0}")]
    Onnx(crate::onnx_model::OnnxError),
    /// The description is not valid JSON of the expected shape.
    #[error("{path} is not a valid checkpoint description ({error}); choose a folder saved by vae-explorer")]
    Description {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        error: serde_json::Error,
    },
    /// The checkpoint was written by an incompatible version.
    #[error("{path} has checkpoint format {found}, this build reads format {FORMAT_VERSION}")]
    Version {
        /// The file.
        path: PathBuf,
        /// Version found.
        found: u32,
    },
    /// The description names a weights file outside its own folder.
    #[error(
        "{path} names the weights file {name:?}, which is not a plain file name beside it; a checkpoint's weights must sit in its own folder: choose a folder saved by vae-explorer"
    )]
    WeightsName {
        /// The description file.
        path: PathBuf,
        /// The name it gives.
        name: String,
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
    /// The weights hold NaN or infinite values: the run that wrote them diverged.
    #[error(
        "{path}: the weights hold NaN or infinite values (the training diverged); choose another checkpoint or train again with a lower learning rate"
    )]
    NonFiniteWeights {
        /// The weights file.
        path: PathBuf,
    },
    /// The description itself names an impossible model or impossible counts.
    #[error("{path}: {reason}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A save was asked to write NaN or infinity; nothing was written.
    #[error(
        "not saving into {dir}: {what} NaN or infinite (the training diverged); the checkpoint already there is kept"
    )]
    NonFinite {
        /// The checkpoint folder.
        dir: PathBuf,
        /// What holds the value ("the weights hold", "the history holds").
        what: &'static str,
    },
    /// No file can be created in the folder.
    #[error("cannot write into {dir} ({error}); choose a folder you can write to")]
    NotWritable {
        /// The folder.
        dir: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// The folder holds something a save must not replace.
    #[error("{dir} {found}; choose an empty folder or one saved by vae-explorer")]
    NotACheckpointFolder {
        /// The folder.
        dir: PathBuf,
        /// What is there, as a phrase ("holds notes.txt", "is not a folder").
        found: String,
    },
    /// Another writer holds the folder.
    #[error(transparent)]
    Locked(#[from] crate::folder_lock::FolderLockError),
}

impl From<SafeReadError> for CheckpointError {
    fn from(error: SafeReadError) -> Self {
        Self::Read(error)
    }
}
