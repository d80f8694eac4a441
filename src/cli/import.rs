//! `vae-explorer import`: weights trained elsewhere (PyTorch `.pt`/`.pth`, safetensors) read into
//! one of our architectures and saved as a normal model folder, which opens in the window and
//! trains on.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use burn::prelude::*;
use clap::Args;

use super::ConvArgs;
use crate::checkpoint::{self, CheckpointInfo, SaveTarget};
use crate::data::{check_channels, check_image_size};
use crate::display_name::escaped_path;
use crate::image_shape::ImageShape;
use crate::interop::{ImportOptions, KeyRename, import_weights_reported, listed};
use crate::model::{Architecture, ReconstructionLoss, VaeConfig};
use crate::training::TrainingConfig;

/// `vae-explorer import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The weights: a PyTorch file (.pt, .pth, .bin, from `torch.save(model.state_dict())`) or a
    /// safetensors file, named and shaped as the PyTorch modules in scripts/torch_modules.py.
    #[arg(long, value_name = "FILE")]
    pub weights: PathBuf,
    /// The architecture the weights belong to.
    #[arg(long = "arch", value_enum, default_value_t = Architecture::Mlp)]
    pub architecture: Architecture,
    /// Size of the latent space (1 to 64).
    #[arg(long, default_value_t = 2)]
    pub latent_dim: usize,
    /// Side of the square images the model reads and writes, in pixels (4 to 256).
    #[arg(long, value_name = "PX", default_value_t = 28)]
    pub image_size: usize,
    /// 1 (grey) or 3 (colour).
    #[arg(long, value_name = "1|3", default_value_t = 1)]
    pub channels: usize,
    /// The image as channels, height and width, for images that are not square (e.g. `1,18,20`);
    /// instead of --image-size and --channels.
    #[arg(long, value_name = "C,H,W", value_parser = super::source_args::parse_image_shape, conflicts_with_all = ["image_size", "channels"])]
    pub image_shape: Option<ImageShape>,
    /// Width and depth of the conv architecture.
    #[command(flatten)]
    pub conv: ConvArgs,
    /// The reconstruction loss training goes on with (Continue training).
    #[arg(long, value_enum, default_value_t = ReconstructionLoss::Bce)]
    pub loss: ReconstructionLoss,
    /// PyTorch files only: the key of the saved dictionary that holds the state dict (e.g.
    /// `state_dict` or `model` for `torch.save({"model": model.state_dict(), …})`).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Renames a tensor before it is matched: a regular expression and its replacement (`$1` for a
    /// group), e.g. `--rename '^enc\.=encoder.'`; repeatable, applied in order after the prefixes
    /// `module.` and `_orig_mod.` (DataParallel, torch.compile) are removed.
    #[arg(long = "rename", value_name = "FROM=TO")]
    pub renames: Vec<KeyRename>,
    /// Accept tensors of the file that no parameter of ours takes (they are listed), instead of
    /// refusing the file. BatchNorm's `num_batches_tracked` counters are always set aside.
    #[arg(long)]
    pub allow_unused: bool,
    /// The model folder to write (created if missing; must be empty).
    #[arg(long)]
    pub out: PathBuf,
}

impl ImportArgs {
    /// The training configuration the imported model is saved with (and trains on with).
    pub fn training_config(&self) -> TrainingConfig {
        let shape = self.shape();
        let model = VaeConfig::new()
            .with_architecture(self.architecture)
            .with_latent_dim(self.latent_dim)
            .with_image_height(shape.height)
            .with_image_width(shape.width)
            .with_channels(shape.channels);
        TrainingConfig { model: self.conv.apply(model), loss: self.loss, ..TrainingConfig::default() }
    }
}

impl ImportArgs {
    /// The image the weights read and write: `--image-shape`, else square `--image-size` pixels
    /// of `--channels`.
    pub fn shape(&self) -> ImageShape {
        self.image_shape.unwrap_or(ImageShape {
            channels: self.channels,
            height: self.image_size,
            width: self.image_size,
        })
    }
}

/// Runs `vae-explorer import`.
pub fn run_import(args: &ImportArgs) -> Result<()> {
    let shape = args.shape();
    for side in [shape.height, shape.width] {
        check_image_size(side).map_err(anyhow::Error::msg)?;
    }
    check_channels(shape.channels).map_err(anyhow::Error::msg)?;
    let training = args.training_config();
    training.model.validate().map_err(anyhow::Error::msg)?;
    let (target, _lock) =
        checkpoint::claim_save_target(&args.out, "import").context("cannot save into the --out folder")?;
    if let SaveTarget::Checkpoint(_) = target {
        bail!("{} already holds a model; choose an empty or new folder for the imported one", escaped_path(&args.out));
    }
    let options = ImportOptions {
        top_level_key: args.key.clone(),
        renames: args.renames.clone(),
        allow_unused: args.allow_unused,
    };
    let (model, report) = import_weights_reported(&args.weights, &training.model, &options, &Device::flex())?;
    if !report.ignored.is_empty() {
        println!(
            "set aside {} tensors of the file that no weight takes: {}",
            report.ignored.len(),
            listed(&report.ignored)
        );
    }
    let file_name = args.weights.file_name().map(crate::display_name::escaped).unwrap_or_default();
    let info = CheckpointInfo::untrained(training, &format!("imported from {file_name}"));
    checkpoint::save(&args.out, &model, &info).context("cannot save the imported model")?;
    println!(
        "imported {} into a {} VAE ({} latent dimensions, {}×{}×{}) in {}",
        escaped_path(&args.weights),
        args.architecture.name(),
        args.latent_dim,
        shape.channels,
        shape.height,
        shape.width,
        escaped_path(&args.out)
    );
    Ok(())
}
