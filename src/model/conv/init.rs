//! How a fresh conv model's convolutions start.
//!
//! The plain conv starts as PyTorch's layers do (burn's default), like the tutorial models it is
//! compared with. That scale, uniform in ±1/√fan-in (variance 1/(3·fan-in)), divides the signal's
//! mean square by about 6 at every convolution and ReLU: in the residual conv at 128 px (15
//! convolutions down to the latent), the encoder's last feature map had an RMS of 0.015 after 3
//! steps. To carry the picture, Adam then grew every layer's gain at once, and across that many
//! layers the growth compounded (×3 to ×10 a step) until the log-variances and the KL term blew
//! up, at learning rates as low as 2.7e-4 (README, "What blew up at 128 px").
//!
//! The residual conv therefore starts signal-preserving: every convolution's weights from
//! N(0, 2/fan-in) and its biases at 0 (He et al. 2015; the decoder's last one, which gives the
//! logits and no ReLU follows, too), and the last convolution of every residual branch at 0, so
//! that each block starts as the identity (Goyal et al. 2017; Zhang et al. 2019, Fixup).

use burn::nn::Initializer;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::*;

/// How a fresh model's convolutions are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerInit {
    /// burn's default, PyTorch's: weights and biases uniform in ±1/√fan-in.
    TorchDefault,
    /// Weights from N(0, 2/fan-in), biases 0, residual branches ending at 0 (see the module).
    SignalPreserving,
}

impl LayerInit {
    /// The residual conv starts signal-preserving; without residual blocks, as PyTorch's layers.
    pub fn for_residual_blocks(residual_blocks: usize) -> Self {
        if residual_blocks > 0 { Self::SignalPreserving } else { Self::TorchDefault }
    }

    /// A fresh convolution of `config` (its own initializer is replaced under
    /// [`LayerInit::SignalPreserving`]).
    pub fn conv2d(self, config: Conv2dConfig, device: &Device) -> Conv2d {
        let Self::SignalPreserving = self else { return config.init(device) };
        let fan_in = config.channels[0] / config.groups.max(1) * config.kernel_size[0] * config.kernel_size[1];
        let mut conv = config.with_initializer(he_normal(fan_in)).init(device);
        conv.bias = conv.bias.map(zeroed);
        conv
    }

    /// A fresh transposed convolution of `config`. Its fan-in is the taps that reach one output
    /// position on average: input channels × kernel area / stride area (4 of a 4×4 kernel's 16 at
    /// stride 2).
    pub fn conv_transpose2d(self, config: ConvTranspose2dConfig, device: &Device) -> ConvTranspose2d {
        let Self::SignalPreserving = self else { return config.init(device) };
        let kernel_area = config.kernel_size[0] * config.kernel_size[1];
        let stride_area = (config.stride[0] * config.stride[1]).max(1);
        let fan_in = (config.channels[0] / config.groups.max(1) * kernel_area / stride_area).max(1);
        let mut conv = config.with_initializer(he_normal(fan_in)).init(device);
        conv.bias = conv.bias.map(zeroed);
        conv
    }

    /// The last convolution of a residual branch: at 0 under [`LayerInit::SignalPreserving`], so
    /// that the block starts as the identity.
    pub fn residual_branch_end(self, config: Conv2dConfig, device: &Device) -> Conv2d {
        match self {
            Self::TorchDefault => config.init(device),
            Self::SignalPreserving => config.with_initializer(Initializer::Zeros).init(device),
        }
    }
}

/// N(0, 2/fan-in), He et al. 2015's scale for a layer followed by a ReLU.
fn he_normal(fan_in: usize) -> Initializer {
    Initializer::Normal { mean: 0.0, std: (2.0 / fan_in.max(1) as f64).sqrt() }
}

/// The parameter with every value 0.
fn zeroed(bias: burn::module::Param<Tensor<1>>) -> burn::module::Param<Tensor<1>> {
    bias.map(|values| values.zeros_like())
}
