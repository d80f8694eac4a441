//! The variational autoencoder: config, layers, Gaussian posterior and loss terms.

mod config;
mod conv;
mod finite;
mod gaussian;
mod loss;
mod mlp;
mod vae;

pub use config::{
    Architecture, MAX_CHANNELS, MAX_IMAGE_SIDE, MAX_LATENT_DIM, MAX_PARAMETERS, ReconstructionLoss, VaeConfig,
};
pub use gaussian::DiagonalGaussian;
pub use loss::reconstruction_loss;
pub use vae::{LossTerms, Vae};
