//! Integration tests, in one binary so the large dependencies are linked once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checkpoints;
mod cli;
mod colour_folder_ui;
mod colour_views;
mod conv_colour;
mod data_files;
mod directions_ui;
mod divergence;
mod drawing;
mod export_files;
mod export_writes;
mod file_dialogs_ui;
mod gpu;
mod hostile_bytes;
mod hostile_checkpoints;
mod hostile_exports;
mod hostile_files;
mod image_folders;
mod image_folders_cli;
mod kept_runs_ui;
mod kl_strip_ui;
mod latent_size_ui;
mod latent_tools;
mod latent_views;
mod learning;
mod open_folder;
mod quality;
mod runs_ui;
mod scatter_spread_ui;
mod split_dump;
mod support;
mod sweep;
mod ui;
mod worker;
