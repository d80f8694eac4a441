//! Adam in the form that is fastest on the training device.

use burn::optim::{AdamConfig, ModuleOptimizer, MultiGradientsParams};
use burn::prelude::*;

use super::host_adam::HostAdam;
use super::sharded_step::ShardGradients;
use crate::device::is_host_device;
use crate::model::Vae;

/// Adam with burn's defaults (β₁ 0.9, β₂ 0.999, ε 1e-5); a fresh one per training run.
pub enum Adam {
    /// Fused over host memory, for burn's CPU device.
    Host(HostAdam),
    /// burn's own, for GPUs.
    Burn(ModuleOptimizer),
}

impl Adam {
    /// The fastest Adam for `device`.
    pub fn for_device(device: &Device) -> Self {
        if is_host_device(device) { Self::Host(HostAdam::default()) } else { Self::Burn(AdamConfig::new().init()) }
    }

    /// Whether the shards should leave the dense weights' gradients as factors: the host Adam
    /// computes them inside its update; burn's needs them computed.
    pub fn takes_weight_factors(&self) -> bool {
        matches!(self, Self::Host(_))
    }

    /// One step on `model` along the sum of `gradients`, which were computed on `device` (with
    /// factors only when [`Self::takes_weight_factors`]).
    pub fn step(&mut self, lr: f64, model: Vae, gradients: Vec<ShardGradients>, device: &Device) -> Vae {
        match self {
            Self::Host(adam) => adam.step(lr, model, gradients),
            Self::Burn(adam) => {
                debug_assert!(gradients.iter().all(|shard| shard.dense_factors.is_empty()), "burn's Adam got factors");
                let grads = gradients.into_iter().map(|shard| (shard.params, device.clone())).collect();
                adam.step_multi(lr, model, MultiGradientsParams { grads })
            }
        }
    }
}
