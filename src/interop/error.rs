//! What can go wrong reading foreign weights or writing ours for another framework.

use std::path::PathBuf;

use crate::display_name::escaped_path;
use crate::safe_read::SafeReadError;

/// Why weights could not be imported or a model not exported.
#[derive(Debug, thiserror::Error)]
pub enum InteropError {
    /// The file could not be opened or is too large.
    #[error(transparent)]
    Read(#[from] SafeReadError),
    /// The file's name says neither PyTorch nor safetensors.
    #[error(
        "{} is neither a PyTorch file (.pt, .pth, .bin) nor a safetensors file (.safetensors); rename it or export it as one of them",
        escaped_path(.path)
    )]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The reader could not make sense of the file.
    #[error("cannot read {} as a {format} file: {reason}", escaped_path(.path))]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// "PyTorch" or "safetensors".
        format: &'static str,
        /// What the reader said, on one line.
        reason: String,
    },
    /// The file's tensors are not those of the model asked for.
    #[error("the weights in {} do not fit a {architecture} VAE with these flags: {details}", escaped_path(.path))]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// `mlp` or `conv`.
        architecture: &'static str,
        /// Missing and unused names, and shapes that differ, truncated.
        details: String,
    },
    /// The file's weights hold NaN or infinity.
    #[error("the weights in {} hold NaN or infinity; vae-explorer loads only finite weights", escaped_path(.path))]
    NonFinite {
        /// The file.
        path: PathBuf,
    },
    /// A `--rename` pattern is no regular expression.
    #[error("--rename {pattern}: {reason}")]
    BadRename {
        /// The pattern as given, escaped.
        pattern: String,
        /// What the regex compiler said.
        reason: String,
    },
    /// The model's weights could not be gathered or encoded.
    #[error("cannot write the model as {format}: {reason}")]
    Encode {
        /// "safetensors" or "ONNX".
        format: &'static str,
        /// What went wrong.
        reason: String,
    },
}
