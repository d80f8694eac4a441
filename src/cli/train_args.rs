//! Arguments of `vae-explorer train`: the model, the conv layout and the training recipe.

use std::path::PathBuf;

use clap::{Args, Command};

use super::source_args::DataArgs;
use crate::device::DeviceChoice;
use crate::model::{Architecture, ConvLayout, ReconstructionLoss, ScaleFit, VaeConfig};
use crate::training::{LossChoice, LrSchedule, RECIPE_FINAL_FRACTION, RECIPE_WARMUP_EPOCHS, TrainingConfig};

/// Options shared by everything that trains.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Encoder/decoder family.
    #[arg(long = "arch", value_enum, default_value_t = Architecture::Mlp)]
    pub architecture: Architecture,
    /// Size of the latent space (1 to 64).
    #[arg(long, default_value_t = 2)]
    pub latent_dim: usize,
    /// Batch, learning rate, seed and device.
    #[command(flatten)]
    pub recipe: RecipeArgs,
    /// Width and depth of the conv architecture.
    #[command(flatten)]
    pub conv: ConvArgs,
}

/// How a model is trained, whatever it is (`train` and `sweep` share them).
#[derive(Debug, Args, Clone)]
pub struct RecipeArgs {
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
    /// The LPIPS weights file (alex_shift_tolerant.pth, fetched by scripts/fetch_lpips.sh); by
    /// default $VAE_EXPLORER_LPIPS, else the user data folder's lpips/, else the checkout's
    /// assets/lpips/. Without it LPIPS is not measured.
    #[arg(long, value_name = "FILE")]
    pub lpips_weights: Option<PathBuf>,
    /// Weight W of the LPIPS term added to each image's reconstruction loss: W · LPIPS(x, x̂) ·
    /// values per image (as latent diffusion's autoencoders add it to every pixel's error), 0 to
    /// 100; 0: none. Needs the LPIPS weights (scripts/fetch_lpips.sh). Reference recipe:
    /// --loss l1 --perceptual-weight 1 --beta 0.02.
    #[arg(long, default_value_t = 0.0)]
    pub perceptual_weight: f64,
}

/// The conv architecture's width and depth (ignored by the MLP).
#[derive(Debug, Args, Clone)]
pub struct ConvArgs {
    /// Conv: channels of the first stride-2 stage; each further stage doubles them, up to 256.
    #[arg(long, default_value_t = 32)]
    pub base_channels: usize,
    /// Conv: residual blocks (two 3×3 convolutions and a skip) after each stage, 0 to 8. With
    /// any, a fresh model starts signal-preserving (He-normal convolutions, each block the
    /// identity), so that the signal does not fade through its many layers (README: "What blew up
    /// at 128 px").
    #[arg(long, default_value_t = 0)]
    pub residual_blocks: usize,
    /// Conv: the stages' plan. `direct`: 4×4 stride-2 convolutions, the latent read straight off
    /// the last feature map (the PyTorch tutorial's); `scaled`: 3×3 stride-2 convolutions and a
    /// 256-unit dense layer both ways; `two_stages`: the oldest layout, two 3×3 stages.
    #[arg(long, value_enum, default_value_t = ConvLayout::default())]
    pub conv_layout: ConvLayout,
}

impl Default for ConvArgs {
    /// The command line's defaults: 32 base channels, no residual blocks, the default layout.
    fn default() -> Self {
        Self { base_channels: 32, residual_blocks: 0, conv_layout: ConvLayout::default() }
    }
}

impl ConvArgs {
    /// `model` with these conv fields.
    pub fn apply(&self, model: VaeConfig) -> VaeConfig {
        model
            .with_conv_base_channels(self.base_channels)
            .with_conv_residual_blocks(self.residual_blocks)
            .with_conv_layout(self.conv_layout)
    }
}

/// `vae-explorer train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The data and how a folder of pictures is read (size, channels, fit, background).
    #[command(flatten)]
    pub input: DataArgs,
    /// Model, batch, seed and device.
    #[command(flatten)]
    pub model: ModelArgs,
    /// Weight of the KL term (β-VAE).
    #[arg(long, default_value_t = 1.0)]
    pub beta: f64,
    /// Epochs over which β ramps up from 0.
    #[arg(long, default_value_t = 0)]
    pub kl_warmup: usize,
    /// Reconstruction loss: `auto` (bce for grey pictures; for colour ones mse with a learned σ,
    /// the calibrated decoder, unless --likelihood-scale is given), or bce (pixels as
    /// probabilities), mse (Gaussian, with σ), l1 (Laplace, with b; training keeps the decoder's
    /// logits within ±8, where the sigmoid still passes a gradient) or ms-ssim-l1 (Zhao et al.
    /// 2017: 0.84 × (1 − MS-SSIM) + 0.16 × Gaussian-weighted L1, per pixel, times the image's
    /// values; weight-free, not a likelihood, so its −ELBO is not comparable with the others').
    #[arg(long, value_name = "auto|bce|mse|l1|ms-ssim-l1", default_value = "auto", value_parser = LossChoice::parse)]
    pub loss: LossChoice,
    /// σ of the Gaussian likelihood (mse) or b of the Laplace (l1), in pixel units (pixels run from
    /// 0 to 1), from 0.001 to 10: the loss is -log p(x|z) in nats, so a smaller scale weighs
    /// reconstruction more against the KL term. `learned`: after every batch, the scale that
    /// maximises that batch's likelihood (σ² = its mean squared error; b = its mean absolute error),
    /// so the balance with the KL term is found rather than guessed; it starts at 0.1. Default: 0.1,
    /// or `learned` where --loss auto picks mse for colour pictures.
    #[arg(long, visible_alias = "sigma", value_parser = parse_likelihood_scale)]
    pub likelihood_scale: Option<LikelihoodScaleArg>,
    /// Passes over the training images.
    #[arg(long, default_value_t = 10)]
    pub epochs: usize,
    /// Folder for metrics.json and the trained model (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Continue training the model saved in this folder; --epochs is then the total to reach. The
    /// model and its recipe (architecture, sizes, loss, β, learning rate, batch, seed, perceptual
    /// weight) are the checkpoint's, so those flags are refused with it; the data, --device,
    /// --lpips-weights and --out are yours to give. Adam starts afresh (a checkpoint keeps the
    /// weights), so the learning rate rises again from 0 over the first epoch.
    #[arg(long, value_name = "MODEL_DIR")]
    pub resume: Option<PathBuf>,
    /// The ids of the flags given on the command line (not their defaults), which a continued run
    /// checks against the ones it uses (see [`TrainArgs::ignored_on_resume`]); filled by
    /// [`crate::cli::parse_cli_from`], empty where the arguments were built in code.
    #[arg(skip)]
    pub given_flags: Vec<String>,
}

/// The ids of the `train` flags a continued run (`--resume`) uses: the epochs to reach, the output
/// and checkpoint folders, the device and the LPIPS weights file, with every flag of how the data is
/// read ([`DataArgs`]). Every other flag describes the model or its recipe, which a continued run
/// takes from its checkpoint.
const USED_ON_RESUME: [&str; 5] = ["epochs", "out", "resume", "device", "lpips_weights"];

impl TrainArgs {
    /// The flags given on the command line (as `--lr`) that a continued run would not use, in the
    /// order `train --help` lists them; empty without --resume.
    pub fn ignored_on_resume(&self) -> Vec<String> {
        if self.resume.is_none() {
            return Vec::new();
        }
        let data_ids: Vec<String> =
            DataArgs::augment_args(Command::new("data")).get_arguments().map(|arg| arg.get_id().to_string()).collect();
        Self::augment_args(Command::new("train"))
            .get_arguments()
            .filter(|arg| self.given_flags.iter().any(|given| given == arg.get_id().as_str()))
            .filter(|arg| {
                !USED_ON_RESUME.contains(&arg.get_id().as_str())
                    && !data_ids.iter().any(|id| id == arg.get_id().as_str())
            })
            .map(|arg| format!("--{}", arg.get_long().unwrap_or(arg.get_id().as_str())))
            .collect()
    }

    /// The training configuration these arguments describe for pictures of `channels` channels
    /// (which --loss auto needs; the CLI knows them once --data is read).
    pub fn training_config(&self, channels: usize) -> TrainingConfig {
        let config = self.model.training_config(self.epochs, self.beta, self.kl_warmup, ReconstructionLoss::Bce);
        let config = match self.likelihood_scale {
            None => config,
            Some(LikelihoodScaleArg::Fixed(scale)) => TrainingConfig { likelihood_scale: scale, ..config },
            Some(LikelihoodScaleArg::Learned) => TrainingConfig { scale_fit: ScaleFit::Learned, ..config },
        };
        self.loss.apply(config, channels, self.likelihood_scale.is_some())
    }
}

/// `--likelihood-scale`: a number, or `learned`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LikelihoodScaleArg {
    /// This σ or b for the whole run (checked with the rest of the configuration).
    Fixed(f64),
    /// Learned from every batch, starting at [`crate::training::DEFAULT_LIKELIHOOD_SCALE`].
    Learned,
}

fn parse_likelihood_scale(text: &str) -> Result<LikelihoodScaleArg, String> {
    if text.trim().eq_ignore_ascii_case("learned") {
        return Ok(LikelihoodScaleArg::Learned);
    }
    text.trim()
        .parse::<f64>()
        .map(LikelihoodScaleArg::Fixed)
        .map_err(|_| format!("expected a number such as 0.1, or `learned`, not {text:?}"))
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
            perceptual_weight: self.recipe.perceptual_weight,
            kl_warmup_epochs,
            learning_rate: self.recipe.learning_rate,
            lr_schedule: self.recipe.lr_schedule(),
            batch_size: self.recipe.batch_size,
            epochs,
            seed: self.recipe.seed,
            ..TrainingConfig::default()
        }
    }
}

impl RecipeArgs {
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

#[cfg(test)]
mod tests {
    use crate::cli::{CliCommand, TrainArgs, parse_cli_from};

    fn train(args: &[&str]) -> TrainArgs {
        let all = ["vae-explorer", "train"].into_iter().chain(args.iter().copied());
        match parse_cli_from(all).expect("parses").command {
            Some(CliCommand::Train(train)) => train,
            other => panic!("not train: {other:?}"),
        }
    }

    #[test]
    fn a_continued_run_names_the_recipe_flags_it_would_ignore_and_only_those() {
        // Flags typed with --resume that the checkpoint decides, named as typed, in help order.
        let refused = train(&[
            "--resume",
            "run",
            "--out",
            "more",
            "--lr",
            "0.01",
            "--perceptual-weight",
            "1",
            "--arch",
            "conv",
            "--beta",
            "2",
        ]);
        assert_eq!(refused.ignored_on_resume(), ["--arch", "--lr", "--perceptual-weight", "--beta"]);
        // A flag typed with its default value is still a flag the run would ignore.
        assert_eq!(train(&["--resume", "run", "--out", "more", "--seed", "42"]).ignored_on_resume(), ["--seed"]);
        // The data, the device, the LPIPS file, the epochs and the folders are the continued run's.
        let used = train(&[
            "--resume",
            "run",
            "--out",
            "more",
            "--epochs",
            "20",
            "--device",
            "cpu",
            "--data",
            "/pictures",
            "--image-size",
            "64",
            "--lpips-weights",
            "alex.pth",
        ]);
        assert!(used.ignored_on_resume().is_empty(), "{:?}", used.ignored_on_resume());
        // Without --resume every flag is the new run's.
        assert!(train(&["--out", "run", "--lr", "0.01"]).ignored_on_resume().is_empty());
    }
}
