//! Held-out evaluation: mean reconstruction and KL per image, in nats.

use burn::prelude::*;

use super::{LossAccumulator, LossParts};
use crate::data::ImageSet;
use crate::model::{Likelihood, LossTerms, Vae};

const EVAL_BATCH: usize = 1000;

/// Mean loss terms of `model` over every image of `set` (one posterior sample each).
pub fn evaluate(model: &Vae, set: &ImageSet, loss: Likelihood) -> LossParts {
    let device = model.devices().into_iter().next().unwrap_or_else(Device::flex);
    let indices: Vec<usize> = (0..set.len()).collect();
    let mut accumulator = LossAccumulator::default();
    for batch in indices.chunks(EVAL_BATCH) {
        let images = set.batch_tensor(batch, &device);
        accumulator.add(batch_loss_parts(model.loss_terms(images, loss)), batch.len());
    }
    accumulator.mean()
}

/// The batch means of both terms, read back to the host in one transfer.
pub fn batch_loss_parts(terms: LossTerms) -> LossParts {
    let means = Tensor::cat(vec![terms.reconstruction.mean(), terms.kl.mean()], 0);
    let values: Vec<f32> = means.into_data().try_to_vec::<f32>().unwrap_or_default();
    match values.as_slice() {
        [reconstruction, kl] => LossParts { reconstruction_nats: f64::from(*reconstruction), kl_nats: f64::from(*kl) },
        _ => LossParts { reconstruction_nats: f64::NAN, kl_nats: f64::NAN },
    }
}
