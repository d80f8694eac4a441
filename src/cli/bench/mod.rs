//! `vae-explorer bench`: its arguments, training throughput, the latent views' and the window's costs,
//! and the machine's peak they are compared with.

mod args;
mod machine_peak;
mod run;
mod views;
mod window;

pub use args::BenchArgs;
pub use run::run_bench;
