//! The VAE's hyper-parameters: architecture, latent size and loss, all serialisable.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::Vae;
use super::conv::{ConvPlan, MAX_STAGE_CHANNELS};
use crate::image_shape::ImageShape;

/// Largest latent dimension the app accepts.
pub const MAX_LATENT_DIM: usize = 64;
/// Longest image side, in pixels, a model may be built for.
pub const MAX_IMAGE_SIDE: usize = 4096;
/// Most colour channels an image may have (grey 1, RGB 3).
pub const MAX_CHANNELS: usize = 4;
/// Most weights a model may hold: 2^28 f32 values are 1 GiB.
pub const MAX_PARAMETERS: usize = 1 << 28;
/// Most residual blocks a conv stage may hold.
pub const MAX_RESIDUAL_BLOCKS: usize = 8;

/// Which encoder/decoder pair the VAE uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Architecture {
    /// Dense layers: pixels → 512 → 256 → latent, mirrored back.
    #[default]
    Mlp,
    /// Stride-2 convolutions down to about 4×4 (channels doubling per stage) → latent (see
    /// --conv-layout), transposed convolutions back.
    Conv,
}

impl Architecture {
    /// Every architecture, in the order the UI lists them.
    pub const ALL: [Self; 2] = [Self::Mlp, Self::Conv];

    /// Short lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mlp => "mlp",
            Self::Conv => "conv",
        }
    }
}

/// How a reconstruction is scored against its original, summed over pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReconstructionLoss {
    /// Bernoulli negative log-likelihood (binary cross-entropy), in nats.
    #[default]
    Bce,
    /// Squared error, as the negative log-likelihood of a Gaussian with a stated σ, in nats.
    Mse,
    /// Absolute error, as the negative log-likelihood of a Laplace with a stated scale b, in nats.
    L1,
    /// Zhao et al. 2017's mix of MS-SSIM and L1 (α = 0.84), weight-free; not a likelihood.
    #[serde(rename = "ms-ssim-l1")]
    #[value(name = "ms-ssim-l1")]
    MsSsimL1,
}

impl ReconstructionLoss {
    /// Every loss, in the order the UI lists them.
    pub const ALL: [Self; 4] = [Self::Bce, Self::Mse, Self::L1, Self::MsSsimL1];

    /// Short lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bce => "bce",
            Self::Mse => "mse",
            Self::L1 => "l1",
            Self::MsSsimL1 => "ms-ssim-l1",
        }
    }

    /// True when the loss is −log p(x|z) of a likelihood (so a −ELBO under it is one); false for
    /// ms-ssim-l1.
    pub fn is_likelihood(self) -> bool {
        self != Self::MsSsimL1
    }

    /// True when the loss has a scale (σ or b) that can be given or learned.
    pub fn has_scale(self) -> bool {
        matches!(self, Self::Mse | Self::L1)
    }
}

/// How many stride-2 stages the conv architecture stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ConvLayout {
    /// 3×3 stages until the feature map is at most 4 pixels a side (28→14→7→4, 64→32→16→8→4),
    /// and a 256-unit dense layer between the map and the latent, both ways: the default for new
    /// runs until `direct` learned more per epoch on colour pictures (issue 25).
    Scaled,
    /// Two stages whatever the image size: the layout of conv checkpoints written before the
    /// stages scaled with the image (their descriptions name no layout and read as this one).
    TwoStages,
    /// The PyTorch tutorial's: 4×4 stride-2 convolutions (padding 1) halving each side until it is
    /// at most 4 pixels, the latent's mean and log-variance read straight off the last feature map
    /// by one linear layer each (no dense layer between), and the mirror image back. The default
    /// for new runs; a checkpoint keeps the layout its description names.
    #[default]
    Direct,
}

impl ConvLayout {
    /// Every layout, in the order the UI and `--conv-layout` list them.
    pub const ALL: [Self; 3] = [Self::Direct, Self::Scaled, Self::TwoStages];

    /// Short name, as on the command line and in checkpoint.json.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scaled => "scaled",
            Self::TwoStages => "two_stages",
            Self::Direct => "direct",
        }
    }
}

/// Everything needed to build a VAE with fresh weights.
///
/// Plain serde rather than burn's `Config` derive: burn's derive refuses a description without a
/// field, and fields added later (e.g. `channels`) must read as their default from older checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VaeConfig {
    /// Encoder/decoder family.
    pub architecture: Architecture,
    /// Size of the latent space, 1..=64.
    pub latent_dim: usize,
    /// Image height in pixels.
    pub image_height: usize,
    /// Image width in pixels.
    pub image_width: usize,
    /// Colour channels per image: 1 grey, 3 RGB. Checkpoints written before colour support hold none
    /// and read as 1.
    #[serde(default = "defaults::channels")]
    pub channels: usize,
    /// Conv only: stages of the encoder (mirrored by the decoder). Missing reads as
    /// [`ConvLayout::TwoStages`], the layout every conv checkpoint without the field was built with.
    #[serde(default = "defaults::legacy_conv_layout")]
    pub conv_layout: ConvLayout,
    /// Conv only: channels of the first stage; each further stage doubles them, up to
    /// [`MAX_STAGE_CHANNELS`].
    #[serde(default = "defaults::conv_base_channels")]
    pub conv_base_channels: usize,
    /// Conv only: residual blocks (two 3×3 convolutions and a skip) after each stage.
    #[serde(default)]
    pub conv_residual_blocks: usize,
}

/// Serde defaults of the fields older descriptions lack.
mod defaults {
    pub fn channels() -> usize {
        1
    }
    pub fn legacy_conv_layout() -> super::ConvLayout {
        super::ConvLayout::TwoStages
    }
    pub fn conv_base_channels() -> usize {
        32
    }
}

impl Default for VaeConfig {
    fn default() -> Self {
        Self {
            architecture: Architecture::Mlp,
            latent_dim: 2,
            image_height: 28,
            image_width: 28,
            channels: 1,
            conv_layout: ConvLayout::default(),
            conv_base_channels: defaults::conv_base_channels(),
            conv_residual_blocks: 0,
        }
    }
}

impl VaeConfig {
    /// The default config: an MLP with a 2-D latent for 28×28 grey images (conv: the direct
    /// layout from 32 channels, no residual blocks).
    pub fn new() -> Self {
        Self::default()
    }

    /// With `architecture`.
    pub fn with_architecture(self, architecture: Architecture) -> Self {
        Self { architecture, ..self }
    }

    /// With `latent_dim` latent dimensions.
    pub fn with_latent_dim(self, latent_dim: usize) -> Self {
        Self { latent_dim, ..self }
    }

    /// With images `image_height` pixels high.
    pub fn with_image_height(self, image_height: usize) -> Self {
        Self { image_height, ..self }
    }

    /// With images `image_width` pixels wide.
    pub fn with_image_width(self, image_width: usize) -> Self {
        Self { image_width, ..self }
    }

    /// With images of `channels` channels.
    pub fn with_channels(self, channels: usize) -> Self {
        Self { channels, ..self }
    }

    /// With the conv stages laid out as `conv_layout`.
    pub fn with_conv_layout(self, conv_layout: ConvLayout) -> Self {
        Self { conv_layout, ..self }
    }

    /// With `conv_base_channels` channels in the first conv stage.
    pub fn with_conv_base_channels(self, conv_base_channels: usize) -> Self {
        Self { conv_base_channels, ..self }
    }

    /// With `conv_residual_blocks` residual blocks per conv stage.
    pub fn with_conv_residual_blocks(self, conv_residual_blocks: usize) -> Self {
        Self { conv_residual_blocks, ..self }
    }

    /// The shape of the images this model reads and writes.
    pub fn image_shape(&self) -> ImageShape {
        ImageShape { channels: self.channels, height: self.image_height, width: self.image_width }
    }

    /// Number of values in one image, over all channels (saturating: a config that passed `validate`
    /// never saturates).
    pub fn values_per_image(&self) -> usize {
        self.image_shape().values()
    }

    /// The conv architecture's stages for this config (meaningful when `architecture` is conv).
    pub fn conv_plan(&self) -> ConvPlan {
        ConvPlan::new(self)
    }

    /// Number of weights (and biases) of the model this config builds, or `None` when it does not
    /// fit in a `usize`.
    pub fn parameter_count(&self) -> Option<usize> {
        match self.architecture {
            Architecture::Mlp => super::mlp::parameter_count(self.image_shape().checked_values()?, self.latent_dim),
            Architecture::Conv => self.conv_plan().parameter_count(),
        }
    }

    /// Floating-point operations to train on one image, 2 per multiply-add: the forward pass, the
    /// weight gradients (as many again) and the input gradients (as many again, except the first
    /// layer's: its input is the image, which needs no gradient, and burn's autodiff skips it).
    pub fn training_flops_per_image(&self) -> f64 {
        let (macs, first_layer_macs) = match self.architecture {
            Architecture::Mlp => {
                let values = self.values_per_image();
                (super::mlp::forward_macs(values, self.latent_dim), super::mlp::first_layer_macs(values))
            }
            Architecture::Conv => {
                let plan = self.conv_plan();
                (plan.forward_macs().unwrap_or(usize::MAX), plan.first_stage_macs().unwrap_or(0))
            }
        };
        6.0 * macs as f64 - 2.0 * first_layer_macs as f64
    }

    /// Checks the config before any tensor is made, with a message that says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_LATENT_DIM).contains(&self.latent_dim) {
            return Err(format!("latent dimension {} is out of range: choose 1 to {MAX_LATENT_DIM}", self.latent_dim));
        }
        if !(1..=MAX_CHANNELS).contains(&self.channels) {
            return Err(format!(
                "images of {} channels are not supported: choose 1 (grey) to {MAX_CHANNELS}",
                self.channels
            ));
        }
        let (height, width) = (self.image_height, self.image_width);
        if height == 0 || width == 0 {
            return Err(format!("images of {height}×{width} pixels have no pixels"));
        }
        if height > MAX_IMAGE_SIDE || width > MAX_IMAGE_SIDE {
            return Err(format!(
                "images of {height}×{width} pixels are too large: each side must be at most {MAX_IMAGE_SIDE}"
            ));
        }
        if self.architecture == Architecture::Conv {
            self.validate_conv()?;
        }
        match self.parameter_count() {
            Some(count) if count <= MAX_PARAMETERS => Ok(()),
            _ => Err(format!(
                "a {} VAE for {height}×{width} images would hold more than {MAX_PARAMETERS} weights: use smaller images{}",
                self.architecture.name(),
                match self.architecture {
                    Architecture::Mlp => " or --arch conv",
                    Architecture::Conv => ", fewer --base-channels or fewer --residual-blocks",
                }
            )),
        }
    }

    /// The conv-only fields: stage widths and residual blocks.
    fn validate_conv(&self) -> Result<(), String> {
        if !(1..=MAX_STAGE_CHANNELS).contains(&self.conv_base_channels) {
            return Err(format!(
                "the conv architecture's base channels must be 1 to {MAX_STAGE_CHANNELS}, not {}",
                self.conv_base_channels
            ));
        }
        if self.conv_residual_blocks > MAX_RESIDUAL_BLOCKS {
            return Err(format!(
                "the conv architecture takes 0 to {MAX_RESIDUAL_BLOCKS} residual blocks per stage, not {}",
                self.conv_residual_blocks
            ));
        }
        Ok(())
    }

    /// Builds a VAE with freshly initialised weights on `device`.
    pub fn init(&self, device: &Device) -> Vae {
        Vae::new(self, device)
    }
}

#[cfg(test)]
mod tests;
