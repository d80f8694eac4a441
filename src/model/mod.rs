//! The variational autoencoder: config, layers, Gaussian posterior and loss terms.

mod config;
mod conv;
mod dense;
mod finite;
mod fused;
mod gaussian;
mod host_matmul;
mod host_tensor;
mod loss;
mod mlp;
mod relu;
#[cfg(test)]
mod test_values;
mod vae;
mod weight_gradient_factors;

pub use config::{
    Architecture, ConvLayout, MAX_CHANNELS, MAX_IMAGE_SIDE, MAX_LATENT_DIM, MAX_PARAMETERS, MAX_RESIDUAL_BLOCKS,
    ReconstructionLoss, VaeConfig,
};
pub use conv::{ConvPlan, MAX_STAGE_CHANNELS, Stage};
pub use gaussian::DiagonalGaussian;
pub use loss::{Likelihood, MAX_LIKELIHOOD_SCALE, MIN_LIKELIHOOD_SCALE, reconstruction_loss};
pub use vae::{LossTerms, Vae};
pub use weight_gradient_factors::{DenseFactors, WeightGradientFactors};
