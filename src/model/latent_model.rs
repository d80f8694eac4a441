//! Encoding and decoding on plain row-major floats: what every view and command needs of a model,
//! ours or one trained elsewhere.

use burn::prelude::*;

use super::Vae;

/// Encoding and decoding on plain row-major floats: what every view and command needs of a model.
pub trait LatentModel {
    /// Means and log-variances (`[count, latent]` each) of `count` planar images (`[count, c·h·w]`,
    /// values in [0, 1]).
    fn encode_planar(&self, images: &[f32], count: usize) -> (Vec<f32>, Vec<f32>);
    /// Images (`[count, c·h·w]`, values in [0, 1]) decoded from `count` latent points.
    fn decode_planar(&self, latents: &[f32], count: usize, latent_dim: usize) -> Vec<f32>;
}

impl LatentModel for Vae {
    fn encode_planar(&self, images: &[f32], count: usize) -> (Vec<f32>, Vec<f32>) {
        if count == 0 {
            return (Vec::new(), Vec::new());
        }
        let values = images.len() / count;
        let tensor = Tensor::<2>::from_data(
            TensorData::new(images[..count * values].to_vec(), [count, values]),
            &device_of(self),
        );
        let posterior = self.encode(tensor);
        (to_vec(posterior.mean), to_vec(posterior.log_var))
    }

    fn decode_planar(&self, latents: &[f32], count: usize, latent_dim: usize) -> Vec<f32> {
        let tensor = Tensor::<2>::from_data(
            TensorData::new(latents[..count * latent_dim].to_vec(), [count, latent_dim]),
            &device_of(self),
        );
        to_vec(self.decode(tensor))
    }
}

/// The device `vae`'s weights live on (the CPU device for a model without any).
fn device_of(vae: &Vae) -> Device {
    vae.devices().into_iter().next().unwrap_or_else(Device::flex)
}

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap_or_default()
}
