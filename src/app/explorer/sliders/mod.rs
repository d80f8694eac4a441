//! The latent sliders and the KL strip above them.

pub mod kl_strip;
pub mod latent_sliders;
