//! The headless commands: argument parsing and one module per subcommand.

mod args;
mod bench;
mod data_args;
mod encode;
mod eval;
mod export;
mod export_model;
mod import;
mod inspect;
mod lpips_metric;
mod panic_guard;
mod parse_error;
mod source_args;
mod split;
mod sweep;
mod train;
mod train_args;

pub use args::{Cli, CliCommand, EncodeArgs, EncodeSplit, EvalArgs, SplitArgs, parse_cli_from};
pub use bench::{BenchArgs, run_bench};
pub use data_args::{FitArg, PreprocessingArgs};
pub use encode::run_encode;
pub use eval::run_eval;
pub use export::{ExportArgs, ExportKind, run_export};
pub use export_model::{ExportModelArgs, ModelFormat, run_export_model};
pub use import::{ImportArgs, run_import};
pub use inspect::{InspectArgs, run_inspect};
pub use panic_guard::run_guarded;
pub use parse_error::{command_path, one_line as parse_error_line};
pub use source_args::{DataArgs, ModelDataArgs, OnnxArgs, model_source};
pub use split::{SPLIT_FILES, run_split};
pub use sweep::{FIGURE_FILE, SweepArgs, figure_size, run_sweep};
pub use train::run_train;
pub use train_args::{ConvArgs, LikelihoodScaleArg, ModelArgs, TrainArgs};
