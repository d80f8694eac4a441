//! The conv encoder: stride-2 stages down to about 4×4, one dense layer, the Gaussian's two heads.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use super::blocks::DownStage;
use super::layout::{ConvPlan, HIDDEN};
use crate::model::ops::{linear, linear_relu};
use crate::model::{DiagonalGaussian, WeightGradientFactors};

/// Convolutional encoder producing a diagonal Gaussian.
#[derive(Module, Debug)]
pub struct ConvEncoder {
    stages: Vec<DownStage>,
    hidden: Linear,
    mean: Linear,
    log_var: Linear,
    channels: usize,
    height: usize,
    width: usize,
    /// Where a backward pass leaves the dense layers' weight gradients' factors (none unless a
    /// training shard set it on its copy); not a weight: no part of the record.
    #[module(skip)]
    weight_factors: WeightGradientFactors,
}

impl ConvEncoder {
    /// A fresh encoder for `plan` (whose config passed `validate`).
    pub fn new(plan: &ConvPlan, device: &Device) -> Self {
        let stages = plan.stages.iter().map(|stage| DownStage::new(stage, plan.residual_blocks, device)).collect();
        let features = plan.feature_values().unwrap_or(0);
        let hidden = LinearConfig::new(features, HIDDEN).init(device);
        let mean = LinearConfig::new(HIDDEN, plan.latent_dim).init(device);
        let log_var = LinearConfig::new(HIDDEN, plan.latent_dim).init(device);
        Self::from_parts(plan, stages, [hidden, mean, log_var])
    }

    /// An encoder from its layers: the stages, then the hidden, mean and log-variance layers.
    pub(super) fn from_parts(plan: &ConvPlan, stages: Vec<DownStage>, dense: [Linear; 3]) -> Self {
        let [hidden, mean, log_var] = dense;
        let image = plan.image;
        let (channels, height, width) = (image.channels, image.height, image.width);
        let weight_factors = WeightGradientFactors::none();
        Self { stages, hidden, mean, log_var, channels, height, width, weight_factors }
    }

    /// This encoder with its dense layers leaving their weight gradients' factors in
    /// `weight_factors` in a backward pass.
    pub fn with_weight_factors(self, weight_factors: WeightGradientFactors) -> Self {
        Self { weight_factors, ..self }
    }

    /// images: [batch, channels·height·width] in [0, 1] → q(z | x)
    pub fn forward(&self, images: Tensor<2>) -> DiagonalGaussian {
        let weight_factors = &self.weight_factors;
        let [batch, _] = images.dims();
        let images = images.reshape([batch, self.channels, self.height, self.width]);
        // Each stage: [batch, c, h, w] → [batch, c', ⌈h/2⌉, ⌈w/2⌉].
        let maps = self.stages.iter().fold(images, |maps, stage| stage.forward(maps));
        let hidden = linear_relu(&self.hidden, maps.flatten(1, 3), weight_factors); // [batch, 256]
        DiagonalGaussian {
            mean: linear(&self.mean, hidden.clone(), weight_factors), // [batch, latent]
            log_var: linear(&self.log_var, hidden, weight_factors),   // [batch, latent]
        }
    }
}
