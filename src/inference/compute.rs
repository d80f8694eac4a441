//! The computations behind the latent views: encode a set, decode latent points.

use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::data::ImageSet;
use crate::image_shape::ImageShape;
use crate::model::Vae;

const ENCODE_BATCH: usize = 1000;

/// Encoder means of `indices` of `set`: [indices.len(), latent] row-major.
pub fn encode_means(model: &Vae, set: &ImageSet, indices: &[usize]) -> Vec<f32> {
    let device = Device::flex();
    let mut means = Vec::new();
    for batch in indices.chunks(ENCODE_BATCH) {
        let images = set.batch_tensor(batch, &device);
        means.extend(to_vec(model.encode(images).mean));
    }
    means
}

/// Encoder means and log-variances of `indices` of `set`: ([n, latent], [n, latent]) row-major.
pub fn encode_posteriors(model: &Vae, set: &ImageSet, indices: &[usize]) -> (Vec<f32>, Vec<f32>) {
    let device = Device::flex();
    let (mut means, mut log_vars) = (Vec::new(), Vec::new());
    for batch in indices.chunks(ENCODE_BATCH) {
        let posterior = model.encode(set.batch_tensor(batch, &device));
        means.extend(to_vec(posterior.mean));
        log_vars.extend(to_vec(posterior.log_var));
    }
    (means, log_vars)
}

/// Encoder mean of one image given as floats: `pixels` is [height × width] in [0, 1].
pub fn encode_pixels(model: &Vae, pixels: &[f32], shape: ImageShape) -> Vec<f32> {
    let images = Tensor::<2>::from_data(TensorData::new(pixels.to_vec(), [1, shape.values()]), &Device::flex());
    to_vec(model.encode(images).mean)
}

/// Decodes latent points: `latents` is [n, latent_dim] row-major; returns [n, pixels] in [0, 1].
pub fn decode(model: &Vae, latents: &[f32], latent_dim: usize) -> Vec<f32> {
    if latents.is_empty() || latent_dim == 0 {
        return Vec::new();
    }
    let count = latents.len() / latent_dim;
    let tensor = Tensor::<2>::from_data(
        TensorData::new(latents[..count * latent_dim].to_vec(), [count, latent_dim]),
        &Device::flex(),
    );
    to_vec(model.decode(tensor))
}

/// `count` points drawn from the prior N(0, I) with `seed`: [count, latent_dim].
pub fn prior_samples(count: usize, latent_dim: usize, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count * latent_dim).map(|_| StandardNormal.sample(&mut rng)).collect()
}

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().try_to_vec::<f32>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_seeds_give_equal_prior_samples() {
        assert_eq!(prior_samples(4, 3, 9), prior_samples(4, 3, 9));
        assert_ne!(prior_samples(4, 3, 9), prior_samples(4, 3, 10));
        assert_eq!(prior_samples(4, 3, 9).len(), 12);
    }
}
