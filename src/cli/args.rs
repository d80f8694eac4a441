//! Command-line arguments of `vae-explorer`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::data_args::PreprocessingArgs;
use crate::data::DataSource;
use crate::device::DeviceChoice;
use crate::image_shape::ImageShape;
use crate::inference::ModelSource;
use crate::latent::{Interpolation, PlaneMethod, Spacing};
use crate::model::{Architecture, ReconstructionLoss, VaeConfig};
use crate::training::{LrSchedule, RECIPE_FINAL_FRACTION, RECIPE_WARMUP_EPOCHS, TrainingConfig};

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
    /// Write the encoder means of the held-out images, with labels, to a CSV file.
    Encode(EncodeArgs),
    /// Export a decoder sweep, prior samples, reconstructions, a morph (PNG or GIF), a class
    /// traversal or nearest training images to PNG.
    Export(ExportArgs),
    /// Print a saved model's held-out measures: -ELBO, MSE, PSNR, SSIM, active units, KL per
    /// dimension, and with --iw-samples the importance-weighted log-likelihood.
    Eval(EvalArgs),
    /// Train every combination of --latent-dim, --beta and --arch into its own folder under
    /// --out, then write results.csv, results.md and reconstructions.png there.
    Sweep(SweepArgs),
    /// Write a dataset's training and held-out images, split as the app splits them, as IDX files
    /// (for training another program on exactly the same images).
    Split(SplitArgs),
}

/// What `vae-explorer export` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// N × N decoder sweep over --range on latent dimensions 0 and 1 (or the first two
    /// principal components of the held-out means when the latent space is larger).
    Grid,
    /// 8 × 8 samples from the prior with --seed.
    Samples,
    /// 16 held-out images above their reconstructions.
    Reconstructions,
    /// --steps frames from --from to --to: a strip (.png) or a ping-pong animation (.gif).
    Morph,
    /// --steps frames from the mean latent of --from-class to that of --to-class (held-out images).
    Traversal,
    /// The query (--latent or --grid-cell) decoded, then its --k nearest training images: in
    /// pixel space (first row) and in latent space (second row).
    Neighbours,
}

/// `vae-explorer export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to draw.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// `bundled` for the model shipped with the app, or a folder saved by `train`.
    #[arg(long, default_value = "bundled")]
    pub model: String,
    /// `bundled` or a folder of IDX files or pictures (for reconstructions, morph indices and PCA).
    /// Default: the folder the model was trained on when it still exists, else `bundled`.
    #[arg(long)]
    pub data: Option<String>,
    /// How a folder of pictures (and a --from/--to picture) is read; default: the model's own.
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
    /// Extent of the sweep on both axes, as MIN,MAX.
    #[arg(long, default_value = "-4,4", value_parser = parse_range, allow_hyphen_values = true)]
    pub range: [f32; 2],
    /// Cells per side of the sweep (2 to 64).
    #[arg(long, default_value_t = 20)]
    pub size: usize,
    /// Where the sweep's cells sit: evenly over --range, at the prior's quantiles, or at the
    /// percentiles of the held-out means.
    #[arg(long, value_enum, default_value_t = Spacing::Linear)]
    pub spacing: Spacing,
    /// Traversal start: a class name (as the dataset names it) or index.
    #[arg(long)]
    pub from_class: Option<String>,
    /// Traversal end: a class name or index.
    #[arg(long)]
    pub to_class: Option<String>,
    /// Neighbours of this latent point, as comma-separated values (one per latent dimension).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "grid_cell")]
    pub latent: Option<String>,
    /// Neighbours of this cell ROW,COL of the sweep described by --size, --range and --spacing.
    #[arg(long, value_parser = parse_cell)]
    pub grid_cell: Option<[usize; 2]>,
    /// Nearest training images shown (1 to 64).
    #[arg(long, default_value_t = 8)]
    pub k: usize,
    /// Morph start: an image file.
    #[arg(long, conflicts_with = "from_index")]
    pub from: Option<PathBuf>,
    /// Morph start: a held-out image index.
    #[arg(long)]
    pub from_index: Option<usize>,
    /// Morph end: an image file.
    #[arg(long, conflicts_with = "to_index")]
    pub to: Option<PathBuf>,
    /// Morph end: a held-out image index.
    #[arg(long)]
    pub to_index: Option<usize>,
    /// Frames of the morph, ends included.
    #[arg(long, default_value_t = 10)]
    pub steps: usize,
    /// Straight or spherical morph path.
    #[arg(long, value_enum, default_value_t = Interpolation::Linear)]
    pub interpolation: Interpolation,
    /// Nearest-neighbour scale of every pixel (1 to 8).
    #[arg(long, default_value_t = 4)]
    pub scale: u32,
    /// Pixels between cells.
    #[arg(long, default_value_t = 2)]
    pub gutter: u32,
    /// Frames per second of a GIF.
    #[arg(long, default_value_t = 12.0)]
    pub fps: f32,
    /// Seed of the prior samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The file to write: .png, or .gif for a morph.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_range(text: &str) -> Result<[f32; 2], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [low, high] = parts.as_slice() else { return Err(format!("expected MIN,MAX such as -4,4, not {text:?}")) };
    let parse = |part: &str| part.trim().parse::<f32>().map_err(|_| format!("{part:?} is not a number"));
    let (low, high) = (parse(low)?, parse(high)?);
    if !(low.is_finite() && high.is_finite() && low < high) {
        return Err(format!("MIN must be below MAX, both finite: {text:?}"));
    }
    Ok([low, high])
}

fn parse_cell(text: &str) -> Result<[usize; 2], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [row, col] = parts.as_slice() else { return Err(format!("expected ROW,COL such as 3,5, not {text:?}")) };
    let parse = |part: &str| part.trim().parse::<usize>().map_err(|_| format!("{part:?} is not a cell index"));
    Ok([parse(row)?, parse(col)?])
}

/// `vae-explorer encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// `bundled` for the model shipped with the app, or a folder saved by `train`.
    #[arg(long, default_value = "bundled")]
    pub model: String,
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files or of pictures.
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// How a folder of pictures is read; default: the model's own.
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
    /// Encode the training images instead of the held-out ones.
    #[arg(long)]
    pub train_set: bool,
    /// The CSV file to write: index, label, class, z0, z1, ….
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

/// `vae-explorer eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// `bundled` for the model shipped with the app, or a folder saved by `train`.
    #[arg(long, default_value = "bundled")]
    pub model: String,
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files or of pictures; its held-out
    /// images are used.
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// How a folder of pictures is read; default: the model's own.
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
    /// Importance samples per image for the estimate of log p(x) (tighter than the ELBO; K = 100
    /// or more is usual). Omit to skip it.
    #[arg(long, value_name = "K")]
    pub iw_samples: Option<usize>,
    /// Seed of the importance samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `vae-explorer split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files.
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// Folder for train-images-idx3-ubyte, train-labels-idx1-ubyte and the held-out set as
    /// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (created if missing; must not hold them yet).
    #[arg(long)]
    pub out: PathBuf,
}

impl SplitArgs {
    /// The data source named by `--data`.
    pub fn data_source(&self) -> DataSource {
        DataSource::from_arg(&self.data)
    }
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
    #[arg(long, default_value_t = TrainingConfig::default().batch_size)]
    pub batch_size: usize,
    /// Adam's learning rate (the peak of the schedule).
    #[arg(long = "lr", default_value_t = TrainingConfig::default().learning_rate)]
    pub learning_rate: f64,
    /// How the learning rate moves: `cosine` rises linearly over --lr-warmup-epochs, then falls
    /// along a half cosine to --lr-final-fraction × --lr at the end; `constant` stays at --lr.
    #[arg(long, value_enum, default_value_t = LrScheduleKind::of(&TrainingConfig::default().lr_schedule))]
    pub lr_schedule: LrScheduleKind,
    /// Epochs of the learning rate's linear warm-up (fractions allowed; with --lr-schedule cosine).
    #[arg(long, default_value_t = RECIPE_WARMUP_EPOCHS)]
    pub lr_warmup_epochs: f64,
    /// Share of --lr reached at the end of the last epoch, 0 to 1 (with --lr-schedule cosine).
    #[arg(long, default_value_t = RECIPE_FINAL_FRACTION)]
    pub lr_final_fraction: f64,
    /// Seed for weights, batch order and sampling.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where to train: auto picks a hardware GPU when there is one, else the CPU.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,
    /// Width and depth of the conv architecture.
    #[command(flatten)]
    pub conv: ConvArgs,
}

/// The conv architecture's width and depth (ignored by the MLP).
#[derive(Debug, Args, Clone)]
pub struct ConvArgs {
    /// Conv: channels of the first stride-2 stage; each further stage doubles them, up to 256.
    #[arg(long, default_value_t = 32)]
    pub base_channels: usize,
    /// Conv: residual blocks (two 3×3 convolutions and a skip) after each stage, 0 to 8.
    #[arg(long, default_value_t = 0)]
    pub residual_blocks: usize,
}

impl Default for ConvArgs {
    /// The command line's defaults: 32 base channels, no residual blocks.
    fn default() -> Self {
        Self { base_channels: 32, residual_blocks: 0 }
    }
}

impl ConvArgs {
    /// `model` with these conv fields.
    pub fn apply(&self, model: VaeConfig) -> VaeConfig {
        model.with_conv_base_channels(self.base_channels).with_conv_residual_blocks(self.residual_blocks)
    }
}

/// `vae-explorer train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files or of pictures (one
    /// subfolder per class).
    #[arg(long, default_value = "bundled")]
    pub data: String,
    /// How a folder of pictures is read (size, channels, fit, background).
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
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
    /// σ of the Gaussian likelihood (--loss mse) or b of the Laplace (--loss l1), in pixel units
    /// ([0, 1]): the loss is -log p(x|z) in nats, so a smaller scale weighs reconstruction more
    /// against the KL term.
    #[arg(long, visible_alias = "sigma", default_value_t = crate::training::DEFAULT_LIKELIHOOD_SCALE)]
    pub likelihood_scale: f64,
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
        let config = self.model.training_config(self.epochs, self.beta, self.kl_warmup, self.loss);
        TrainingConfig { likelihood_scale: self.likelihood_scale, ..config }
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
            model: self
                .conv
                .apply(VaeConfig::new().with_architecture(self.architecture).with_latent_dim(self.latent_dim)),
            loss,
            beta,
            kl_warmup_epochs,
            learning_rate: self.learning_rate,
            lr_schedule: self.lr_schedule(),
            batch_size: self.batch_size,
            epochs,
            seed: self.seed,
            ..TrainingConfig::default()
        }
    }
}

impl ModelArgs {
    /// The learning-rate schedule these arguments describe.
    pub fn lr_schedule(&self) -> LrSchedule {
        match self.lr_schedule {
            LrScheduleKind::Constant => LrSchedule::Constant,
            LrScheduleKind::Cosine => LrSchedule::WarmupCosine {
                warmup_epochs: self.lr_warmup_epochs,
                final_fraction: self.lr_final_fraction,
            },
        }
    }
}

/// The learning-rate schedules `--lr-schedule` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LrScheduleKind {
    /// --lr at every step.
    Constant,
    /// Linear warm-up, then a half cosine down to --lr-final-fraction × --lr.
    Cosine,
}

impl LrScheduleKind {
    /// The kind of `schedule`.
    pub fn of(schedule: &LrSchedule) -> Self {
        match schedule {
            LrSchedule::Constant => Self::Constant,
            LrSchedule::WarmupCosine { .. } => Self::Cosine,
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
    /// Image shapes to measure, HEIGHTxWIDTHxCHANNELS: 28x28x1 trains on the bundled digits, any
    /// other shape on synthetic images (e.g. 64x64x3).
    #[arg(long, value_delimiter = ',', default_value = "28x28x1", value_parser = parse_image_shape)]
    pub shapes: Vec<ImageShape>,
    /// Width and depth of the conv architecture.
    #[command(flatten)]
    pub conv: ConvArgs,
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
    /// The machine's f32 peak in GFLOP/s, when the one read from /proc/cpuinfo is wrong or missing.
    #[arg(long)]
    pub peak_gflops: Option<f64>,
    /// Measure the latent views instead: decode latency and the window's CPU time per frame.
    #[arg(long)]
    pub views: bool,
    /// Measure training with the real window's app running against headless training, and print
    /// `in-window / headless: R` last.
    #[arg(long)]
    pub window: bool,
    /// Seconds of training measured in each half of `--window` (after a 3 s warm-up).
    #[arg(long, default_value_t = 20.0)]
    pub window_secs: f64,
}

/// Parses an image shape written HEIGHTxWIDTHxCHANNELS, such as 64x64x3.
fn parse_image_shape(text: &str) -> Result<ImageShape, String> {
    let parts: Vec<&str> = text.split(['x', '×']).collect();
    let [height, width, channels] = parts.as_slice() else {
        return Err(format!("expected HEIGHTxWIDTHxCHANNELS such as 64x64x3, not {text:?}"));
    };
    let parse = |part: &str| part.trim().parse::<usize>().map_err(|_| format!("{part:?} in {text:?} is not a count"));
    Ok(ImageShape { channels: parse(channels)?, height: parse(height)?, width: parse(width)? })
}

/// Parses a `--model` value: `bundled` or a checkpoint folder.
pub fn model_source(arg: &str) -> ModelSource {
    if arg == "bundled" { ModelSource::Bundled } else { ModelSource::Folder(PathBuf::from(arg)) }
}

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
