//! Loss figures reported while training: per step, per epoch, and the run's history.

use serde::{Deserialize, Serialize};

/// Mean loss terms per image, in nats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LossParts {
    /// Reconstruction term.
    pub reconstruction_nats: f64,
    /// KL term.
    pub kl_nats: f64,
}

impl LossParts {
    /// The negative ELBO: reconstruction + KL (β does not enter it).
    pub fn neg_elbo_nats(&self) -> f64 {
        self.reconstruction_nats + self.kl_nats
    }
}

/// One training step, as reported to observers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// 1-based epoch the step belongs to.
    pub epoch: usize,
    /// 1-based step within the epoch.
    pub step: usize,
    /// Steps in one epoch.
    pub steps_per_epoch: usize,
    /// Steps since training began (continues across resumes).
    pub global_step: usize,
    /// Mean loss terms of this batch.
    pub loss: LossParts,
    /// Training throughput so far in this epoch.
    pub images_per_sec: f64,
}

/// One finished epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Steps since training began, at the end of this epoch.
    pub global_step: usize,
    /// Mean loss terms over the epoch's training batches.
    pub train: LossParts,
    /// Mean loss terms on the held-out images.
    pub heldout: LossParts,
    /// Training throughput of the epoch (evaluation excluded).
    pub images_per_sec: f64,
    /// Wall time of the epoch's training steps.
    pub train_secs: f64,
}

/// Running mean of loss parts over a number of images.
#[derive(Clone, Copy, Debug, Default)]
pub struct LossAccumulator {
    reconstruction_sum: f64,
    kl_sum: f64,
    images: usize,
}

impl LossAccumulator {
    /// Adds a batch whose mean terms are `loss`, of `images` images.
    pub fn add(&mut self, loss: LossParts, images: usize) {
        self.reconstruction_sum += loss.reconstruction_nats * images as f64;
        self.kl_sum += loss.kl_nats * images as f64;
        self.images += images;
    }

    /// The mean so far (zeros before any batch).
    pub fn mean(&self) -> LossParts {
        let images = self.images.max(1) as f64;
        LossParts { reconstruction_nats: self.reconstruction_sum / images, kl_nats: self.kl_sum / images }
    }
}
