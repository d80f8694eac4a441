//! Work the UI thread never waits on: the file thread's jobs, file dialogs, dataset loading and
//! exports.

pub mod dataset_loading;
pub mod dialogs;
pub mod file_browser;
pub mod file_jobs;
pub mod view_export;
