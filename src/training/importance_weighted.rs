//! The importance-weighted estimate of log p(x) (Burda et al. 2016), how VAE papers report
//! likelihood: log p(x) ≈ log (1/K) Σₖ p(x | zₖ) p(zₖ) / q(zₖ | x), zₖ ~ q(z | x). It is a lower
//! bound that tightens as K grows; K = 1 is the ELBO.

use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::data::ImageSet;
use crate::model::{Likelihood, Vae, reconstruction_loss};

const EVAL_BATCH: usize = 500;

/// Mean over the images of `set` of −log p̂(x) in nats, with `samples` importance samples each,
/// the noise drawn from `seed`. Every loss is a normalised likelihood (Bernoulli, Gaussian with σ,
/// Laplace with b), but MSE and L1 are densities over continuous pixels: compare their figures only
/// between models with the same loss and scale.
pub fn importance_weighted_nll_nats(model: &Vae, set: &ImageSet, loss: Likelihood, samples: usize, seed: u64) -> f64 {
    let device = model.devices().into_iter().next().unwrap_or_else(Device::flex);
    let samples = samples.max(1);
    let mut rng = StdRng::seed_from_u64(seed);
    let indices: Vec<usize> = (0..set.len()).collect();
    let mut total_nats = 0.0;
    for batch in indices.chunks(EVAL_BATCH) {
        let images = set.batch_tensor(batch, &device);
        let posterior = model.encode(images.clone());
        let [rows, latent_dim] = posterior.mean.dims();
        // log wₖ per image, one row per sample: [samples][rows].
        let mut log_weights = Vec::with_capacity(samples);
        for _ in 0..samples {
            let noise: Vec<f32> = (0..rows * latent_dim).map(|_| StandardNormal.sample(&mut rng)).collect();
            let noise = Tensor::<2>::from_data(TensorData::new(noise, [rows, latent_dim]), &device);
            let z = posterior.sample_with(noise.clone());
            let log_likelihood = reconstruction_loss(loss, model.decode_logits(z.clone()), images.clone()).neg();
            // log p(z) − log q(z|x): the 2π terms cancel; (z − μ)/σ is the noise itself.
            let log_prior = z.powi_scalar(2).sum_dim(1).squeeze_dim::<1>(1) * -0.5;
            let log_posterior =
                (noise.powi_scalar(2) + posterior.log_var.clone()).sum_dim(1).squeeze_dim::<1>(1) * -0.5;
            let log_weight = log_likelihood + log_prior - log_posterior;
            log_weights.push(log_weight.into_data().try_to_vec::<f32>().unwrap_or_default());
        }
        for row in 0..rows {
            let weights: Vec<f64> =
                log_weights.iter().map(|sample| f64::from(sample.get(row).copied().unwrap_or(f32::NAN))).collect();
            total_nats -= log_mean_exp(&weights);
        }
    }
    total_nats / set.len().max(1) as f64
}

/// log (1/n) Σ exp(values), computed stably.
fn log_mean_exp(values: &[f64]) -> f64 {
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    let sum: f64 = values.iter().map(|value| (value - max).exp()).sum();
    max + (sum / values.len() as f64).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_mean_exp_is_stable_and_exact() {
        assert!((log_mean_exp(&[0.0, 0.0]) - 0.0).abs() < 1e-12);
        let got = log_mean_exp(&[1000.0, 1000.0 + 2f64.ln()]);
        assert!((got - (1000.0 + 1.5f64.ln())).abs() < 1e-9, "{got}");
    }
}
