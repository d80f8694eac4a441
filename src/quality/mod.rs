//! Image-quality and latent-usage measures of a model on held-out data: MSE, PSNR, SSIM, KL per
//! latent dimension and active units. Plain slices in, numbers out; no tensors, no egui.

mod dimension_ranking;
mod latent_usage;
mod pixel_error;
mod ssim;

pub use dimension_ranking::{COLLAPSED_KL_NATS, collapsed_dims, dims_by_kl, two_most_active_dims};
pub use latent_usage::{ACTIVE_UNIT_THRESHOLD, active_units, kl_per_dim_nats, mean_variance_per_dim};
pub use pixel_error::{mean_squared_error, psnr_db};
pub use ssim::{WINDOW_RADIUS_PX, WINDOW_SIGMA_PX, ssim};

pub use crate::image_shape::ImageShape;
