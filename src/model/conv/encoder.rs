//! The conv encoder: stride-2 stages down to about 4×4, one dense layer (none in the direct
//! layout), the Gaussian's two heads.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use super::blocks::DownStage;
use super::layout::ConvPlan;
use crate::model::ops::{linear, linear_relu};
use crate::model::{DiagonalGaussian, WeightGradientFactors};

/// Convolutional encoder producing a diagonal Gaussian.
#[derive(Module, Debug)]
pub struct ConvEncoder {
    stages: Vec<DownStage>,
    /// The dense layer between the last feature map and the heads; `None` in the direct layout.
    hidden: Option<Linear>,
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
        let init = plan.layer_init();
        let stages =
            plan.stages.iter().map(|stage| DownStage::new(stage, plan.residual_blocks, init, device)).collect();
        let features = plan.feature_values().unwrap_or(0);
        let hidden = plan.hidden.map(|units| LinearConfig::new(features, units).init(device));
        let heads_in = plan.hidden.unwrap_or(features);
        let mean = LinearConfig::new(heads_in, plan.latent_dim).init(device);
        let log_var = LinearConfig::new(heads_in, plan.latent_dim).init(device);
        Self::from_parts(plan, stages, hidden, [mean, log_var])
    }

    /// An encoder from its layers: the stages, the hidden layer (if any), then the mean and
    /// log-variance layers.
    pub(super) fn from_parts(
        plan: &ConvPlan,
        stages: Vec<DownStage>,
        hidden: Option<Linear>,
        heads: [Linear; 2],
    ) -> Self {
        let [mean, log_var] = heads;
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
        let features = maps.flatten(1, 3); // [batch, c·h·w of the last map]
        let hidden = match &self.hidden {
            Some(layer) => linear_relu(layer, features, weight_factors), // [batch, 256]
            None => features,
        };
        DiagonalGaussian {
            mean: linear(&self.mean, hidden.clone(), weight_factors), // [batch, latent]
            log_var: linear(&self.log_var, hidden, weight_factors),   // [batch, latent]
        }
    }
}
