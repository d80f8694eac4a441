//! `vae-explorer train`: train without a window, print one line per epoch, save the model.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use burn::module::Module;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::TrainArgs;
use crate::checkpoint;
use crate::device::DevicePicker;
use crate::model::Vae;
use crate::training::{Control, EpochReport, StepReport, Trainer, TrainingObserver};

/// What `metrics.json` holds.
#[derive(Debug, Serialize)]
struct Metrics<'a> {
    device: &'a str,
    dataset: &'a str,
    images_per_sec: f64,
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
}

/// Runs `vae-explorer train`.
pub fn run_train(args: &TrainArgs) -> Result<()> {
    let source = args.data_source();
    let dataset = Arc::new(source.load().context("cannot load the training data")?);
    let mut config = args.training_config();
    config.model.image_height = dataset.train.height;
    config.model.image_width = dataset.train.width;
    let (device, device_info) = DevicePicker::default().pick(args.model.device).map_err(anyhow::Error::msg)?;
    eprintln!(
        "training on {} ({} train / {} held-out images of {}×{}) on {}{}",
        dataset.name,
        dataset.train.len(),
        dataset.heldout.len(),
        dataset.train.height,
        dataset.train.width,
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
    let mut observer = ConsoleObserver::new();
    let reports = trainer.run(&mut observer);
    observer.progress.finish_and_clear();
    let Some(last) = trainer.history().last().copied() else { bail!("training ended before its first epoch") };

    let info = trainer.checkpoint_info();
    checkpoint::save(&args.out, &trainer.model().valid(), &info)
        .with_context(|| format!("cannot save the model into {}", args.out.display()))?;
    let train_secs: f64 = reports.iter().map(|report| report.train_secs).sum();
    let trained_images = (dataset.train.len() * reports.len()) as f64;
    let metrics = Metrics {
        device: &device_info.name,
        dataset: &dataset.name,
        images_per_sec: trained_images / train_secs.max(1e-9),
        epochs: trainer.history(),
        final_metrics: FinalMetrics {
            heldout_neg_elbo_nats: last.heldout.neg_elbo_nats(),
            heldout_recon_nats: last.heldout.reconstruction_nats,
            heldout_kl_nats: last.heldout.kl_nats,
            train_neg_elbo_nats: last.train.neg_elbo_nats(),
        },
    };
    let metrics_path = args.out.join("metrics.json");
    checkpoint::write_atomically(&metrics_path, &serde_json::to_vec_pretty(&metrics)?)?;
    println!("saved the model and {} ({:.0} images/s)", metrics_path.display(), metrics.images_per_sec);
    Ok(())
}

/// Draws a progress bar per epoch and prints a line when each ends.
struct ConsoleObserver {
    progress: ProgressBar,
}

impl ConsoleObserver {
    fn new() -> Self {
        let progress = ProgressBar::new(0);
        progress.set_style(
            ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} steps, {msg} (ETA {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Self { progress }
    }
}

impl TrainingObserver for ConsoleObserver {
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

    fn on_epoch(&mut self, report: &EpochReport, _model: &Vae) -> Control {
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
        self.progress.suspend(|| println!("{line}"));
        Control::Continue
    }
}
