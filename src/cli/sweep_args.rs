//! Arguments of `vae-explorer sweep`.

use std::path::PathBuf;

use clap::Args;

use super::data_args::PreprocessingArgs;
use crate::device::DeviceChoice;
use crate::model::{Architecture, ReconstructionLoss};
use crate::training::{RECIPE_FINAL_FRACTION, RECIPE_WARMUP_EPOCHS, TrainingConfig};

use super::train_args::LrScheduleKind;

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
    /// `bundled` for the built-in MNIST digits, a folder of IDX files or a folder of pictures.
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// Passes over the training images, for every run.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Epochs over which β ramps up from 0.
    #[arg(long, default_value_t = 0)]
    pub kl_warmup: usize,
    /// Reconstruction loss.
    #[arg(long, value_enum, default_value_t = ReconstructionLoss::Bce)]
    pub loss: ReconstructionLoss,
    /// Images per step.
    #[arg(long, default_value_t = TrainingConfig::default().batch_size)]
    pub batch_size: usize,
    /// Adam's peak learning rate.
    #[arg(long = "lr", default_value_t = TrainingConfig::default().learning_rate)]
    pub learning_rate: f64,
    /// How the learning rate moves (as for `train`).
    #[arg(long, value_enum, default_value_t = LrScheduleKind::of(&TrainingConfig::default().lr_schedule))]
    pub lr_schedule: LrScheduleKind,
    /// Epochs of the learning rate's linear warm-up (with --lr-schedule cosine).
    #[arg(long, default_value_t = RECIPE_WARMUP_EPOCHS)]
    pub lr_warmup_epochs: f64,
    /// Share of --lr reached at the end of the last epoch (with --lr-schedule cosine).
    #[arg(long, default_value_t = RECIPE_FINAL_FRACTION)]
    pub lr_final_fraction: f64,
    /// Seed for weights, batch order and sampling (the same for every run).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to train: auto picks a hardware GPU when there is one, else the CPU.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,
    /// Folder of the sweep: one checkpoint folder per run, the results and the figure.
    #[arg(long)]
    pub out: PathBuf,
    /// How a picture folder given to `--data` becomes model inputs (the same for every run).
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
}
