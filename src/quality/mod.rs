//! Image-quality and latent-usage measures of a model on held-out data: MSE, PSNR, SSIM, KL per
//! latent dimension and active units. Plain slices in, numbers out; no tensors, no egui.

mod latent_usage;
mod pixel_error;
mod ssim;

pub use latent_usage::{ACTIVE_UNIT_THRESHOLD, active_units, kl_per_dim_nats, mean_variance_per_dim};
pub use pixel_error::{mean_squared_error, psnr_db};
pub use ssim::{WINDOW_RADIUS_PX, WINDOW_SIGMA_PX, ssim};

/// The layout of an image as a flat slice: `channels` planes of `height × width` values, row-major.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanarShape {
    /// Colour channels (1 grey, 3 RGB).
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
}
