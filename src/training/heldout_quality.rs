//! Image quality and latent usage of a model on held-out images: MSE, PSNR and SSIM of the
//! reconstructions decoded from the encoder means, KL per latent dimension and active units.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::EpochQuality;
use crate::data::ImageSet;
use crate::model::LatentModel;
use crate::quality;

const EVAL_BATCH: usize = 1000;

/// Held-out quality figures of one model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// Mean squared error per pixel, pixels in [0, 1].
    pub mse: f64,
    /// 10 · log10(1 / MSE), in decibels.
    pub psnr_db: f64,
    /// Mean SSIM (11 × 11 Gaussian window, σ = 1.5); `None` for images smaller than the window.
    pub ssim: Option<f64>,
    /// Mean LPIPS (shift-tolerant AlexNet) of the first [`super::LPIPS_IMAGES`] images; `None`
    /// without the weights or for images LPIPS does not take. Filled in apart (see
    /// [`super::heldout_lpips_of_first`]).
    #[serde(default)]
    pub lpips: Option<f64>,
    /// Dimensions whose encoder mean varies across the images by more than 0.01.
    pub active_units: usize,
    /// Mean KL(q(z|x) ‖ N(0, 1)) of each latent dimension, in nats.
    pub kl_per_dim_nats: Vec<f64>,
}

impl QualityReport {
    /// The fixed-size part kept in every epoch's report, measured on `images` images.
    pub fn epoch_quality(&self, images: usize) -> EpochQuality {
        EpochQuality {
            mse: self.mse,
            psnr_db: self.psnr_db,
            ssim: self.ssim,
            lpips: self.lpips,
            active_units: self.active_units,
            images,
            measure_secs: 0.0,
        }
    }
}

/// Measures `model` on every image of `set`; reconstructions decode the encoder means.
pub fn heldout_quality(model: &impl LatentModel, set: &ImageSet) -> QualityReport {
    heldout_quality_of_first(model, set, set.len())
}

/// Measures `model` on the first `max_images` images of `set` (all of them when it holds fewer).
pub fn heldout_quality_of_first(model: &impl LatentModel, set: &ImageSet, max_images: usize) -> QualityReport {
    let shape = set.shape();
    let (mut means, mut log_vars) = (Vec::new(), Vec::new());
    let (mut squared_error_sum, mut ssim_sum, mut pixels_seen) = (0.0, 0.0, 0usize);
    let mut originals = Vec::new();
    let measured = set.len().min(max_images);
    let indices: Vec<usize> = (0..measured).collect();
    for batch in indices.chunks(EVAL_BATCH) {
        set.write_batch(batch, &mut originals);
        let (batch_means, batch_log_vars) = model.encode_planar(&originals, batch.len());
        let latent_dim = batch_means.len() / batch.len();
        let reconstructions = model.decode_planar(&batch_means, batch.len(), latent_dim);
        means.extend(batch_means);
        log_vars.extend(batch_log_vars);
        if let Some(mse) = quality::mean_squared_error(&originals, &reconstructions) {
            squared_error_sum += mse * originals.len() as f64;
            pixels_seen += originals.len();
        }
        let per_image = set.values_per_image().max(1);
        // One image per task on every core; summed in image order, so the result is the same
        // on any number of cores.
        let scores: Vec<f64> = originals
            .par_chunks_exact(per_image)
            .zip(reconstructions.par_chunks_exact(per_image))
            .map(|(original, reconstruction)| quality::ssim(original, reconstruction, shape).unwrap_or(f64::NAN))
            .collect();
        ssim_sum += scores.iter().sum::<f64>();
    }
    let latent_dim = means.len().checked_div(measured).unwrap_or(0);
    let mse = squared_error_sum / pixels_seen.max(1) as f64;
    let ssim = (measured > 0 && ssim_sum.is_finite()).then(|| ssim_sum / measured as f64);
    QualityReport {
        mse,
        psnr_db: quality::psnr_db(mse),
        ssim,
        lpips: None,
        active_units: quality::active_units(&means, latent_dim),
        kl_per_dim_nats: quality::kl_per_dim_nats(&means, &log_vars, latent_dim),
    }
}
