//! Command-line arguments of `vae-explorer`.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use super::source_args::{DataArgs, ModelDataArgs};
use super::{BenchArgs, ExportArgs, ExportModelArgs, ImportArgs, InspectArgs, SweepArgs, TrainArgs};
use crate::latent::PlaneMethod;

/// Train or load a variational autoencoder and explore its latent space.
///
/// With no subcommand the window opens.
#[derive(Debug, Parser)]
#[command(name = "vae-explorer", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; omit to open the window.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Open the window on this dataset folder (IDX files or pictures), as Open folder… does.
    #[arg(long, value_name = "DIR")]
    pub data: Option<std::path::PathBuf>,
    /// Open the window on this saved model's folder, as Open model… does.
    #[arg(long, value_name = "DIR")]
    pub model: Option<std::path::PathBuf>,
}

/// The command line `args` (the program's name first) as [`Cli`], with the flags given to `train`
/// noted in its [`TrainArgs::given_flags`] (clap's derive keeps no record of which values were
/// typed and which are defaults).
pub fn parse_cli_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let (Some(CliCommand::Train(train)), Some(("train", given))) = (&mut cli.command, matches.subcommand()) {
        train.given_flags = given
            .ids()
            .filter(|id| given.value_source(id.as_str()) == Some(ValueSource::CommandLine))
            .map(|id| id.to_string())
            .collect();
    }
    Ok(cli)
}

impl Cli {
    /// The folders the window opens as it starts.
    pub fn window_paths(&self) -> crate::app::WindowPaths {
        crate::app::WindowPaths { data: self.data.clone(), model: self.model.clone() }
    }
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Train a VAE without a window, printing one line per epoch.
    Train(TrainArgs),
    /// Measure training throughput (images/s) on the CPU and GPU devices.
    Bench(BenchArgs),
    /// Write the encoder means of the held-out, training or all images, with labels (and each
    /// picture's file for a picture folder), to a CSV file.
    Encode(EncodeArgs),
    /// Export a decoder sweep, prior samples, reconstructions, a morph (PNG or GIF), a class
    /// traversal or nearest training images to PNG.
    Export(ExportArgs),
    /// Print a saved model's held-out measures: -ELBO, MSE, PSNR, SSIM, active units, KL per
    /// dimension, and with --iw-samples the importance-weighted log-likelihood.
    Eval(EvalArgs),
    /// Print what a model folder holds; for ONNX graphs, what was read from them and what was
    /// chosen or assumed.
    Inspect(InspectArgs),
    /// Train every combination of --latent-dim, --beta and --arch into its own folder under
    /// --out, then write results.csv, results.md and reconstructions.png there.
    Sweep(SweepArgs),
    /// Write a dataset's training and held-out images, split as the app splits them, as IDX files
    /// (for training another program on exactly the same images).
    Split(SplitArgs),
    /// Read PyTorch (.pt, .pth) or safetensors weights into one of our architectures and save them
    /// as a model folder that opens in the window and trains on.
    Import(ImportArgs),
    /// Write a model as ONNX (encoder.onnx, decoder.onnx) or as safetensors in PyTorch's layout.
    ExportModel(ExportModelArgs),
}

/// `vae-explorer encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// The model and the images it encodes.
    #[command(flatten)]
    pub source: ModelDataArgs,
    /// Which images to encode: the held-out ones, the training ones, or all (training first).
    #[arg(long, value_enum, default_value_t = EncodeSplit::Heldout)]
    pub split: EncodeSplit,
    /// The same as --split train (kept for scripts written before --split).
    #[arg(long, conflicts_with = "split")]
    pub train_set: bool,
    /// The CSV file to write: index, label, class, [split with --split all,] [path for a picture
    /// folder: the file relative to the folder, escaped onto one line,] z0, z1, ….
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the encoder's log-variances log σ² as columns logvar0, logvar1, ….
    #[arg(long)]
    pub with_variance: bool,
    /// Also write each point's place on this plane as two columns (pca_x, pca_y, or tsne_…,
    /// umap_…); t-SNE and UMAP take at most 20,000 points.
    #[arg(long, value_enum)]
    pub projection: Option<PlaneMethod>,
    /// Seed of t-SNE's start and UMAP's sampling: equal seeds give identical coordinates.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Which part of the dataset `encode` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EncodeSplit {
    /// The images the model was trained on.
    Train,
    /// The images held out from training.
    Heldout,
    /// Both, the training images first; a `split` column says which each row is.
    All,
}

impl EncodeArgs {
    /// The part to encode: `--split`, or `train` under the older `--train-set`.
    pub fn chosen_split(&self) -> EncodeSplit {
        if self.train_set { EncodeSplit::Train } else { self.split }
    }
}

/// `vae-explorer eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The model and the images whose held-out part it is measured on.
    #[command(flatten)]
    pub source: ModelDataArgs,
    /// Importance samples per image for the estimate of log p(x) (tighter than the ELBO; K = 100
    /// or more is usual). Omit to skip it.
    #[arg(long, value_name = "K")]
    pub iw_samples: Option<usize>,
    /// Seed of the importance samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The LPIPS weights file (see `train --help`); without it LPIPS is not measured.
    #[arg(long, value_name = "FILE")]
    pub lpips_weights: Option<PathBuf>,
}

/// `vae-explorer split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The dataset to split and how a folder of pictures is read.
    #[command(flatten)]
    pub input: DataArgs,
    /// Folder for train-images-idx3-ubyte, train-labels-idx1-ubyte and the held-out set as
    /// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (colour sets: idx4, [n, channels, height,
    /// width]); created if missing; must not hold them yet.
    #[arg(long)]
    pub out: PathBuf,
}
