//! The VAE's hyper-parameters: architecture, latent size and loss, all serialisable.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::Vae;
use crate::image_shape::ImageShape;

/// Largest latent dimension the app accepts.
pub const MAX_LATENT_DIM: usize = 64;
/// Longest image side, in pixels, a model may be built for.
pub const MAX_IMAGE_SIDE: usize = 4096;
/// Most colour channels an image may have (grey 1, RGB 3).
pub const MAX_CHANNELS: usize = 4;
/// Most weights a model may hold: 2^28 f32 values are 1 GiB.
pub const MAX_PARAMETERS: usize = 1 << 28;

/// Which encoder/decoder pair the VAE uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Architecture {
    /// Dense layers: pixels → 512 → 256 → latent, mirrored back.
    #[default]
    Mlp,
    /// Two stride-2 convolutions (32, 64 channels) → dense, transposed convolutions back.
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
    /// Squared error.
    Mse,
    /// Absolute error.
    L1,
}

impl ReconstructionLoss {
    /// Every loss, in the order the UI lists them.
    pub const ALL: [Self; 3] = [Self::Bce, Self::Mse, Self::L1];

    /// Short lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bce => "bce",
            Self::Mse => "mse",
            Self::L1 => "l1",
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
    #[serde(default = "grey_channels")]
    pub channels: usize,
}

fn grey_channels() -> usize {
    1
}

impl Default for VaeConfig {
    /// An MLP with a 2-D latent space for 28×28 grey images.
    fn default() -> Self {
        Self { architecture: Architecture::Mlp, latent_dim: 2, image_height: 28, image_width: 28, channels: 1 }
    }
}

impl VaeConfig {
    /// The default config: an MLP with a 2-D latent space for 28×28 grey images.
    pub fn new() -> Self {
        Self::default()
    }

    /// This config with another architecture.
    pub fn with_architecture(self, architecture: Architecture) -> Self {
        Self { architecture, ..self }
    }

    /// This config with another latent size.
    pub fn with_latent_dim(self, latent_dim: usize) -> Self {
        Self { latent_dim, ..self }
    }

    /// This config with another image height, in pixels.
    pub fn with_image_height(self, image_height: usize) -> Self {
        Self { image_height, ..self }
    }

    /// This config with another image width, in pixels.
    pub fn with_image_width(self, image_width: usize) -> Self {
        Self { image_width, ..self }
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

    /// Number of weights (and biases) of the model this config builds, or `None` when it does not
    /// fit in a `usize`.
    pub fn parameter_count(&self) -> Option<usize> {
        match self.architecture {
            Architecture::Mlp => super::mlp::parameter_count(self.image_shape().checked_values()?, self.latent_dim),
            Architecture::Conv => super::conv::parameter_count(self.image_shape(), self.latent_dim),
        }
    }

    /// Floating-point operations to train on one image: the forward pass and a backward pass
    /// that costs twice as much (input and weight gradients), 2 FLOPs per multiply-add.
    pub fn training_flops_per_image(&self) -> f64 {
        let macs = match self.architecture {
            Architecture::Mlp => super::mlp::forward_macs(self.values_per_image(), self.latent_dim),
            Architecture::Conv => super::conv::forward_macs(self.image_shape(), self.latent_dim),
        };
        6.0 * macs as f64
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
        if self.architecture == Architecture::Conv && (!height.is_multiple_of(4) || !width.is_multiple_of(4)) {
            return Err(format!(
                "the conv architecture needs image sides divisible by 4, not {height}×{width}: use --arch mlp"
            ));
        }
        match self.parameter_count() {
            Some(count) if count <= MAX_PARAMETERS => Ok(()),
            _ => Err(format!(
                "a {} VAE for {height}×{width} images would hold more than {MAX_PARAMETERS} weights: use smaller images{}",
                self.architecture.name(),
                if self.architecture == Architecture::Mlp { " or --arch conv" } else { "" }
            )),
        }
    }

    /// Builds a VAE with freshly initialised weights on `device`.
    pub fn init(&self, device: &Device) -> Vae {
        Vae::new(self, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_cost_counts_every_layer() {
        // MLP: 784·512 + 512·256 + 256·4 encoder, 2·256 + 256·512 + 512·784 decoder = 1,066,496 MACs.
        let mlp = VaeConfig::new();
        assert_eq!(mlp.training_flops_per_image(), 6.0 * 1_066_496.0);
        // Conv: 14²·32·9 + 7²·64·32·9 (twice), 3136·256 (twice), 256·4 + 2·256.
        let conv = VaeConfig::new().with_architecture(Architecture::Conv);
        let macs = 2 * (56_448 + 903_168 + 802_816) + 1024 + 512;
        assert_eq!(conv.training_flops_per_image(), 6.0 * macs as f64);
    }

    #[test]
    fn parameter_count_matches_the_built_model() {
        for architecture in Architecture::ALL {
            for (height, width, latent_dim, channels) in [(28, 28, 2, 1), (8, 12, 5, 1), (8, 8, 3, 3)] {
                let config = VaeConfig { architecture, latent_dim, image_height: height, image_width: width, channels };
                let built = config.init(&Device::flex()).num_params();
                assert_eq!(config.parameter_count(), Some(built), "{config:?}");
            }
        }
    }

    #[test]
    fn absurd_image_shapes_are_refused_without_overflow() {
        let near_2_63 = 1usize << 62;
        for (height, width) in [(near_2_63, 4), (usize::MAX, usize::MAX), (4097, 28), (28, 0), (0, 0), (4096, 4096)] {
            for architecture in Architecture::ALL {
                let config =
                    VaeConfig { architecture, latent_dim: 2, image_height: height, image_width: width, channels: 1 };
                let error = config.validate().expect_err("refused");
                assert!(error.contains(&format!("{height}×{width}")), "{error}");
            }
        }
        let largest_side = VaeConfig::new().with_image_height(MAX_IMAGE_SIDE).with_image_width(4);
        assert_eq!(largest_side.validate(), Ok(()));
    }
}
