//! The conv architecture's building blocks: a stride-2 stage down, its mirror up, and the
//! residual block either may carry.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

use super::init::LayerInit;
use super::layout::Stage;
use crate::model::ops::{conv_transpose2d, conv_transpose2d_relu, conv2d, conv2d_relu};

/// A 3×3 convolution with padding 1 and the given stride.
pub(super) fn conv3x3(channels_in: usize, channels_out: usize, stride: usize) -> Conv2dConfig {
    Conv2dConfig::new([channels_in, channels_out], [3, 3])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
}

/// The stride-2 convolution of `stage`: its square kernel, padding 1.
fn stage_conv(stage: &Stage) -> Conv2dConfig {
    let side = stage.kernel_side;
    Conv2dConfig::new([stage.channels_in, stage.channels_out], [side, side])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
}

/// Two 3×3 convolutions and a skip: relu(x + conv(relu(conv(x)))); keeps channels and size.
#[derive(Module, Debug)]
pub struct ResidualBlock {
    first: Conv2d,
    second: Conv2d,
}

impl ResidualBlock {
    /// A fresh block over `channels` channels (the identity at first under
    /// [`LayerInit::SignalPreserving`]).
    pub fn new(channels: usize, init: LayerInit, device: &Device) -> Self {
        let first = init.conv2d(conv3x3(channels, channels, 1), device);
        let second = init.residual_branch_end(conv3x3(channels, channels, 1), device);
        Self { first, second }
    }

    /// maps: [batch, channels, height, width] → the same shape.
    pub fn forward(&self, maps: Tensor<4>) -> Tensor<4> {
        let residual = conv2d(&self.second, conv2d_relu(&self.first, maps.clone()));
        relu(maps + residual)
    }
}

/// One encoder stage: a stride-2 convolution and a ReLU, then the stage's residual blocks.
#[derive(Module, Debug)]
pub struct DownStage {
    conv: Conv2d,
    blocks: Vec<ResidualBlock>,
}

impl DownStage {
    /// A fresh stage for `stage` with `residual_blocks` blocks, drawn as `init` says.
    pub fn new(stage: &Stage, residual_blocks: usize, init: LayerInit, device: &Device) -> Self {
        let conv = init.conv2d(stage_conv(stage), device);
        let blocks = (0..residual_blocks).map(|_| ResidualBlock::new(stage.channels_out, init, device)).collect();
        Self::from_parts(conv, blocks)
    }

    /// A stage from its layers (used to adopt the weights of the two-stage layout).
    pub(super) fn from_parts(conv: Conv2d, blocks: Vec<ResidualBlock>) -> Self {
        Self { conv, blocks }
    }

    /// maps: [batch, channels_in, h, w] → [batch, channels_out, ⌈h/2⌉, ⌈w/2⌉]
    pub fn forward(&self, maps: Tensor<4>) -> Tensor<4> {
        let maps = conv2d_relu(&self.conv, maps);
        self.blocks.iter().fold(maps, |maps, block| block.forward(maps))
    }
}

/// A stride-2 transposed convolution that mirrors `stage`: its kernel, padding 1 and the output
/// padding that gives back exactly the stage's input size.
pub(super) fn transposed_conv(stage: &Stage) -> ConvTranspose2dConfig {
    let side = stage.kernel_side;
    ConvTranspose2dConfig::new([stage.channels_out, stage.channels_in], [side, side])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_padding_out(stage.padding_out())
}

/// One decoder stage, the mirror of a [`DownStage`]: residual blocks, then a stride-2 transposed
/// convolution (the decoder applies the ReLU after every stage but the last).
#[derive(Module, Debug)]
pub struct UpStage {
    blocks: Vec<ResidualBlock>,
    conv: ConvTranspose2d,
}

impl UpStage {
    /// A fresh stage mirroring `stage` with `residual_blocks` blocks, drawn as `init` says.
    pub fn new(stage: &Stage, residual_blocks: usize, init: LayerInit, device: &Device) -> Self {
        let blocks = (0..residual_blocks).map(|_| ResidualBlock::new(stage.channels_out, init, device)).collect();
        Self::from_parts(blocks, init.conv_transpose2d(transposed_conv(stage), device))
    }

    /// A stage from its layers (used to adopt the weights of the two-stage layout).
    pub(super) fn from_parts(blocks: Vec<ResidualBlock>, conv: ConvTranspose2d) -> Self {
        Self { blocks, conv }
    }

    /// maps: [batch, channels_out, ⌈h/2⌉, ⌈w/2⌉] → [batch, channels_in, h, w], through a ReLU
    /// when `with_relu`.
    pub fn forward(&self, maps: Tensor<4>, with_relu: bool) -> Tensor<4> {
        let maps = self.blocks.iter().fold(maps, |maps, block| block.forward(maps));
        if with_relu { conv_transpose2d_relu(&self.conv, maps) } else { conv_transpose2d(&self.conv, maps) }
    }
}
