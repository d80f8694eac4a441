//! The headless commands: argument parsing and one module per subcommand.

mod args;
mod bench;
mod bench_args;
mod bench_views;
mod bench_window;
mod data_args;
mod encode;
mod eval;
mod export;
mod export_args;
mod export_neighbours;
mod export_traversal;
mod grid_plane;
mod machine_peak;
mod split;
mod sweep;
mod sweep_args;
mod sweep_figure;
mod sweep_folder;
mod sweep_plan;
mod sweep_results;
mod sweep_run_check;
mod train;
mod train_args;

pub use args::{
    BenchArgs, Cli, CliCommand, ConvArgs, EncodeArgs, EvalArgs, ExportArgs, ExportKind, ModelArgs, SplitArgs,
    SweepArgs, TrainArgs, model_source,
};
pub use bench::run_bench;
pub use data_args::{FitArg, PreprocessingArgs};
pub use encode::run_encode;
pub use eval::run_eval;
pub use export::run_export;
pub use split::{SPLIT_FILES, run_split};
pub use sweep::run_sweep;
pub use sweep_figure::{FIGURE_FILE, figure_size};
pub use sweep_folder::MARKER_FILE as SWEEP_MARKER_FILE;
pub use train::run_train;
