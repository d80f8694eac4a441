//! The held-out −ELBO of any model that encodes and decodes plain floats (an ONNX pair among them):
//! one seeded posterior sample per image, the decoded image scored under a stated likelihood.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::LossParts;
use crate::data::ImageSet;
use crate::model::{LatentModel, Likelihood, ReconstructionLoss, ms_ssim_l1_loss};

const BATCH: usize = 500;
/// Decoded probabilities are kept this far from 0 and 1 so a Bernoulli score stays finite.
const PROBABILITY_FLOOR: f64 = 1e-6;

/// Mean reconstruction and KL terms per image of `set`, in nats; the reconstruction is
/// −log p(x | z) under `likelihood` of the decoded image (values in [0, 1]) at one sample z per
/// image drawn with `seed`.
pub fn neg_elbo_of(model: &impl LatentModel, set: &ImageSet, likelihood: Likelihood, seed: u64) -> LossParts {
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut reconstruction_sum, mut kl_sum) = (0.0, 0.0);
    let mut images = Vec::new();
    let indices: Vec<usize> = (0..set.len()).collect();
    for batch in indices.chunks(BATCH) {
        set.write_batch(batch, &mut images);
        let (means, log_vars) = model.encode_planar(&images, batch.len());
        let latent_dim = means.len() / batch.len();
        let samples: Vec<f32> = means
            .iter()
            .zip(&log_vars)
            .map(|(&mean, &log_var)| {
                let noise: f32 = StandardNormal.sample(&mut rng);
                mean + (0.5 * log_var).exp() * noise
            })
            .collect();
        kl_sum += means
            .iter()
            .zip(&log_vars)
            .map(|(&mean, &log_var)| {
                let (mean, log_var) = (f64::from(mean), f64::from(log_var));
                0.5 * (mean * mean + log_var.exp() - 1.0 - log_var)
            })
            .sum::<f64>();
        let decoded = model.decode_planar(&samples, batch.len(), latent_dim);
        reconstruction_sum += if likelihood.loss.is_likelihood() {
            images.iter().zip(&decoded).map(|(&x, &x_hat)| value_nll(likelihood, f64::from(x), f64::from(x_hat))).sum()
        } else {
            ms_ssim_l1_sum(likelihood, &images, &decoded, batch.len())
        };
    }
    let count = set.len().max(1) as f64;
    LossParts { reconstruction_nats: reconstruction_sum / count, kl_nats: kl_sum / count }
}

/// The ms-ssim-l1 loss summed over `count` images and their decodings (values in [0, 1]), computed
/// on the CPU device from the decodings' logits.
fn ms_ssim_l1_sum(likelihood: Likelihood, images: &[f32], decoded: &[f32], count: usize) -> f64 {
    let device = burn::prelude::Device::flex();
    let values = images.len() / count.max(1);
    let floor = PROBABILITY_FLOOR as f32;
    let logits: Vec<f32> = decoded.iter().map(|&p| p.clamp(floor, 1.0 - floor)).map(|p| (p / (1.0 - p)).ln()).collect();
    let tensor = |data: Vec<f32>| {
        burn::prelude::Tensor::<2>::from_data(burn::prelude::TensorData::new(data, [count, values]), &device)
    };
    let losses = ms_ssim_l1_loss(tensor(logits), tensor(images.to_vec()), likelihood.shape);
    losses.into_data().iter::<f32>().map(f64::from).sum()
}

/// −log p(x | x̂) of one value under `likelihood` (a likelihood: not ms-ssim-l1, which scores
/// whole images and is NaN here).
fn value_nll(likelihood: Likelihood, x: f64, x_hat: f64) -> f64 {
    let scale = likelihood.scale;
    match likelihood.loss {
        ReconstructionLoss::MsSsimL1 => f64::NAN,
        ReconstructionLoss::Bce => {
            let p = x_hat.clamp(PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR);
            -(x * p.ln() + (1.0 - x) * (1.0 - p).ln())
        }
        ReconstructionLoss::Mse => {
            (x - x_hat).powi(2) / (2.0 * scale * scale) + 0.5 * (2.0 * std::f64::consts::PI * scale * scale).ln()
        }
        ReconstructionLoss::L1 => (x - x_hat).abs() / scale + (2.0 * scale).ln(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bernoulli_value_scores_its_cross_entropy() {
        let got = value_nll(Likelihood::bernoulli(), 1.0, 0.5);
        assert!((got - 2f64.ln()).abs() < 1e-12, "{got}");
        let gaussian = Likelihood {
            loss: ReconstructionLoss::Mse,
            scale: 1.0 / (2.0 * std::f64::consts::PI).sqrt(),
            ..Likelihood::bernoulli()
        };
        assert!((value_nll(gaussian, 1.0, 0.0) - std::f64::consts::PI).abs() < 1e-12);
    }
}
