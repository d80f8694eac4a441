//! `vae-explorer sweep`: its arguments, the planned runs, the results tables and the figure.

mod args;
mod figure;
mod folder;
mod plan;
mod results;
mod run;
mod run_check;

pub use args::SweepArgs;
pub use figure::{FIGURE_FILE, figure_size};
pub use run::run_sweep;
