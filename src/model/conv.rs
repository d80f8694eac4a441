//! Convolutional encoder and decoder: two stride-2 convolutions (32, 64 channels) and back.

use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;

use super::DiagonalGaussian;

const CHANNELS_FIRST: usize = 32;
const CHANNELS_SECOND: usize = 64;
const HIDDEN: usize = 256;

/// Multiply-adds of one image's forward pass through encoder and decoder (3×3 kernels).
pub fn forward_macs(height: usize, width: usize, latent_dim: usize) -> usize {
    let half = (height / 2) * (width / 2);
    let quarter = (height / 4) * (width / 4);
    let features = CHANNELS_SECOND * quarter;
    let convolutions = half * CHANNELS_FIRST * 9 + quarter * CHANNELS_SECOND * CHANNELS_FIRST * 9;
    let encoder = convolutions + features * HIDDEN + HIDDEN * 2 * latent_dim;
    // A transposed convolution does the multiply-adds of the convolution it mirrors.
    let decoder = latent_dim * HIDDEN + HIDDEN * features + convolutions;
    encoder + decoder
}

/// Weights and biases of encoder and decoder (3×3 kernels), or `None` when the count overflows.
pub fn parameter_count(height: usize, width: usize, latent_dim: usize) -> Option<usize> {
    let linear = |inputs: usize, outputs: usize| inputs.checked_mul(outputs)?.checked_add(outputs);
    let kernel = |channels_in: usize, channels_out: usize| channels_in * channels_out * 9 + channels_out;
    let features = (height / 4).checked_mul(width / 4)?.checked_mul(CHANNELS_SECOND)?;
    // A transposed convolution holds as many weights as the convolution it mirrors.
    let kernels = kernel(1, CHANNELS_FIRST)
        + kernel(CHANNELS_FIRST, CHANNELS_SECOND)
        + kernel(CHANNELS_SECOND, CHANNELS_FIRST)
        + kernel(CHANNELS_FIRST, 1);
    let dense = [
        linear(features, HIDDEN)?,
        linear(HIDDEN, latent_dim)?,
        linear(HIDDEN, latent_dim)?,
        linear(latent_dim, HIDDEN)?,
        linear(HIDDEN, features)?,
    ];
    dense.into_iter().try_fold(kernels, usize::checked_add)
}

fn stride2_conv(channels_in: usize, channels_out: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([channels_in, channels_out], [3, 3])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

fn stride2_deconv(channels_in: usize, channels_out: usize, device: &Device) -> ConvTranspose2d {
    ConvTranspose2dConfig::new([channels_in, channels_out], [3, 3])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_padding_out([1, 1])
        .init(device)
}

/// Convolutional encoder producing a diagonal Gaussian.
#[derive(Module, Debug)]
pub struct ConvEncoder {
    first: Conv2d,
    second: Conv2d,
    hidden: Linear,
    mean: Linear,
    log_var: Linear,
    height: usize,
    width: usize,
}

impl ConvEncoder {
    /// A fresh encoder for `height × width` images (sides divisible by 4).
    pub fn new(height: usize, width: usize, latent_dim: usize, device: &Device) -> Self {
        let features = CHANNELS_SECOND * (height / 4) * (width / 4);
        Self {
            first: stride2_conv(1, CHANNELS_FIRST, device),
            second: stride2_conv(CHANNELS_FIRST, CHANNELS_SECOND, device),
            hidden: LinearConfig::new(features, HIDDEN).init(device),
            mean: LinearConfig::new(HIDDEN, latent_dim).init(device),
            log_var: LinearConfig::new(HIDDEN, latent_dim).init(device),
            height,
            width,
        }
    }

    /// images: [batch, pixels] in [0, 1] → q(z | x)
    pub fn forward(&self, images: Tensor<2>) -> DiagonalGaussian {
        let [batch, _] = images.dims();
        let images = images.reshape([batch, 1, self.height, self.width]);
        let maps = relu(self.first.forward(images)); // [batch, 32, h/2, w/2]
        let maps = relu(self.second.forward(maps)); // [batch, 64, h/4, w/4]
        let hidden = relu(self.hidden.forward(maps.flatten(1, 3))); // [batch, 256]
        DiagonalGaussian { mean: self.mean.forward(hidden.clone()), log_var: self.log_var.forward(hidden) }
    }
}

/// Convolutional decoder producing pixel logits.
#[derive(Module, Debug)]
pub struct ConvDecoder {
    hidden: Linear,
    features: Linear,
    first: ConvTranspose2d,
    second: ConvTranspose2d,
    height: usize,
    width: usize,
}

impl ConvDecoder {
    /// A fresh decoder from `latent_dim` to `height × width` images.
    pub fn new(latent_dim: usize, height: usize, width: usize, device: &Device) -> Self {
        let features = CHANNELS_SECOND * (height / 4) * (width / 4);
        Self {
            hidden: LinearConfig::new(latent_dim, HIDDEN).init(device),
            features: LinearConfig::new(HIDDEN, features).init(device),
            first: stride2_deconv(CHANNELS_SECOND, CHANNELS_FIRST, device),
            second: stride2_deconv(CHANNELS_FIRST, 1, device),
            height,
            width,
        }
    }

    /// latents: [batch, latent] → logits: [batch, pixels]
    pub fn forward(&self, latents: Tensor<2>) -> Tensor<2> {
        let [batch, _] = latents.dims();
        let hidden = relu(self.hidden.forward(latents)); // [batch, 256]
        let features = relu(self.features.forward(hidden)); // [batch, 64·h/4·w/4]
        let maps = features.reshape([batch, CHANNELS_SECOND, self.height / 4, self.width / 4]);
        let maps = relu(self.first.forward(maps)); // [batch, 32, h/2, w/2]
        let logits = self.second.forward(maps); // [batch, 1, h, w]
        logits.reshape([batch, self.height * self.width])
    }
}
