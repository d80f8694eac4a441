//! A few fixed inputs and what our model makes of them, written beside an export so another
//! runtime (onnxruntime, PyTorch: `scripts/check_exported_model.py`) can be checked against it.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Vae, VaeConfig};

/// Images in the reference.
const REFERENCE_IMAGES: usize = 4;
/// Latent points in the reference.
const REFERENCE_LATENTS: usize = 5;

/// Fixed inputs and our model's outputs for them, all row-major.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReferenceOutputs {
    /// The model the outputs are from.
    pub config: VaeConfig,
    /// [images, channels, height, width] of `images`.
    pub image_shape: [usize; 4],
    /// Inputs of the encoder, in [0, 1].
    pub images: Vec<f32>,
    /// The encoder's means: [images, latent].
    pub mean: Vec<f32>,
    /// The encoder's log-variances: [images, latent].
    pub log_var: Vec<f32>,
    /// [points, latent] of `latents`.
    pub latent_shape: [usize; 2],
    /// Inputs of the decoder.
    pub latents: Vec<f32>,
    /// The decoder's probabilities: [points, channels, height, width].
    pub decoded: Vec<f32>,
}

/// The fixed images of `config`'s shape: smooth patterns in [0, 1], different per image and channel.
pub fn reference_images(config: &VaeConfig) -> Vec<f32> {
    let values = config.image_shape().values();
    (0..REFERENCE_IMAGES * values)
        .map(|index| {
            let (image, value) = (index / values, index % values);
            0.5 + 0.5 * (0.37 * value as f32 + 1.3 * image as f32).sin() * (0.05 * value as f32).cos()
        })
        .collect()
}

/// The fixed latent points: a line through the origin, spread over ±2.
pub fn reference_latents(latent_dim: usize) -> Vec<f32> {
    (0..REFERENCE_LATENTS * latent_dim)
        .map(|index| {
            let (point, dimension) = (index / latent_dim, index % latent_dim);
            (point as f32 - 2.0) * (0.9 - 0.1 * (dimension % 5) as f32)
        })
        .collect()
}

/// `model` (built from `config`) run on the fixed inputs on the CPU device.
pub fn reference_outputs(model: &Vae, config: &VaeConfig) -> ReferenceOutputs {
    let device = Device::flex();
    let shape = config.image_shape();
    let images = reference_images(config);
    let batch = Tensor::<2>::from_data(TensorData::new(images.clone(), [REFERENCE_IMAGES, shape.values()]), &device);
    let posterior = model.encode(batch);
    let latents = reference_latents(config.latent_dim);
    let points =
        Tensor::<2>::from_data(TensorData::new(latents.clone(), [REFERENCE_LATENTS, config.latent_dim]), &device);
    let decoded = model.decode(points);
    ReferenceOutputs {
        config: config.clone(),
        image_shape: [REFERENCE_IMAGES, shape.channels, shape.height, shape.width],
        images,
        mean: values(posterior.mean),
        log_var: values(posterior.log_var),
        latent_shape: [REFERENCE_LATENTS, config.latent_dim],
        latents,
        decoded: values(decoded),
    }
}

fn values(tensor: Tensor<2>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap_or_default()
}
