//! `vae-explorer train`: train without a window, print one line per epoch, save the model at each.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use burn::module::Module;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::TrainArgs;
use super::lpips_metric::lpips_for_training;
use crate::checkpoint::{self, CheckpointError, CheckpointInfo, SaveTarget};
use crate::device::DevicePicker;
use crate::model::Vae;
use crate::training::{
    Control, EpochReport, LPIPS_IMAGES, LossChoice, QualityReport, StepReport, Trainer, TrainingConfig,
    TrainingObserver, heldout_lpips_of_first, heldout_quality,
};

/// What `metrics.json` holds.
#[derive(Debug, Serialize)]
struct Metrics<'a> {
    device: &'a str,
    dataset: &'a str,
    images_per_sec: f64,
    /// Wall time of this run: loading, training, evaluating and saving.
    wall_secs: f64,
    /// Every epoch of the model, each with its held-out quality (`quality`).
    epochs: &'a [EpochReport],
    #[serde(rename = "final")]
    final_metrics: FinalMetrics,
}

#[derive(Debug, Serialize)]
struct FinalMetrics {
    heldout_neg_elbo_nats: f64,
    heldout_recon_nats: f64,
    heldout_kl_nats: f64,
    train_neg_elbo_nats: f64,
    /// σ (MSE) or b (L1) the run learned, in pixel units (absent for a fixed scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    learned_scale: Option<f64>,
    /// Held-out image quality and latent usage of the final model (absent after a divergence).
    #[serde(skip_serializing_if = "Option::is_none")]
    heldout_mse: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heldout_psnr_db: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    heldout_ssim: Option<f64>,
    /// Mean LPIPS of the first held-out images; null without the weights (written, so that its
    /// absence is seen).
    heldout_lpips: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active_units: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kl_per_dim: Option<Vec<f64>>,
}

/// Checks `config`, naming what --loss auto chose for pictures of `channels` channels where that
/// is what does not fit.
fn validate_for(args: &TrainArgs, config: &TrainingConfig, channels: usize) -> Result<()> {
    config.validate().map_err(|error| match args.loss {
        LossChoice::Auto => {
            let pictures = if channels >= 3 { "colour" } else { "grey" };
            anyhow::anyhow!("{error}; --loss auto picks {} for {pictures} pictures", config.loss.name())
        }
        LossChoice::Chosen(_) => anyhow::Error::msg(error),
    })
}

/// Runs `vae-explorer train`.
///
/// Checks the numbers and the `--out` folder before anything is trained, saves a checkpoint at
/// every epoch end, and stops at the first non-finite loss with an error that keeps the last good
/// checkpoint in `--out`.
pub fn run_train(args: &TrainArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let ignored = args.ignored_on_resume();
    if !ignored.is_empty() {
        anyhow::bail!(
            "{} cannot change a continued run: --resume keeps the model and recipe its checkpoint was trained \
             with; leave {} out, or train a new model without --resume",
            ignored.join(", "),
            if ignored.len() == 1 { "it" } else { "them" },
        );
    }
    // Checked before the data is read, with the channels the flags give (else colour, the most
    // permissive reading for --loss auto), and again below with the data's own channels.
    let channels = args.input.declared_channels();
    validate_for(args, &args.training_config(channels.unwrap_or(3)), channels.unwrap_or(3))?;
    if args.model.recipe.perceptual_weight > 0.0 && args.resume.is_none() {
        // Refused before any data is read.
        crate::lpips::locate(args.model.recipe.lpips_weights.as_deref())
            .map_err(|error| anyhow::anyhow!("--perceptual-weight needs LPIPS: {error}"))?;
    }
    let (target, _out_lock) =
        checkpoint::claim_save_target(&args.out, "train").context("cannot save into the --out folder")?;
    let resumed = args.resume.as_deref().and_then(|dir| checkpoint::read_info(dir).ok());
    let dataset = Arc::new(args.input.open(resumed.as_ref())?);
    let mut config = args.training_config(dataset.train.channels);
    validate_for(args, &config, dataset.train.channels)?;
    config.model.image_height = dataset.train.height;
    config.model.image_width = dataset.train.width;
    config.model.channels = dataset.train.channels;
    if args.loss == LossChoice::Auto && args.resume.is_none() {
        let pictures = if dataset.train.channels >= 3 { "colour" } else { "grey" };
        let likelihood = match config.learned_scale() {
            Some(_) => format!("{} σ learned, from {}", config.loss.name(), config.likelihood_scale),
            None => config.describe_likelihood(),
        };
        eprintln!("--loss auto: {likelihood} for {pictures} pictures");
    }
    let (device, device_info) = DevicePicker::headless().pick(args.model.recipe.device).map_err(anyhow::Error::msg)?;
    eprintln!(
        "training on {} ({} train / {} held-out images of {}) on {}{}",
        dataset.name,
        dataset.train.len(),
        dataset.heldout.len(),
        dataset.train.shape(),
        device_info.name,
        device_info.fallback_reason.as_deref().map(|why| format!(" — {why}")).unwrap_or_default(),
    );
    let mut trainer = match &args.resume {
        Some(dir) => {
            let (model, info) =
                checkpoint::load(dir, &device).with_context(|| format!("cannot resume from {}", dir.display()))?;
            eprintln!("resuming after epoch {} of the model in {}", info.epochs_done, dir.display());
            Trainer::resume(&model, &info, args.epochs, Arc::clone(&dataset), &device)
        }
        None => Trainer::new(config, Arc::clone(&dataset), &device),
    }
    .map_err(anyhow::Error::msg)?;
    let weights = args.model.recipe.lpips_weights.as_deref();
    let lpips = lpips_for_training(weights, dataset.train.shape(), trainer.config().perceptual_weight)
        .map_err(anyhow::Error::msg)?;
    trainer.set_lpips(lpips.clone()).map_err(anyhow::Error::msg)?;
    let mut observer = ConsoleObserver::new(&args.out, trainer.checkpoint_info());
    let outcome = trainer.run(&mut observer);
    observer.progress.finish_and_clear();
    if let Some(error) = observer.save_error.take() {
        return Err(error).with_context(|| format!("cannot save the model into {}", args.out.display()));
    }
    let metrics_path = args.out.join("metrics.json");
    let run = RunSummary {
        device: &device_info.name,
        dataset: &dataset.name,
        train_images: dataset.train.len(),
        reports: &observer.saved,
        started,
    };
    match outcome {
        Ok(_) => {
            let mut quality = heldout_quality(&trainer.model().valid(), &dataset.heldout);
            quality.lpips = lpips.and_then(|lpips| {
                heldout_lpips_of_first(&trainer.model().valid(), &dataset.heldout, &lpips, LPIPS_IMAGES).ok().flatten()
            });
            let Some(metrics) = run.metrics(trainer.history(), Some(quality)) else {
                bail!("training ended before its first epoch")
            };
            checkpoint::write_atomically(&metrics_path, &serde_json::to_vec_pretty(&metrics)?)?;
            println!("saved the model and {} ({:.0} images/s)", metrics_path.display(), metrics.images_per_sec);
            if trainer.config().learned_scale().is_some() {
                println!("likelihood: {}", trainer.config().describe_likelihood());
            }
            Ok(())
        }
        Err(diverged) => {
            let kept = match (observer.saved.last(), &target) {
                (Some(last), _) => format!("{} keeps the checkpoint of epoch {}", args.out.display(), last.epoch),
                (None, SaveTarget::Checkpoint(info)) => {
                    format!("{} keeps the model it held (epoch {})", args.out.display(), info.epochs_done)
                }
                (None, SaveTarget::Empty) => "nothing was saved".to_string(),
            };
            if let Some(metrics) = run.metrics(&observer.info.history, None).filter(|_| !observer.saved.is_empty()) {
                checkpoint::write_atomically(&metrics_path, &serde_json::to_vec_pretty(&metrics)?)?;
            }
            bail!("{diverged}; {kept}")
        }
    }
}

/// What the epochs of this run measured, for `metrics.json`.
struct RunSummary<'a> {
    device: &'a str,
    dataset: &'a str,
    /// Training images, seen once per epoch.
    train_images: usize,
    /// Epochs finished (and saved) in this run.
    reports: &'a [EpochReport],
    /// When the run began.
    started: std::time::Instant,
}

impl<'a> RunSummary<'a> {
    /// The metrics of this run with the model's whole `history`; `None` before any epoch ended.
    fn metrics(&self, history: &'a [EpochReport], quality: Option<QualityReport>) -> Option<Metrics<'a>> {
        let last = history.last()?;
        let train_secs: f64 = self.reports.iter().map(|report| report.train_secs).sum();
        let trained_images = self.train_images.saturating_mul(self.reports.len()) as f64;
        Some(Metrics {
            device: self.device,
            dataset: self.dataset,
            images_per_sec: trained_images / train_secs.max(1e-9),
            wall_secs: self.started.elapsed().as_secs_f64(),
            epochs: history,
            final_metrics: FinalMetrics {
                heldout_neg_elbo_nats: last.heldout.neg_elbo_nats(),
                heldout_recon_nats: last.heldout.reconstruction_nats,
                heldout_kl_nats: last.heldout.kl_nats,
                train_neg_elbo_nats: last.train.neg_elbo_nats(),
                learned_scale: last.learned_scale,
                heldout_mse: quality.as_ref().map(|quality| quality.mse),
                heldout_psnr_db: quality.as_ref().map(|quality| quality.psnr_db),
                heldout_ssim: quality.as_ref().and_then(|quality| quality.ssim),
                heldout_lpips: quality.as_ref().and_then(|quality| quality.lpips),
                active_units: quality.as_ref().map(|quality| quality.active_units),
                kl_per_dim: quality.map(|quality| quality.kl_per_dim_nats),
            },
        })
    }
}

/// Draws a progress bar per epoch, saves a checkpoint and prints a line when each ends.
struct ConsoleObserver {
    progress: ProgressBar,
    /// The checkpoint folder.
    out: PathBuf,
    /// The description of the next checkpoint, kept up to date from the reports.
    info: CheckpointInfo,
    /// Epochs of this run whose checkpoint is saved.
    saved: Vec<EpochReport>,
    /// Why the last save failed; the run stops at the first failure.
    save_error: Option<CheckpointError>,
}

impl ConsoleObserver {
    fn new(out: &Path, info: CheckpointInfo) -> Self {
        let progress = ProgressBar::new(0);
        progress.set_style(
            ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} steps, {msg} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Self { progress, out: out.to_path_buf(), info, saved: Vec::new(), save_error: None }
    }
}

impl TrainingObserver for ConsoleObserver {
    fn on_epoch_kl_per_dim(&mut self, kl_per_dim_nats: &[f64]) {
        self.info.kl_per_dim_nats = kl_per_dim_nats.to_vec();
    }

    fn on_step(&mut self, report: &StepReport, _model: &Vae) -> Control {
        if report.step == 1 {
            self.progress.reset();
            self.progress.set_length(report.steps_per_epoch as u64);
            self.progress.set_prefix(report.epoch.to_string());
        }
        self.progress.set_position(report.step as u64);
        self.progress.set_message(format!(
            "loss {:.1} nats, {:.0} images/s",
            report.loss.neg_elbo_nats(),
            report.images_per_sec
        ));
        Control::Continue
    }

    fn on_epoch(&mut self, report: &EpochReport, model: &Vae) -> Control {
        self.info.record_epoch(report);
        if let Err(error) = checkpoint::save(&self.out, &model.valid(), &self.info) {
            self.save_error = Some(error);
            return Control::Stop;
        }
        self.saved.push(*report);
        let line = format!(
            "epoch {:>3}  train −ELBO {:>7.2} (recon {:>7.2}, KL {:>5.2})  held-out −ELBO {:>7.2} (recon {:>7.2}, KL {:>5.2})  {:>6.0} images/s",
            report.epoch,
            report.train.neg_elbo_nats(),
            report.train.reconstruction_nats,
            report.train.kl_nats,
            report.heldout.neg_elbo_nats(),
            report.heldout.reconstruction_nats,
            report.heldout.kl_nats,
            report.images_per_sec,
        );
        let quality = report.quality.map(|quality| {
            let ssim = quality.ssim.map_or_else(|| "n/a".to_string(), |ssim| format!("{ssim:.3}"));
            let lpips = quality.lpips.map(|lpips| format!(", LPIPS {lpips:.3}")).unwrap_or_default();
            format!("  PSNR {:.2} dB, SSIM {ssim}{lpips}, {} active", quality.psnr_db, quality.active_units)
        });
        let line = format!("{line}{}", quality.unwrap_or_default());
        self.progress.suspend(|| println!("{line}"));
        Control::Continue
    }
}
