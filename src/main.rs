//! Entry point: no arguments opens the window; subcommands run headless.

use std::process::ExitCode;

use vae_explorer::cli::{
    CliCommand, command_path, parse_cli_from, parse_error_line, run_bench, run_encode, run_eval, run_export,
    run_export_model, run_import, run_split, run_sweep, run_train,
};

/// The allocator for the whole binary: mimalloc reuses freed memory where glibc unmaps and refaults
/// every buffer above its mmap threshold (the conv's column matrices are tens of MB, every step);
/// `main` first sets how long it keeps freed pages (see `allocator_settings`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    vae_explorer::allocator_settings::restart_with_purge_delay();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn,tract_onnx=error")).init();
    let cli = match parse_cli_from(std::env::args_os()) {
        Ok(cli) => cli,
        // --help and --version print as clap writes them; a mistake is one line and exit code 2.
        Err(error) if !error.use_stderr() => error.exit(),
        Err(error) => {
            let args: Vec<String> = std::env::args_os().map(|arg| arg.to_string_lossy().into_owned()).collect();
            eprintln!("{}", parse_error_line(&error.render().to_string(), &command_path(&args)));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        None => vae_explorer::app::run(cli.window_paths())
            .map_err(|error| anyhow::anyhow!("cannot open the window: {error}")),
        // A panic in a command (a graph trained elsewhere failing in the runtime) ends in one line.
        Some(command) => vae_explorer::cli::run_guarded(|| run_command(command)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one headless command.
fn run_command(command: &CliCommand) -> anyhow::Result<()> {
    match command {
        CliCommand::Train(args) => run_train(args),
        CliCommand::Bench(args) => run_bench(args),
        CliCommand::Encode(args) => run_encode(args),
        CliCommand::Export(args) => run_export(args),
        CliCommand::Eval(args) => run_eval(args),
        CliCommand::Inspect(args) => vae_explorer::cli::run_inspect(args),
        CliCommand::Sweep(args) => run_sweep(args),
        CliCommand::Split(args) => run_split(args),
        CliCommand::Import(args) => run_import(args),
        CliCommand::ExportModel(args) => run_export_model(args),
    }
}
