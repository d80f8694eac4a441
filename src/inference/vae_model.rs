//! The model behind the views: one of ours (burn) or an ONNX encoder/decoder pair, encoding and
//! decoding plain floats either way.

use std::sync::Arc;

use crate::model::{LatentModel, Vae};
use crate::onnx_model::{OnnxModelInfo, OnnxVae};

/// A model the views and commands can run.
#[derive(Clone, Debug)]
pub enum VaeModel {
    /// One of ours, on the CPU device: it can be trained on and saved.
    Burn(Box<Vae>),
    /// Graphs trained elsewhere, run with tract: inference only.
    Onnx(Arc<OnnxVae>),
}

impl VaeModel {
    /// Our own model, when it is one.
    pub fn burn(&self) -> Option<&Vae> {
        match self {
            Self::Burn(vae) => Some(vae),
            Self::Onnx(_) => None,
        }
    }

    /// What an ONNX model is, when it is one.
    pub fn onnx(&self) -> Option<&OnnxModelInfo> {
        match self {
            Self::Burn(_) => None,
            Self::Onnx(onnx) => Some(&onnx.info),
        }
    }

    /// False when one of our weights is NaN or infinite (ONNX graphs are taken as they are).
    pub fn is_finite(&self) -> bool {
        self.burn().is_none_or(Vae::is_finite)
    }
}

impl LatentModel for VaeModel {
    fn encode_planar(&self, images: &[f32], count: usize) -> (Vec<f32>, Vec<f32>) {
        match self {
            Self::Burn(vae) => vae.encode_planar(images, count),
            // A graph that fails here already ran at open; the inference thread's jobs run under
            // `catch_unwind`, so this ends one view's job with this message, not the thread.
            Self::Onnx(onnx) => onnx.encode(images, count).unwrap_or_else(|error| panic!("{error}")),
        }
    }

    fn decode_planar(&self, latents: &[f32], count: usize, latent_dim: usize) -> Vec<f32> {
        match self {
            Self::Burn(vae) => vae.decode_planar(latents, count, latent_dim),
            Self::Onnx(onnx) => onnx.decode(latents, count).unwrap_or_else(|error| panic!("{error}")),
        }
    }
}
