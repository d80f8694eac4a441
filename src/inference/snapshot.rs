//! A trained or training model, frozen for inference on the CPU device.

use std::path::{Path, PathBuf};

use burn::prelude::*;

use super::vae_model::VaeModel;
use crate::checkpoint::{self, CheckpointError, CheckpointInfo};
use crate::image_shape::ImageShape;
use crate::model::{ReconstructionLoss, Vae, VaeConfig};
use crate::onnx_model::{DecoderOutput, OnnxChoices, OnnxModelInfo, OnnxVae, is_onnx_folder};
use crate::training::TrainingConfig;

const BUNDLED_DESCRIPTION: &[u8] = include_bytes!("../../assets/model/checkpoint.json");
const BUNDLED_WEIGHTS: &[u8] = include_bytes!("../../assets/model/weights.bpk");

/// Where a saved model comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ModelSource {
    /// The model shipped inside the app (MLP, latent 2, trained on the bundled digits).
    Bundled,
    /// A checkpoint folder on disk, or a folder holding `encoder.onnx` and `decoder.onnx`.
    Folder(PathBuf),
}

/// An inference copy of a model with what is known about it.
///
/// The weights live on the CPU device (Flex): decoding one point there takes well under a
/// millisecond, against tens on a software GPU adapter.
#[derive(Clone, Debug)]
pub struct ModelSnapshot {
    /// The model: ours without autodiff on the CPU device, or an ONNX pair.
    pub model: VaeModel,
    /// Its configuration, training history and dataset (for an ONNX pair: its image and latent
    /// sizes, no history).
    pub info: CheckpointInfo,
}

impl ModelSnapshot {
    /// Freezes a model being trained (autodiff, any device) into a CPU inference copy.
    pub fn from_training(model: &Vae, info: CheckpointInfo) -> Self {
        Self { model: VaeModel::Burn(Box::new(model.valid().fork(&Device::flex()))), info }
    }

    /// Loads a saved model onto the CPU device (an ONNX folder with what its description file says).
    pub fn load(source: &ModelSource) -> Result<Self, CheckpointError> {
        Self::load_with(source, &OnnxChoices::default())
    }

    /// Loads a saved model; `choices` decide what an ONNX folder's graphs leave open.
    pub fn load_with(source: &ModelSource, choices: &OnnxChoices) -> Result<Self, CheckpointError> {
        // A folder with a checkpoint of ours opens as ours even when ONNX exports sit beside it.
        if let ModelSource::Folder(dir) = source
            && is_onnx_folder(dir)
            && !dir.join(checkpoint::DESCRIPTION_FILE).exists()
        {
            let onnx = OnnxVae::open(dir, choices).map_err(CheckpointError::Onnx)?;
            let info = onnx_description(&onnx.info);
            return Ok(Self { model: VaeModel::Onnx(std::sync::Arc::new(onnx)), info });
        }
        let (model, info) = match source {
            ModelSource::Bundled => checkpoint::load_from_bytes(
                BUNDLED_DESCRIPTION,
                BUNDLED_WEIGHTS,
                Path::new("<bundled model>"),
                &Device::flex(),
            )?,
            ModelSource::Folder(dir) => checkpoint::load(dir, &Device::flex())?,
        };
        Ok(Self { model: VaeModel::Burn(Box::new(model)), info })
    }

    /// Our own model, when it is one (an ONNX pair cannot be trained on or saved).
    pub fn burn(&self) -> Option<&Vae> {
        self.model.burn()
    }

    /// `mlp`, `conv`, or `onnx` for graphs trained elsewhere.
    pub fn architecture_name(&self) -> &'static str {
        if self.model.onnx().is_some() { "onnx" } else { self.info.training.model.architecture.name() }
    }

    /// Size of the latent space.
    pub fn latent_dim(&self) -> usize {
        self.info.training.model.latent_dim
    }

    /// The shape of one decoded image.
    pub fn image_shape(&self) -> ImageShape {
        self.info.training.model.image_shape()
    }
}

/// The description the views and commands read for an ONNX pair: its sizes, a likelihood that
/// matches its decoder (Bernoulli for probabilities and logits, Gaussian for tanh), no history.
fn onnx_description(onnx: &OnnxModelInfo) -> CheckpointInfo {
    let shape = onnx.image_shape;
    let model = VaeConfig::new()
        .with_latent_dim(onnx.latent_dim)
        .with_image_height(shape.height)
        .with_image_width(shape.width)
        .with_channels(shape.channels);
    let loss = match onnx.decoder_output {
        DecoderOutput::Probabilities | DecoderOutput::Logits => ReconstructionLoss::Bce,
        DecoderOutput::Tanh => ReconstructionLoss::Mse,
    };
    let training = TrainingConfig { model, loss, ..TrainingConfig::default() };
    CheckpointInfo::untrained(training, &crate::data::DataSource::Bundled.to_string())
}
