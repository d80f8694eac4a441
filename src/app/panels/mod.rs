//! The panels around the latent views: training controls, picture preprocessing, the loss plot,
//! the Runs panel and the form for what an ONNX model's graphs leave open.

pub mod controls;
pub mod loss_plot;
pub mod onnx_questions;
pub mod preprocessing;
pub mod runs;
