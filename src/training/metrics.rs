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
    /// Image quality and latent usage on the held-out images at the epoch's end; `None` in
    /// checkpoints written before it was measured.
    #[serde(default)]
    pub quality: Option<EpochQuality>,
    /// σ (MSE) or b (L1) reached at the epoch's end when the scale is learned, in pixel units;
    /// `None` for a fixed scale and in checkpoints written before scales were learned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_scale: Option<f64>,
}

/// Held-out image quality and latent usage at one epoch's end (see
/// [`super::QualityReport`]; KL per dimension is kept apart, since it is not of fixed size).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EpochQuality {
    /// Mean squared error per pixel of the reconstructions, pixels in [0, 1].
    pub mse: f64,
    /// 10 · log10(1 / MSE), in decibels.
    pub psnr_db: f64,
    /// Mean SSIM; `None` for images smaller than its 11 × 11 window.
    pub ssim: Option<f64>,
    /// Mean LPIPS of the first [`super::LPIPS_IMAGES`] of them; `None` without the weights, for
    /// images LPIPS does not take, and in checkpoints written before it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lpips: Option<f64>,
    /// Latent dimensions whose encoder mean varies by more than 0.01.
    pub active_units: usize,
    /// Held-out images measured (the first ones of the held-out set).
    pub images: usize,
    /// Wall time of the measurement.
    #[serde(default)]
    pub measure_secs: f64,
}

impl EpochQuality {
    /// True when every number can be written to JSON (a perfect reconstruction's PSNR cannot).
    pub fn is_finite(&self) -> bool {
        self.mse.is_finite()
            && self.psnr_db.is_finite()
            && self.ssim.is_none_or(f64::is_finite)
            && self.lpips.is_none_or(f64::is_finite)
            && self.measure_secs.is_finite()
    }
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
