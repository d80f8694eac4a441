//! A trained or training model, frozen for inference on the CPU device.

use std::path::{Path, PathBuf};

use burn::prelude::*;

use crate::checkpoint::{self, CheckpointError, CheckpointInfo};
use crate::image_shape::ImageShape;
use crate::model::Vae;

const BUNDLED_DESCRIPTION: &[u8] = include_bytes!("../../assets/model/checkpoint.json");
const BUNDLED_WEIGHTS: &[u8] = include_bytes!("../../assets/model/weights.bpk");

/// Where a saved model comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ModelSource {
    /// The model shipped inside the app (MLP, latent 2, trained on the bundled digits).
    Bundled,
    /// A checkpoint folder on disk.
    Folder(PathBuf),
}

/// An inference copy of a model with what is known about it.
///
/// The weights live on the CPU device (Flex): decoding one point there takes well under a
/// millisecond, against tens on a software GPU adapter.
#[derive(Clone, Debug)]
pub struct ModelSnapshot {
    /// The model, without autodiff, on the CPU device.
    pub model: Vae,
    /// Its configuration, training history and dataset.
    pub info: CheckpointInfo,
}

impl ModelSnapshot {
    /// Freezes a model being trained (autodiff, any device) into a CPU inference copy.
    pub fn from_training(model: &Vae, info: CheckpointInfo) -> Self {
        Self { model: model.valid().fork(&Device::flex()), info }
    }

    /// Loads a saved model onto the CPU device.
    pub fn load(source: &ModelSource) -> Result<Self, CheckpointError> {
        let (model, info) = match source {
            ModelSource::Bundled => checkpoint::load_from_bytes(
                BUNDLED_DESCRIPTION,
                BUNDLED_WEIGHTS,
                Path::new("<bundled model>"),
                &Device::flex(),
            )?,
            ModelSource::Folder(dir) => checkpoint::load(dir, &Device::flex())?,
        };
        Ok(Self { model, info })
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
