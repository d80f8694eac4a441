//! The conv architecture's plan: how many stride-2 stages an image gets, their widths and sizes,
//! and what the model built from it costs (weights, multiply-adds), all without a tensor.

use std::fmt;

use super::init::LayerInit;
use crate::image_shape::ImageShape;
use crate::model::{ConvLayout, VaeConfig};

/// Units of the dense layer between the last feature map and the latent, both ways (every layout
/// but [`ConvLayout::Direct`], which reads the latent straight off the last feature map).
pub const HIDDEN: usize = 256;
/// Widest stage, in channels: widths double per stage up to this.
pub const MAX_STAGE_CHANNELS: usize = 256;
/// The scaled layout adds stages until neither side of the feature map exceeds this.
pub const TARGET_SIDE: usize = 4;
/// Side of the square kernels of [`ConvLayout::Scaled`] and [`ConvLayout::TwoStages`].
const SMALL_KERNEL_SIDE: usize = 3;
/// Side of the square stage kernels of [`ConvLayout::Direct`] (the PyTorch tutorial's).
const DIRECT_KERNEL_SIDE: usize = 4;
/// Weights per input-output channel pair of the residual blocks' 3×3 kernels, whatever the layout.
const BLOCK_KERNEL_AREA: usize = SMALL_KERNEL_SIDE * SMALL_KERNEL_SIDE;

impl ConvLayout {
    /// Side of the stride-2 stages' square kernels: 3, or 4 for [`ConvLayout::Direct`].
    pub fn kernel_side(self) -> usize {
        match self {
            Self::Scaled | Self::TwoStages => SMALL_KERNEL_SIDE,
            Self::Direct => DIRECT_KERNEL_SIDE,
        }
    }

    /// Units of the dense layer between the last feature map and the latent, both ways; `None`
    /// when the latent is read straight off the feature map ([`ConvLayout::Direct`]).
    pub fn hidden_units(self) -> Option<usize> {
        match self {
            Self::Scaled | Self::TwoStages => Some(HIDDEN),
            Self::Direct => None,
        }
    }
}

/// One stride-2 stage: a square convolution (padding 1) from `channels_in` to `channels_out` in
/// the encoder, mirrored by a transposed convolution back in the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Channels entering the stage (the image's own for the first).
    pub channels_in: usize,
    /// Channels leaving it.
    pub channels_out: usize,
    /// [height, width] entering the stage.
    pub side_in: [usize; 2],
    /// [height, width] leaving it: ⌈side_in / 2⌉ with 3×3 kernels, ⌊side_in / 2⌋ with 4×4.
    pub side_out: [usize; 2],
    /// Side of the square kernel, in pixels: 3 or 4.
    pub kernel_side: usize,
}

impl Stage {
    /// The transposed convolution's output padding that gives back exactly `side_in` from
    /// `side_out` (2·(out − 1) − 2 + kernel + padding). 3×3: 1 for an even side, 0 for an odd one
    /// (7 → 4 → 7); 4×4: 0 for an even side, 1 for an odd one (7 → 3 → 7).
    pub fn padding_out(&self) -> [usize; 2] {
        let rebuilt = |side_out: usize| (2 * side_out + self.kernel_side).saturating_sub(4);
        [0, 1].map(|axis| self.side_in[axis].saturating_sub(rebuilt(self.side_out[axis])))
    }

    /// Weights of the kernel per input-output channel pair.
    pub fn kernel_area(&self) -> usize {
        self.kernel_side * self.kernel_side
    }

    /// Positions of the stage's output map, or `None` on overflow.
    fn positions_out(&self) -> Option<usize> {
        self.side_out[0].checked_mul(self.side_out[1])
    }
}

/// The stages, residual blocks and dense layers one [`VaeConfig`] builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvPlan {
    /// The images read and written.
    pub image: ImageShape,
    /// Stride-2 stages, image side first.
    pub stages: Vec<Stage>,
    /// Residual blocks after each encoder stage (and before each decoder stage).
    pub residual_blocks: usize,
    /// Size of the latent space.
    pub latent_dim: usize,
    /// Units of the dense layer between the last feature map and the latent, both ways; `None`
    /// when the latent is read straight off the feature map.
    pub hidden: Option<usize>,
}

impl ConvPlan {
    /// The plan of `config`'s conv fields (which need not have passed `validate`: sizes saturate).
    pub fn new(config: &VaeConfig) -> Self {
        let image = config.image_shape();
        let base = config.conv_base_channels;
        let cap = MAX_STAGE_CHANNELS.max(base);
        let mut stages = Vec::new();
        let layout = config.conv_layout;
        let kernel_side = layout.kernel_side();
        let (mut side, mut channels) = ([image.height, image.width], image.channels);
        loop {
            let small = side.iter().all(|&length| length <= TARGET_SIDE);
            let done = match layout {
                ConvLayout::Scaled => !stages.is_empty() && small,
                ConvLayout::TwoStages => stages.len() == 2,
                // A 4×4 kernel halves a side rounding down: a side of 1 would vanish.
                ConvLayout::Direct => small || side.iter().any(|&length| length < 2),
            };
            if done {
                break;
            }
            let width = base.saturating_mul(1usize << stages.len().min(32)).min(cap);
            let side_out = match layout {
                ConvLayout::Direct => side.map(|length| length / 2),
                ConvLayout::Scaled | ConvLayout::TwoStages => side.map(|length| length.div_ceil(2)),
            };
            stages.push(Stage { channels_in: channels, channels_out: width, side_in: side, side_out, kernel_side });
            (side, channels) = (side_out, width);
        }
        let (residual_blocks, latent_dim) = (config.conv_residual_blocks, config.latent_dim);
        Self { image, stages, residual_blocks, latent_dim, hidden: layout.hidden_units() }
    }

    /// How a fresh model of this plan draws its convolutions: signal-preserving with residual
    /// blocks, else as PyTorch's layers (see [`LayerInit`]).
    pub fn layer_init(&self) -> LayerInit {
        LayerInit::for_residual_blocks(self.residual_blocks)
    }

    /// [channels, height, width] of the last feature map (the image's when there is no stage).
    pub fn features(&self) -> [usize; 3] {
        match self.stages.last() {
            Some(stage) => [stage.channels_out, stage.side_out[0], stage.side_out[1]],
            None => [self.image.channels, self.image.height, self.image.width],
        }
    }

    /// Values of the last feature map, the dense layers' width: `None` on overflow.
    pub fn feature_values(&self) -> Option<usize> {
        let [channels, height, width] = self.features();
        channels.checked_mul(height)?.checked_mul(width)
    }

    /// Weights and biases of encoder and decoder, exactly as built, or `None` on overflow.
    pub fn parameter_count(&self) -> Option<usize> {
        let linear = |inputs: usize, outputs: usize| inputs.checked_mul(outputs)?.checked_add(outputs);
        let kernel = |channels_in: usize, channels_out: usize, area: usize| {
            channels_in.checked_mul(channels_out)?.checked_mul(area)?.checked_add(channels_out)
        };
        let mut total = 0usize;
        for stage in &self.stages {
            let (from, to, area) = (stage.channels_in, stage.channels_out, stage.kernel_area());
            // The convolution down, the transposed one back (its bias has `from` entries), and the
            // residual blocks on both sides: two channel-preserving convolutions each.
            let blocks =
                kernel(to, to, BLOCK_KERNEL_AREA)?.checked_mul(2)?.checked_mul(self.residual_blocks)?.checked_mul(2)?;
            for part in [kernel(from, to, area)?, kernel(to, from, area)?, blocks] {
                total = total.checked_add(part)?;
            }
        }
        let (features, latent) = (self.feature_values()?, self.latent_dim);
        let dense = match self.hidden {
            Some(hidden) => vec![
                linear(features, hidden)?,
                linear(hidden, latent)?, // mean
                linear(hidden, latent)?, // log-variance
                linear(latent, hidden)?,
                linear(hidden, features)?,
            ],
            None => vec![linear(features, latent)?, linear(features, latent)?, linear(latent, features)?],
        };
        dense.into_iter().try_fold(total, usize::checked_add)
    }

    /// Multiply-adds of one image's forward pass through encoder and decoder, or `None` on overflow.
    ///
    /// A transposed convolution does the multiply-adds of the convolution it mirrors.
    pub fn forward_macs(&self) -> Option<usize> {
        let mut total = 0usize;
        for stage in &self.stages {
            let positions = stage.positions_out()?;
            let (from, to) = (stage.channels_in, stage.channels_out);
            let stage_macs = positions.checked_mul(from)?.checked_mul(to)?.checked_mul(stage.kernel_area())?;
            let block_macs = positions.checked_mul(to)?.checked_mul(to)?.checked_mul(BLOCK_KERNEL_AREA)?;
            let blocks = block_macs.checked_mul(2)?.checked_mul(self.residual_blocks)?;
            total = total.checked_add(stage_macs.checked_add(blocks)?.checked_mul(2)?)?;
        }
        let (features, latent) = (self.feature_values()?, self.latent_dim);
        let (encoder_dense, decoder_dense) = match self.hidden {
            Some(hidden) => (
                features.checked_mul(hidden)?.checked_add(hidden.checked_mul(2 * latent)?)?,
                latent.checked_mul(hidden)?.checked_add(hidden.checked_mul(features)?)?,
            ),
            None => (features.checked_mul(2 * latent)?, latent.checked_mul(features)?),
        };
        total.checked_add(encoder_dense)?.checked_add(decoder_dense)
    }

    /// Multiply-adds of the first stage's convolution of one image, or `None` on overflow: the one
    /// layer whose input (the image) needs no gradient, so training skips its input-gradient pass.
    pub fn first_stage_macs(&self) -> Option<usize> {
        let Some(stage) = self.stages.first() else { return Some(0) };
        let macs = stage.positions_out()?.checked_mul(stage.channels_in)?.checked_mul(stage.channels_out)?;
        macs.checked_mul(stage.kernel_area())
    }
}

impl fmt::Display for ConvPlan {
    /// `64×64 RGB → 32@32×32 → 64@16×16 → 128@8×8 → 256@4×4 (+1 residual block per stage)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.image)?;
        for stage in &self.stages {
            write!(f, " → {}@{}×{}", stage.channels_out, stage.side_out[0], stage.side_out[1])?;
        }
        match self.residual_blocks {
            0 => Ok(()),
            1 => write!(f, " (+1 residual block per stage)"),
            blocks => write!(f, " (+{blocks} residual blocks per stage)"),
        }
    }
}
