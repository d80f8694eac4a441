//! The headless commands: argument parsing and one module per subcommand.

mod args;
mod bench;
mod bench_views;
mod encode;
mod eval;
mod export;
mod machine_peak;
mod split;
mod train;

pub use args::{
    BenchArgs, Cli, CliCommand, EncodeArgs, EvalArgs, ExportArgs, ExportKind, ModelArgs, SplitArgs, TrainArgs,
    model_source,
};
pub use bench::run_bench;
pub use encode::run_encode;
pub use eval::run_eval;
pub use export::run_export;
pub use split::{SPLIT_FILES, run_split};
pub use train::run_train;
