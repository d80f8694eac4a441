//! The computations behind the latent views: encode a set, decode latent points, with any model
//! that encodes and decodes plain floats (ours or an ONNX pair).

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::data::ImageSet;
use crate::image_shape::ImageShape;
use crate::model::LatentModel;

const ENCODE_BATCH: usize = 1000;

/// Encoder means of `indices` of `set`: [indices.len(), latent] row-major.
pub fn encode_means(model: &impl LatentModel, set: &ImageSet, indices: &[usize]) -> Vec<f32> {
    encode_posteriors(model, set, indices).0
}

/// Encoder means and log-variances of `indices` of `set`: ([n, latent], [n, latent]) row-major.
pub fn encode_posteriors(model: &impl LatentModel, set: &ImageSet, indices: &[usize]) -> (Vec<f32>, Vec<f32>) {
    let (mut means, mut log_vars) = (Vec::new(), Vec::new());
    let mut images = Vec::new();
    for batch in indices.chunks(ENCODE_BATCH) {
        set.write_batch(batch, &mut images);
        let (batch_means, batch_log_vars) = model.encode_planar(&images, batch.len());
        means.extend(batch_means);
        log_vars.extend(batch_log_vars);
    }
    (means, log_vars)
}

/// Encoder mean of one image given as floats: `pixels` is [c × height × width] in [0, 1].
pub fn encode_pixels(model: &impl LatentModel, pixels: &[f32], shape: ImageShape) -> Vec<f32> {
    if pixels.len() < shape.values() || shape.values() == 0 {
        return Vec::new();
    }
    model.encode_planar(&pixels[..shape.values()], 1).0
}

/// Decodes latent points: `latents` is [n, latent_dim] row-major; returns [n, pixels] in [0, 1].
pub fn decode(model: &impl LatentModel, latents: &[f32], latent_dim: usize) -> Vec<f32> {
    if latents.is_empty() || latent_dim == 0 {
        return Vec::new();
    }
    let count = latents.len() / latent_dim;
    if count == 0 {
        return Vec::new();
    }
    model.decode_planar(latents, count, latent_dim)
}

/// `count` points drawn from the prior N(0, I) with `seed`: [count, latent_dim].
pub fn prior_samples(count: usize, latent_dim: usize, seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count * latent_dim).map(|_| StandardNormal.sample(&mut rng)).collect()
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
