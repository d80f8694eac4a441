//! Dense encoder and decoder: pixels → 512 → 256 → latent and back.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use super::ops::{linear, linear_relu};
use super::{DiagonalGaussian, WeightGradientFactors};

const HIDDEN_WIDE: usize = 512;
const HIDDEN_NARROW: usize = 256;

/// Multiply-adds of one image's forward pass through encoder and decoder.
pub fn forward_macs(pixels: usize, latent_dim: usize) -> usize {
    let encoder = pixels * HIDDEN_WIDE + HIDDEN_WIDE * HIDDEN_NARROW + HIDDEN_NARROW * 2 * latent_dim;
    let decoder = latent_dim * HIDDEN_NARROW + HIDDEN_NARROW * HIDDEN_WIDE + HIDDEN_WIDE * pixels;
    encoder + decoder
}

/// Multiply-adds of one image's first layer (pixels → 512): its input is the image, which needs no
/// gradient, so training never runs this layer's input-gradient product.
pub fn first_layer_macs(pixels: usize) -> usize {
    pixels * HIDDEN_WIDE
}

/// Weights and biases of encoder and decoder, or `None` when the count overflows.
pub fn parameter_count(pixels: usize, latent_dim: usize) -> Option<usize> {
    let linear = |inputs: usize, outputs: usize| inputs.checked_mul(outputs)?.checked_add(outputs);
    let layers = [
        linear(pixels, HIDDEN_WIDE)?,
        linear(HIDDEN_WIDE, HIDDEN_NARROW)?,
        linear(HIDDEN_NARROW, latent_dim)?, // mean
        linear(HIDDEN_NARROW, latent_dim)?, // log-variance
        linear(latent_dim, HIDDEN_NARROW)?,
        linear(HIDDEN_NARROW, HIDDEN_WIDE)?,
        linear(HIDDEN_WIDE, pixels)?,
    ];
    layers.into_iter().try_fold(0usize, usize::checked_add)
}

/// Dense encoder producing a diagonal Gaussian.
#[derive(Module, Debug)]
pub struct MlpEncoder {
    wide: Linear,
    narrow: Linear,
    mean: Linear,
    log_var: Linear,
    /// Where a backward pass leaves the weight gradients' factors (none unless a training shard
    /// set it on its copy); not a weight: no part of the record.
    #[module(skip)]
    weight_factors: WeightGradientFactors,
}

impl MlpEncoder {
    /// A fresh encoder for `pixels` inputs and `latent_dim` outputs.
    pub fn new(pixels: usize, latent_dim: usize, device: &Device) -> Self {
        Self {
            wide: LinearConfig::new(pixels, HIDDEN_WIDE).init(device),
            narrow: LinearConfig::new(HIDDEN_WIDE, HIDDEN_NARROW).init(device),
            mean: LinearConfig::new(HIDDEN_NARROW, latent_dim).init(device),
            log_var: LinearConfig::new(HIDDEN_NARROW, latent_dim).init(device),
            weight_factors: WeightGradientFactors::none(),
        }
    }

    /// This encoder with its dense layers leaving their weight gradients' factors in
    /// `weight_factors` in a backward pass.
    pub fn with_weight_factors(self, weight_factors: WeightGradientFactors) -> Self {
        Self { weight_factors, ..self }
    }

    /// images: [batch, pixels] in [0, 1] → q(z | x)
    pub fn forward(&self, images: Tensor<2>) -> DiagonalGaussian {
        let weight_factors = &self.weight_factors;
        let hidden = linear_relu(&self.wide, images, weight_factors); // [batch, 512]
        let hidden = linear_relu(&self.narrow, hidden, weight_factors); // [batch, 256]
        DiagonalGaussian {
            mean: linear(&self.mean, hidden.clone(), weight_factors), // [batch, latent]
            log_var: linear(&self.log_var, hidden, weight_factors),   // [batch, latent]
        }
    }
}

/// Dense decoder producing pixel logits.
#[derive(Module, Debug)]
pub struct MlpDecoder {
    narrow: Linear,
    wide: Linear,
    pixels: Linear,
    /// Where a backward pass leaves the weight gradients' factors (none unless a training shard
    /// set it on its copy); not a weight: no part of the record.
    #[module(skip)]
    weight_factors: WeightGradientFactors,
}

impl MlpDecoder {
    /// A fresh decoder from `latent_dim` to `pixels`.
    pub fn new(latent_dim: usize, pixels: usize, device: &Device) -> Self {
        Self {
            narrow: LinearConfig::new(latent_dim, HIDDEN_NARROW).init(device),
            wide: LinearConfig::new(HIDDEN_NARROW, HIDDEN_WIDE).init(device),
            pixels: LinearConfig::new(HIDDEN_WIDE, pixels).init(device),
            weight_factors: WeightGradientFactors::none(),
        }
    }

    /// This decoder with its dense layers leaving their weight gradients' factors in
    /// `weight_factors` in a backward pass.
    pub fn with_weight_factors(self, weight_factors: WeightGradientFactors) -> Self {
        Self { weight_factors, ..self }
    }

    /// latents: [batch, latent] → logits: [batch, pixels]
    pub fn forward(&self, latents: Tensor<2>) -> Tensor<2> {
        let weight_factors = &self.weight_factors;
        let hidden = linear_relu(&self.narrow, latents, weight_factors); // [batch, 256]
        let hidden = linear_relu(&self.wide, hidden, weight_factors); // [batch, 512]
        linear(&self.pixels, hidden, weight_factors)
    }
}
