//! The headless commands: argument parsing and one module per subcommand.

mod args;
mod bench;
mod train;

pub use args::{BenchArgs, Cli, CliCommand, ModelArgs, TrainArgs};
pub use bench::run_bench;
pub use train::run_train;
