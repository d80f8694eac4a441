//! Adam in the form that is fastest on the training device.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, MultiGradientsParams};
use burn::prelude::*;

use super::host_adam::HostAdam;
use crate::device::is_host_device;
use crate::model::{GradientBuffers, Vae};

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

    /// Where the backward passes should take their weight gradients' storage from: the host Adam
    /// gives each step's back; burn's keeps nothing.
    pub fn gradient_buffers(&self) -> GradientBuffers {
        match self {
            Self::Host(adam) => adam.gradient_buffers().clone(),
            Self::Burn(_) => GradientBuffers::none(),
        }
    }

    /// One step on `model` along the sum of `gradients`, which were computed on `device`.
    pub fn step(&mut self, lr: f64, model: Vae, gradients: Vec<GradientsParams>, device: &Device) -> Vae {
        match self {
            Self::Host(adam) => adam.step(lr, model, gradients),
            Self::Burn(adam) => {
                let grads = gradients.into_iter().map(|set| (set, device.clone())).collect();
                adam.step_multi(lr, model, MultiGradientsParams { grads })
            }
        }
    }
}
