//! The gradient of one batch, computed in shards on all cores at once.
//!
//! burn's CPU device runs element-wise operations on one core and multiplies only large matrices
//! in parallel, so a whole batch on one thread leaves most of a multi-core machine idle. Each
//! shard here runs its own forward and backward pass on its own thread, through a fork of the
//! model (burn's autodiff cannot run two backward passes over the same parameter nodes at once);
//! the shards' gradients are summed by the optimizer step. With the host Adam, each shard's copy of
//! the model carries a [`WeightGradientFactors`] ([`Vae::with_weight_factors`]), where its dense
//! layers leave their weight gradients as factors for the optimizer to multiply out.
//! The objective is the batch sum divided
//! by the full batch size, so the summed gradient is the gradient of the batch mean, exactly as
//! without shards. The noise of the reparameterisation is drawn once for the whole batch, so the
//! result does not depend on how threads interleave.

use std::borrow::Cow;

use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::Distribution;
use rayon::prelude::*;

use super::evaluate::batch_loss_parts;
use super::{LossAccumulator, LossParts, PerceptualTerm, logit_bound};
use crate::data::ImageSet;
use crate::device::is_host_device;
use crate::model::{DenseFactors, Likelihood, LossTerms, Vae, WeightGradientFactors};

/// Fewest images worth a thread of their own.
const MIN_SHARD_IMAGES: usize = 16;

/// How one batch's gradient is computed.
#[derive(Clone, Debug)]
pub struct ShardedStep {
    /// Most shards a batch is split into.
    pub shards: usize,
    /// Latent dimensions of the model (for the reparameterisation noise).
    pub latent_dim: usize,
    /// Reconstruction likelihood of the objective.
    pub loss: Likelihood,
    /// Weight of the KL term in the objective (β, after warm-up).
    pub kl_weight: f64,
    /// Whether the dense layers leave their weight gradients as factors (for the host Adam, which
    /// computes them inside its update) rather than computing them.
    pub keep_weight_factors: bool,
    /// The LPIPS term added to each image's reconstruction loss in the objective (not in the
    /// reported loss terms, which stay the likelihood's); `None`: no perceptual term.
    pub perceptual: Option<PerceptualTerm>,
}

/// One shard's gradients: burn's gradient set, and the dense weights' gradients that were left
/// as factors.
pub struct ShardGradients {
    pub params: GradientsParams,
    pub dense_factors: Vec<DenseFactors>,
}

impl From<GradientsParams> for ShardGradients {
    fn from(params: GradientsParams) -> Self {
        Self { params, dense_factors: Vec::new() }
    }
}

/// A batch's summed gradients and mean loss terms.
pub struct BatchGradients {
    /// One gradient set per shard, in the batch's order; their sum is the batch's gradient.
    pub gradients: Vec<ShardGradients>,
    /// Mean reconstruction and KL per image of the batch.
    pub loss: LossParts,
}

impl ShardedStep {
    /// Shards for `device`: one per core for a host device, one for a GPU (which is parallel inside).
    pub fn shard_count(device: &Device) -> usize {
        if is_host_device(device) { rayon::current_num_threads().max(1) } else { 1 }
    }

    /// Gradients of the mean objective over `batch` (indices into `images`) for `model`, whose
    /// device must be an autodiff device.
    pub fn gradients(&self, model: &Vae, images: &ImageSet, batch: &[usize], device: &Device) -> BatchGradients {
        let noise = Tensor::<2>::random([batch.len(), self.latent_dim], Distribution::Normal(0.0, 1.0), device);
        self.gradients_with_noise(model, images, batch, noise, device)
    }

    /// As [`Self::gradients`], with the reparameterisation noise given: [batch.len(), latent_dim].
    fn gradients_with_noise(
        &self,
        model: &Vae,
        images: &ImageSet,
        batch: &[usize],
        noise: Tensor<2>,
        device: &Device,
    ) -> BatchGradients {
        let shards = self.shards.min(batch.len() / MIN_SHARD_IMAGES).max(1);
        let shard_len = batch.len().div_ceil(shards);
        let total = batch.len() as f64;
        let shard_results: Vec<(ShardGradients, LossParts, usize)> = if shards == 1 {
            let perceptual = self.perceptual.as_ref().map(Cow::Borrowed);
            vec![self.shard(Cow::Borrowed(model), perceptual, images.batch_tensor(batch, device), noise, total)]
        } else {
            batch
                .par_chunks(shard_len)
                .enumerate()
                .map(|(index, indices)| {
                    let start = index * shard_len;
                    let noise = noise.clone().slice(start..start + indices.len());
                    let fork = model.clone().fork(device);
                    let perceptual = self.perceptual.as_ref().map(|term| Cow::Owned(term.fork(device)));
                    self.shard(Cow::Owned(fork), perceptual, images.batch_tensor(indices, device), noise, total)
                })
                .collect()
        };
        let mut accumulator = LossAccumulator::default();
        let mut gradients = Vec::with_capacity(shard_results.len());
        for (shard_gradients, loss, images) in shard_results {
            accumulator.add(loss, images);
            gradients.push(shard_gradients);
        }
        BatchGradients { gradients, loss: accumulator.mean() }
    }

    /// One shard's gradients, its mean loss terms read back to the host, and its image count.
    ///
    /// `model` is the shard's own fork, or the caller's model when the batch is one shard: that one
    /// is cloned (a clone shares the weights) when it must carry the place of the weight gradients'
    /// factors.
    fn shard(
        &self,
        model: Cow<'_, Vae>,
        perceptual: Option<Cow<'_, PerceptualTerm>>,
        images: Tensor<2>,
        noise: Tensor<2>,
        batch_size: f64,
    ) -> (ShardGradients, LossParts, usize) {
        let shard_images = images.dims()[0];
        let (model, weight_factors) = if self.keep_weight_factors {
            let weight_factors = WeightGradientFactors::keeping();
            (Cow::Owned(model.into_owned().with_weight_factors(weight_factors.clone())), weight_factors)
        } else {
            (model, WeightGradientFactors::none())
        };
        let (terms, logits) = model.loss_terms_and_logits_with_noise(images.clone(), noise, self.loss);
        let objective = self.objective_per_image(&terms, logits, images, perceptual.as_deref()).sum() / batch_size;
        let params = GradientsParams::from_grads(objective.backward(), &*model);
        let gradients = ShardGradients { params, dense_factors: weight_factors.take() };
        (gradients, batch_loss_parts(terms), shard_images)
    }

    /// Each image's training objective: the reconstruction loss, β·KL, the perceptual term if
    /// any, and for L1 the logits' excess over their bound ([`logit_bound`]). Only the first two
    /// are reported; the rest shape the gradient.
    /// logits and images: [batch, values] → [batch]
    fn objective_per_image(
        &self,
        terms: &LossTerms,
        logits: Tensor<2>,
        images: Tensor<2>,
        perceptual: Option<&PerceptualTerm>,
    ) -> Tensor<1> {
        let mut per_image = terms.reconstruction.clone() + terms.kl.clone() * self.kl_weight;
        if logit_bound::bounds_logits(self.loss.loss) {
            per_image = per_image + logit_bound::excess_per_image(logits.clone());
        }
        if let Some(perceptual) = perceptual {
            per_image = per_image + perceptual.per_image(logits, images);
        }
        per_image
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReconstructionLoss, VaeConfig, reconstruction_loss};
    use crate::training::host_adam::HostAdam;

    /// 64 made-up 28×28 images.
    fn images() -> ImageSet {
        let pixels = (0..64 * 784).map(|index| ((index * 37) % 251) as u8).collect();
        ImageSet { channels: 1, height: 28, width: 28, pixels, labels: vec![0; 64] }
    }

    /// The largest difference between two outputs, a NaN counted as infinite.
    fn largest_gap_of(a: &[f32], b: &[f32]) -> f32 {
        let gaps = a.iter().zip(b).map(|(a, b)| (a - b).abs());
        gaps.map(|gap| if gap.is_nan() { f32::INFINITY } else { gap }).fold(0.0, f32::max)
    }

    /// Dense layers of the MLP: four in the encoder (two hidden, mean, log-variance), three in the
    /// decoder.
    const MLP_DENSE_LAYERS: usize = 7;

    /// The model's decoding of one latent after `steps` Adam steps, each on the same batch computed
    /// in `shards` shards, and the last batch's loss; with `keep_factors`, the dense weights'
    /// gradients reach Adam as factors, as in training.
    ///
    /// `model` and the noise are fixed by the caller: the device's random generator is shared
    /// with tests running in parallel, so nothing here draws from it.
    fn steps(model: &Vae, shards: usize, steps: usize, keep_factors: bool) -> (Vec<f32>, LossParts) {
        let device = Device::flex();
        let autodiff = device.clone().autodiff();
        let mut model = model.clone().fork(&autodiff);
        let mut adam = HostAdam::default();
        let batch: Vec<usize> = (0..64).collect();
        let noise_values: Vec<f32> = (0..64 * 2).map(|index| ((index * 7) % 13) as f32 / 6.0 - 1.0).collect();
        let mut last_loss = None;
        for _ in 0..steps {
            let step = ShardedStep {
                shards,
                latent_dim: 2,
                loss: Likelihood::bernoulli(),
                kl_weight: 1.0,
                keep_weight_factors: keep_factors,
                perceptual: None,
            };
            let noise = Tensor::<2>::from_data(TensorData::new(noise_values.clone(), [64, 2]), &autodiff);
            let BatchGradients { gradients, loss } =
                step.gradients_with_noise(&model, &images(), &batch, noise, &autodiff);
            assert_eq!(gradients.len(), shards);
            for shard in &gradients {
                let kept = if keep_factors { MLP_DENSE_LAYERS } else { 0 };
                assert_eq!(shard.dense_factors.len(), kept, "each dense weight's factors, once");
                // The biases always come as gradients; the weights only without factors.
                assert_eq!(shard.params.len(), 2 * MLP_DENSE_LAYERS - kept);
            }
            model = adam.step(1e-3, model, gradients);
            last_loss = Some(loss);
        }
        let decoded = model.valid().decode(Tensor::<2>::from_data([[0.5, -1.0]], &device));
        let loss = last_loss.expect("at least one step");
        (decoded.into_data().try_to_vec::<f32>().expect("f32 data"), loss)
    }

    #[test]
    fn shards_give_the_gradient_of_the_whole_batch() {
        let model = VaeConfig::new().init(&Device::flex().autodiff());
        let (whole, whole_loss) = steps(&model, 1, 1, false);
        let (sharded, sharded_loss) = steps(&model, 4, 1, false);
        assert!((whole_loss.neg_elbo_nats() - sharded_loss.neg_elbo_nats()).abs() < 1e-3, "{whole_loss:?}");
        assert!(whole_loss.reconstruction_nats > 100.0, "{whole_loss:?}");
        let largest_gap = largest_gap_of(&whole, &sharded);
        assert!(largest_gap < 1e-4, "outputs differ by {largest_gap}");
    }

    #[test]
    fn weight_gradients_from_factors_train_the_same_model() {
        let model = VaeConfig::new().init(&Device::flex().autodiff());
        let (computed, computed_loss) = steps(&model, 2, 3, false);
        let (from_factors, factors_loss) = steps(&model, 2, 3, true);
        let loss_gap = (computed_loss.neg_elbo_nats() - factors_loss.neg_elbo_nats()).abs();
        assert!(loss_gap < 1e-4, "the third step's loss differs by {loss_gap}");
        let largest_gap = largest_gap_of(&computed, &from_factors);
        assert!(largest_gap < 1e-6, "outputs differ by {largest_gap}");
        let device = Device::flex();
        let untrained = model.valid().decode(Tensor::<2>::from_data([[0.5, -1.0]], &device));
        let untrained = untrained.into_data().try_to_vec::<f32>().expect("f32 data");
        assert!(largest_gap_of(&untrained, &from_factors) > 1e-3, "the steps moved the model");
    }

    /// The objective's gradient on one logit of `value` whose target is white, for `loss` (scale 0.1).
    fn gradient_on_a_logit(loss: ReconstructionLoss, value: f32) -> f32 {
        let device = Device::flex().autodiff();
        let likelihood = Likelihood { loss, scale: 0.1, ..Likelihood::bernoulli() };
        let step = ShardedStep {
            shards: 1,
            latent_dim: 1,
            loss: likelihood,
            kl_weight: 1.0,
            keep_weight_factors: false,
            perceptual: None,
        };
        let logits = Tensor::<2>::from_data([[value]], &device).require_grad();
        let images = Tensor::<2>::from_data([[1.0]], &device);
        let terms = LossTerms {
            reconstruction: reconstruction_loss(likelihood, logits.clone(), images.clone()),
            kl: Tensor::zeros([1], &device),
        };
        let gradients = step.objective_per_image(&terms, logits.clone(), images, None).sum().backward();
        let gradient = logits.grad(&gradients).expect("the logit has a gradient");
        gradient.into_data().try_to_vec::<f32>().expect("f32")[0]
    }

    #[test]
    fn the_l1_objective_pulls_a_runaway_logit_back_and_bce_needs_no_pull() {
        // L1 on its own pushes a white pixel's logit up at every size (by σ'(12) / b = 6e-5 here),
        // towards where the sigmoid passes no gradient; the bound pulls it back past ±8.
        let runaway = gradient_on_a_logit(ReconstructionLoss::L1, 12.0);
        assert!(runaway > 0.9, "the L1 objective's gradient at logit 12 was {runaway}: no pull back");
        let inside = gradient_on_a_logit(ReconstructionLoss::L1, 4.0);
        assert!(inside < 0.0, "inside the bound the likelihood alone acts (brighter), got {inside}");
        // BCE's gradient σ(logit) − x never vanishes on a wrong pixel, so it is left unbounded.
        let bce = gradient_on_a_logit(ReconstructionLoss::Bce, 12.0);
        assert!(bce < 0.0 && bce > -1e-4, "BCE at logit 12 towards white: {bce}");
    }
}
