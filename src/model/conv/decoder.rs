//! The conv decoder: dense layers up to the last feature map (one, without a ReLU, in the direct
//! layout), then the encoder's stages mirrored by
//! stride-2 transposed convolutions back to exactly the image's size.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

use super::blocks::UpStage;
use super::layout::ConvPlan;
use crate::model::WeightGradientFactors;
use crate::model::ops::{linear, linear_relu};

/// Convolutional decoder producing pixel logits.
#[derive(Module, Debug)]
pub struct ConvDecoder {
    /// The dense layer from the latent to the feature layer; `None` in the direct layout.
    hidden: Option<Linear>,
    /// To the last feature map: from the hidden layer (through a ReLU), or from the latent itself
    /// (no ReLU, as the PyTorch tutorial's) in the direct layout.
    features: Linear,
    /// Deepest stage first.
    stages: Vec<UpStage>,
    /// [channels, height, width] of the feature map the dense layers produce.
    feature_shape: [usize; 3],
    /// Values of one output image: channels·height·width.
    image_values: usize,
    /// Where a backward pass leaves the dense layers' weight gradients' factors (none unless a
    /// training shard set it on its copy); not a weight: no part of the record.
    #[module(skip)]
    weight_factors: WeightGradientFactors,
}

impl ConvDecoder {
    /// A fresh decoder for `plan` (whose config passed `validate`).
    pub fn new(plan: &ConvPlan, device: &Device) -> Self {
        let features = plan.feature_values().unwrap_or(0);
        let hidden = plan.hidden.map(|units| LinearConfig::new(plan.latent_dim, units).init(device));
        let features = LinearConfig::new(plan.hidden.unwrap_or(plan.latent_dim), features).init(device);
        let init = plan.layer_init();
        let stages =
            plan.stages.iter().rev().map(|stage| UpStage::new(stage, plan.residual_blocks, init, device)).collect();
        Self::from_parts(plan, hidden, features, stages)
    }

    /// A decoder from its layers: the hidden layer (if any) and the feature layer, then the stages
    /// deepest first.
    pub(super) fn from_parts(plan: &ConvPlan, hidden: Option<Linear>, features: Linear, stages: Vec<UpStage>) -> Self {
        let (feature_shape, image_values) = (plan.features(), plan.image.values());
        let weight_factors = WeightGradientFactors::none();
        Self { hidden, features, stages, feature_shape, image_values, weight_factors }
    }

    /// This decoder with its dense layers leaving their weight gradients' factors in
    /// `weight_factors` in a backward pass.
    pub fn with_weight_factors(self, weight_factors: WeightGradientFactors) -> Self {
        Self { weight_factors, ..self }
    }

    /// latents: [batch, latent] → logits: [batch, channels·height·width]
    pub fn forward(&self, latents: Tensor<2>) -> Tensor<2> {
        let weight_factors = &self.weight_factors;
        let [batch, _] = latents.dims();
        // [batch, c·h·w of the last map]
        let features = match &self.hidden {
            Some(hidden) => {
                let hidden = linear_relu(hidden, latents, weight_factors); // [batch, 256]
                linear_relu(&self.features, hidden, weight_factors)
            }
            None => linear(&self.features, latents, weight_factors),
        };
        let [channels, height, width] = self.feature_shape;
        let mut maps = features.reshape([batch, channels, height, width]);
        let last = self.stages.len().saturating_sub(1);
        for (index, stage) in self.stages.iter().enumerate() {
            // [batch, c', h', w'] → [batch, c, h, w]; the last stage gives the image's logits.
            maps = stage.forward(maps, index < last);
        }
        maps.reshape([batch, self.image_values])
    }
}
