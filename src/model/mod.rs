//! The variational autoencoder: config, layers, Gaussian posterior and loss terms, as burn modules
//! with `forward(&self, x)`; the CPU kernels they run on burn's CPU device are in `ops`.

mod config;
mod conv;
mod finite;
mod ms_ssim_l1;
pub use finite::all_weights_finite;
pub use ms_ssim_l1::{
    MS_SSIM_ALPHA, MS_SSIM_MIN_SIDE_PX, MS_SSIM_SIGMAS_PX, ms_ssim_l1_loss, ms_ssim_scales, ssim_mean,
};
mod gaussian;
mod latent_model;
mod loss;
mod mlp;
mod ops;
mod vae;

pub use config::{
    Architecture, ConvLayout, MAX_CHANNELS, MAX_IMAGE_SIDE, MAX_LATENT_DIM, MAX_PARAMETERS, MAX_RESIDUAL_BLOCKS,
    ReconstructionLoss, VaeConfig,
};
pub use conv::{ConvPlan, MAX_STAGE_CHANNELS, Stage};
pub use gaussian::DiagonalGaussian;
pub use latent_model::LatentModel;
pub use loss::{Likelihood, MAX_LIKELIHOOD_SCALE, MIN_LIKELIHOOD_SCALE, ScaleFit, reconstruction_loss};
pub use ops::{DenseFactors, WeightGradientFactors, conv2d, conv2d_relu};
pub use vae::{LossTerms, Vae};
