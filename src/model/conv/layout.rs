//! The conv architecture's plan: how many stride-2 stages an image gets, their widths and sizes,
//! and what the model built from it costs (weights, multiply-adds), all without a tensor.

use std::fmt;

use crate::image_shape::ImageShape;
use crate::model::{ConvLayout, VaeConfig};

/// Units of the dense layer between the last feature map and the latent, both ways.
pub const HIDDEN: usize = 256;
/// Widest stage, in channels: widths double per stage up to this.
pub const MAX_STAGE_CHANNELS: usize = 256;
/// The scaled layout adds stages until neither side of the feature map exceeds this.
pub const TARGET_SIDE: usize = 4;
/// Weights of a 3×3 kernel per input-output channel pair.
const KERNEL: usize = 9;

/// One stride-2 stage: a 3×3 convolution (padding 1) from `channels_in` to `channels_out` in the
/// encoder, mirrored by a transposed convolution back in the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Channels entering the stage (the image's own for the first).
    pub channels_in: usize,
    /// Channels leaving it.
    pub channels_out: usize,
    /// [height, width] entering the stage.
    pub side_in: [usize; 2],
    /// [height, width] leaving it: ⌈side_in / 2⌉.
    pub side_out: [usize; 2],
}

impl Stage {
    /// The transposed convolution's output padding that gives back exactly `side_in` from
    /// `side_out` (2·out − 1 + padding): 1 for an even side, 0 for an odd one (7 → 4 → 7).
    pub fn padding_out(&self) -> [usize; 2] {
        self.side_in.map(|side| usize::from(side.is_multiple_of(2)))
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
}

impl ConvPlan {
    /// The plan of `config`'s conv fields (which need not have passed `validate`: sizes saturate).
    pub fn new(config: &VaeConfig) -> Self {
        let image = config.image_shape();
        let base = config.conv_base_channels;
        let cap = MAX_STAGE_CHANNELS.max(base);
        let mut stages = Vec::new();
        let (mut side, mut channels) = ([image.height, image.width], image.channels);
        loop {
            let done = match config.conv_layout {
                ConvLayout::Scaled => !stages.is_empty() && side.iter().all(|&length| length <= TARGET_SIDE),
                ConvLayout::TwoStages => stages.len() == 2,
            };
            if done {
                break;
            }
            let width = base.saturating_mul(1usize << stages.len().min(32)).min(cap);
            let side_out = side.map(|length| length.div_ceil(2));
            stages.push(Stage { channels_in: channels, channels_out: width, side_in: side, side_out });
            (side, channels) = (side_out, width);
        }
        Self { image, stages, residual_blocks: config.conv_residual_blocks, latent_dim: config.latent_dim }
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
        let kernel = |channels_in: usize, channels_out: usize| {
            channels_in.checked_mul(channels_out)?.checked_mul(KERNEL)?.checked_add(channels_out)
        };
        let mut total = 0usize;
        for stage in &self.stages {
            let (from, to) = (stage.channels_in, stage.channels_out);
            // The convolution down, the transposed one back (its bias has `from` entries), and the
            // residual blocks on both sides: two channel-preserving convolutions each.
            let blocks = kernel(to, to)?.checked_mul(2)?.checked_mul(self.residual_blocks)?.checked_mul(2)?;
            for part in [kernel(from, to)?, kernel(to, from)?, blocks] {
                total = total.checked_add(part)?;
            }
        }
        let features = self.feature_values()?;
        let dense = [
            linear(features, HIDDEN)?,
            linear(HIDDEN, self.latent_dim)?, // mean
            linear(HIDDEN, self.latent_dim)?, // log-variance
            linear(self.latent_dim, HIDDEN)?,
            linear(HIDDEN, features)?,
        ];
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
            let stage_macs = positions.checked_mul(from)?.checked_mul(to)?.checked_mul(KERNEL)?;
            let block_macs = positions.checked_mul(to)?.checked_mul(to)?.checked_mul(KERNEL)?;
            let blocks = block_macs.checked_mul(2)?.checked_mul(self.residual_blocks)?;
            total = total.checked_add(stage_macs.checked_add(blocks)?.checked_mul(2)?)?;
        }
        let features = self.feature_values()?;
        let encoder_dense = features.checked_mul(HIDDEN)?.checked_add(HIDDEN.checked_mul(2 * self.latent_dim)?)?;
        let decoder_dense = self.latent_dim.checked_mul(HIDDEN)?.checked_add(HIDDEN.checked_mul(features)?)?;
        total.checked_add(encoder_dense)?.checked_add(decoder_dense)
    }

    /// Multiply-adds of the first stage's convolution of one image, or `None` on overflow: the one
    /// layer whose input (the image) needs no gradient, so training skips its input-gradient pass.
    pub fn first_stage_macs(&self) -> Option<usize> {
        let Some(stage) = self.stages.first() else { return Some(0) };
        stage.positions_out()?.checked_mul(stage.channels_in)?.checked_mul(stage.channels_out)?.checked_mul(KERNEL)
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
