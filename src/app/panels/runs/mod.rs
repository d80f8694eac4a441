//! The Runs panel: the runs on disk and this session's, in a sortable table, overlaid on the loss plot.

pub mod kept_runs;
pub mod run_folders;
pub mod run_questions;
pub mod run_rename;
pub mod runs_panel;
pub mod runs_table;
