//! Integration tests, in one binary so the large dependencies are linked once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkpoints;
mod cli;
mod data_files;
mod divergence;
mod export_files;
mod gpu;
mod hostile_bytes;
mod hostile_checkpoints;
mod hostile_exports;
mod hostile_files;
mod latent_views;
mod learning;
mod quality;
mod split_dump;
mod support;
mod ui;
mod worker;
