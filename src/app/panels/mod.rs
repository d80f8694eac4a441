//! The panels around the latent views: training controls, picture preprocessing, the loss plot
//! and the Runs panel.

pub mod controls;
pub mod loss_plot;
pub mod preprocessing;
pub mod runs;
