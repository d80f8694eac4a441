//! The VAE's hyper-parameters: architecture, latent size and loss, all serialisable.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::Vae;

/// Largest latent dimension the app accepts.
pub const MAX_LATENT_DIM: usize = 64;

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
#[derive(Config, Debug, PartialEq)]
pub struct VaeConfig {
    /// Encoder/decoder family.
    #[config(default = "Architecture::Mlp")]
    pub architecture: Architecture,
    /// Size of the latent space, 1..=64.
    #[config(default = 2)]
    pub latent_dim: usize,
    /// Image height in pixels.
    #[config(default = 28)]
    pub image_height: usize,
    /// Image width in pixels.
    #[config(default = 28)]
    pub image_width: usize,
}

impl VaeConfig {
    /// Number of pixels in one image.
    pub fn pixels(&self) -> usize {
        self.image_height * self.image_width
    }

    /// Floating-point operations to train on one image: the forward pass and a backward pass
    /// that costs twice as much (input and weight gradients), 2 FLOPs per multiply-add.
    pub fn training_flops_per_image(&self) -> f64 {
        let macs = match self.architecture {
            Architecture::Mlp => super::mlp::forward_macs(self.pixels(), self.latent_dim),
            Architecture::Conv => super::conv::forward_macs(self.image_height, self.image_width, self.latent_dim),
        };
        6.0 * macs as f64
    }

    /// Checks the config before any tensor is made, with a message that says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_LATENT_DIM).contains(&self.latent_dim) {
            return Err(format!("latent dimension {} is out of range: choose 1 to {MAX_LATENT_DIM}", self.latent_dim));
        }
        if self.architecture == Architecture::Conv
            && (!self.image_height.is_multiple_of(4) || !self.image_width.is_multiple_of(4))
        {
            return Err(format!(
                "the conv architecture needs image sides divisible by 4, not {}×{}: use --arch mlp",
                self.image_height, self.image_width
            ));
        }
        if self.pixels() == 0 {
            return Err("images have no pixels".to_string());
        }
        Ok(())
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
}
