//! vae-explorer: train or load a variational autoencoder and explore its latent space.

pub mod allocator_settings;
pub mod app;
pub mod atomic_file;
pub mod checkpoint;
pub mod cli;
pub mod data;
pub mod device;
pub mod digit_import;
pub mod display_name;
pub mod drawing;
pub mod export;
pub mod folder_lock;
pub mod image_import;
pub mod image_shape;
pub mod inference;
pub mod interop;
pub mod latent;
pub mod lpips;
pub mod memory_budget;
pub mod model;
pub mod onnx_model;
pub mod quality;
pub mod render;
pub mod safe_read;
pub mod training;
pub mod worker;
