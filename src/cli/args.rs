//! Command-line arguments of `vae-explorer`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::data::DataSource;
use crate::device::DeviceChoice;
use crate::model::{Architecture, ReconstructionLoss, VaeConfig};
use crate::training::TrainingConfig;

/// Train or load a variational autoencoder and explore its latent space.
///
/// With no subcommand the window opens.
#[derive(Debug, Parser)]
#[command(name = "vae-explorer", version, about)]
pub struct Cli {
    /// What to do; omit to open the window.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Train a VAE without a window, printing one line per epoch.
    Train(TrainArgs),
    /// Measure training throughput (images/s) on the CPU and GPU devices.
    Bench(BenchArgs),
}

/// Options shared by everything that trains.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Encoder/decoder family.
    #[arg(long = "arch", value_enum, default_value_t = Architecture::Mlp)]
    pub architecture: Architecture,
    /// Size of the latent space (1 to 64).
    #[arg(long, default_value_t = 2)]
    pub latent_dim: usize,
    /// Images per step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    /// Adam's learning rate.
    #[arg(long = "lr", default_value_t = 1e-3)]
    pub learning_rate: f64,
    /// Seed for weights, batch order and sampling.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to train: auto picks a hardware GPU when there is one, else the CPU.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,
}

/// `vae-explorer train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files.
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// Model, batch, seed and device.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Weight of the KL term (β-VAE).
    #[arg(long, default_value_t = 1.0)]
    pub beta: f64,
    /// Epochs over which β ramps up from 0.
    #[arg(long, default_value_t = 0)]
    pub kl_warmup: usize,
    /// Reconstruction loss.
    #[arg(long, value_enum, default_value_t = ReconstructionLoss::Bce)]
    pub loss: ReconstructionLoss,
    /// Passes over the training images.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Folder for metrics.json and the trained model (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Continue training the model saved in this folder; --epochs is then the total to reach,
    /// and the model's own architecture, latent size and loss are kept.
    #[arg(long, value_name = "MODEL_DIR")]
    pub resume: Option<PathBuf>,
}

impl TrainArgs {
    /// The data source named by `--data`.
    pub fn data_source(&self) -> DataSource {
        DataSource::from_arg(&self.data)
    }

    /// The training configuration these arguments describe.
    pub fn training_config(&self) -> TrainingConfig {
        self.model.training_config(self.epochs, self.beta, self.kl_warmup, self.loss)
    }
}

impl ModelArgs {
    /// A training configuration from these arguments and the rest.
    pub fn training_config(
        &self,
        epochs: usize,
        beta: f64,
        kl_warmup_epochs: usize,
        loss: ReconstructionLoss,
    ) -> TrainingConfig {
        TrainingConfig {
            model: VaeConfig::new().with_architecture(self.architecture).with_latent_dim(self.latent_dim),
            loss,
            beta,
            kl_warmup_epochs,
            learning_rate: self.learning_rate,
            batch_size: self.batch_size,
            epochs,
            seed: self.seed,
        }
    }
}

/// `vae-explorer bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Devices to measure: cpu, gpu, or both.
    #[arg(long, value_delimiter = ',', default_value = "cpu,gpu")]
    pub devices: Vec<DeviceChoice>,
    /// Architectures to measure.
    #[arg(long = "arch", value_delimiter = ',', default_value = "mlp")]
    pub architectures: Vec<Architecture>,
    /// Size of the latent space.
    #[arg(long, default_value_t = 2)]
    pub latent_dim: usize,
    /// Images per step.
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    /// Steps run before timing starts (kernel compilation, caches).
    #[arg(long, default_value_t = 10)]
    pub warmup_steps: usize,
    /// Steps timed.
    #[arg(long, default_value_t = 100)]
    pub steps: usize,
}
