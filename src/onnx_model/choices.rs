//! What a user says about a model where its graphs are silent, from flags or from the folder's
//! description file (`vae-explorer-onnx.json`), written atomically so the next open needs nothing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::OnnxError;
use crate::image_shape::ImageShape;
use crate::safe_read::{SafeReadError, read_inside};

/// The description file's name inside a model folder.
pub const DESCRIPTION_FILE: &str = "vae-explorer-onnx.json";
/// Largest description file read.
const MAX_DESCRIPTION_BYTES: u64 = 64 * 1024;

/// How the encoder reads an image and the decoder writes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// `[N, C, H, W]` (PyTorch), or `[N, H, W]` for grey images.
    Nchw,
    /// `[N, H, W, C]` (Keras, JAX).
    Nhwc,
    /// `[N, C·H·W]`, planes one after another.
    Flat,
}

/// What the decoder's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DecoderOutput {
    /// Values in [0, 1] (a Sigmoid at the end): the images themselves.
    Probabilities,
    /// Values before a sigmoid: shown through one.
    Logits,
    /// Values in [−1, 1] (a Tanh at the end): shown as (x + 1) / 2, and the encoder is fed images in
    /// [−1, 1] too.
    Tanh,
}

impl DecoderOutput {
    /// Lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Probabilities => "probabilities",
            Self::Logits => "logits",
            Self::Tanh => "tanh",
        }
    }
}

/// Answers to what the graphs may not say; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OnnxChoices {
    /// The image the encoder reads.
    pub image_shape: Option<ImageShape>,
    /// The encoder input's layout.
    pub layout: Option<Layout>,
    /// What the decoder's values are.
    pub decoder_output: Option<DecoderOutput>,
    /// The encoder output holding the means.
    pub mean_output: Option<String>,
    /// The encoder output holding the log-variances.
    pub logvar_output: Option<String>,
}

impl OnnxChoices {
    /// True when nothing is chosen.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// These choices, with `other`'s where these have none.
    pub fn or(self, other: Self) -> Self {
        Self {
            image_shape: self.image_shape.or(other.image_shape),
            layout: self.layout.or(other.layout),
            decoder_output: self.decoder_output.or(other.decoder_output),
            mean_output: self.mean_output.or(other.mean_output),
            logvar_output: self.logvar_output.or(other.logvar_output),
        }
    }
}

/// The choices kept in `dir`'s description file; none when there is no such file.
pub fn read_choices(dir: &Path) -> Result<OnnxChoices, OnnxError> {
    let path = dir.join(DESCRIPTION_FILE);
    let bytes = match read_inside(dir, DESCRIPTION_FILE, MAX_DESCRIPTION_BYTES) {
        Ok(bytes) => bytes,
        Err(SafeReadError::Io { cause, .. }) if cause.kind() == std::io::ErrorKind::NotFound => {
            return Ok(OnnxChoices::default());
        }
        Err(error) => return Err(error.into()),
    };
    serde_json::from_slice(&bytes).map_err(|error| OnnxError::Description { path, reason: error.to_string() })
}

/// Writes `choices` to `dir`'s description file, atomically.
pub fn write_choices(dir: &Path, choices: &OnnxChoices) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(choices).map_err(std::io::Error::other)?;
    crate::atomic_file::write_atomically(&dir.join(DESCRIPTION_FILE), &text)
}
