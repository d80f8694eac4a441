//! Arguments of `vae-explorer sweep`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::source_args::DataArgs;
use crate::cli::train_args::RecipeArgs;
use crate::model::Architecture;
use crate::training::LossChoice;

/// `vae-explorer sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Latent sizes to train, comma-separated (1 to 64 each).
    #[arg(long = "latent-dim", value_delimiter = ',', default_value = "2")]
    pub latent_dims: Vec<usize>,
    /// KL weights (β) to train, comma-separated.
    #[arg(long = "beta", value_delimiter = ',', default_value = "1")]
    pub betas: Vec<f64>,
    /// Architectures to train, comma-separated.
    #[arg(long = "arch", value_delimiter = ',', value_enum, default_value = "mlp")]
    pub architectures: Vec<Architecture>,
    /// The data and how a folder of pictures becomes model inputs (the same for every run).
    #[command(flatten)]
    pub input: DataArgs,
    /// Passes over the training images, for every run.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Epochs over which β ramps up from 0.
    #[arg(long, default_value_t = 0)]
    pub kl_warmup: usize,
    /// Reconstruction loss of every run, as `train --loss`: `auto` (bce for grey pictures, mse with a
    /// learned σ for colour ones), bce, mse, l1 or ms-ssim-l1.
    #[arg(long, value_name = "auto|bce|mse|l1|ms-ssim-l1", default_value = "auto", value_parser = LossChoice::parse)]
    pub loss: LossChoice,
    /// Batch, learning rate, seed and device, the same for every run (as for `train`).
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Folder of the sweep: one checkpoint folder per run, the results and the figure.
    #[arg(long)]
    pub out: PathBuf,
}
