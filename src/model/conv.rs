//! Convolutional encoder and decoder: two stride-2 convolutions (32, 64 channels) and back.

use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;

use super::DiagonalGaussian;
use crate::image_shape::ImageShape;

const CHANNELS_FIRST: usize = 32;
const CHANNELS_SECOND: usize = 64;
const HIDDEN: usize = 256;

/// Multiply-adds of one image's forward pass through encoder and decoder (3×3 kernels).
pub fn forward_macs(shape: ImageShape, latent_dim: usize) -> usize {
    let ImageShape { channels, height, width } = shape;
    let half = (height / 2) * (width / 2);
    let quarter = (height / 4) * (width / 4);
    let features = CHANNELS_SECOND * quarter;
    let convolutions = half * channels * CHANNELS_FIRST * 9 + quarter * CHANNELS_SECOND * CHANNELS_FIRST * 9;
    let encoder = convolutions + features * HIDDEN + HIDDEN * 2 * latent_dim;
    // A transposed convolution does the multiply-adds of the convolution it mirrors.
    let decoder = latent_dim * HIDDEN + HIDDEN * features + convolutions;
    encoder + decoder
}

/// Weights and biases of encoder and decoder (3×3 kernels), or `None` when the count overflows.
pub fn parameter_count(shape: ImageShape, latent_dim: usize) -> Option<usize> {
    let ImageShape { channels, height, width } = shape;
    let linear = |inputs: usize, outputs: usize| inputs.checked_mul(outputs)?.checked_add(outputs);
    let kernel = |channels_in: usize, channels_out: usize| channels_in * channels_out * 9 + channels_out;
    let features = (height / 4).checked_mul(width / 4)?.checked_mul(CHANNELS_SECOND)?;
    // A transposed convolution holds as many weights as the convolution it mirrors.
    let kernels = kernel(channels, CHANNELS_FIRST)
        + kernel(CHANNELS_FIRST, CHANNELS_SECOND)
        + kernel(CHANNELS_SECOND, CHANNELS_FIRST)
        + kernel(CHANNELS_FIRST, channels);
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
    channels: usize,
    height: usize,
    width: usize,
}

impl ConvEncoder {
    /// A fresh encoder for images of `shape` (sides divisible by 4).
    pub fn new(shape: ImageShape, latent_dim: usize, device: &Device) -> Self {
        let ImageShape { channels, height, width } = shape;
        let features = CHANNELS_SECOND * (height / 4) * (width / 4);
        Self {
            first: stride2_conv(channels, CHANNELS_FIRST, device),
            second: stride2_conv(CHANNELS_FIRST, CHANNELS_SECOND, device),
            hidden: LinearConfig::new(features, HIDDEN).init(device),
            mean: LinearConfig::new(HIDDEN, latent_dim).init(device),
            log_var: LinearConfig::new(HIDDEN, latent_dim).init(device),
            channels,
            height,
            width,
        }
    }

    /// images: [batch, channels·height·width] in [0, 1] → q(z | x)
    pub fn forward(&self, images: Tensor<2>) -> DiagonalGaussian {
        let [batch, _] = images.dims();
        let images = images.reshape([batch, self.channels, self.height, self.width]);
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
    channels: usize,
    height: usize,
    width: usize,
}

impl ConvDecoder {
    /// A fresh decoder from `latent_dim` to images of `shape`.
    pub fn new(latent_dim: usize, shape: ImageShape, device: &Device) -> Self {
        let ImageShape { channels, height, width } = shape;
        let features = CHANNELS_SECOND * (height / 4) * (width / 4);
        Self {
            hidden: LinearConfig::new(latent_dim, HIDDEN).init(device),
            features: LinearConfig::new(HIDDEN, features).init(device),
            first: stride2_deconv(CHANNELS_SECOND, CHANNELS_FIRST, device),
            second: stride2_deconv(CHANNELS_FIRST, channels, device),
            channels,
            height,
            width,
        }
    }

    /// latents: [batch, latent] → logits: [batch, channels·height·width]
    pub fn forward(&self, latents: Tensor<2>) -> Tensor<2> {
        let [batch, _] = latents.dims();
        let hidden = relu(self.hidden.forward(latents)); // [batch, 256]
        let features = relu(self.features.forward(hidden)); // [batch, 64·h/4·w/4]
        let maps = features.reshape([batch, CHANNELS_SECOND, self.height / 4, self.width / 4]);
        let maps = relu(self.first.forward(maps)); // [batch, 32, h/2, w/2]
        let logits = self.second.forward(maps); // [batch, channels, h, w]
        logits.reshape([batch, self.channels * self.height * self.width])
    }
}
