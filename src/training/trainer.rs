//! The training loop: shuffled batches, Adam steps, per-step and per-epoch reports.

use std::sync::Arc;
use std::time::Instant;

use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::adam::Adam;
use super::divergence::ExplosionLimit;
use super::evaluate::evaluate;
use super::heldout_lpips::{LPIPS_IMAGES_PER_EPOCH, heldout_lpips_of_first};
use super::heldout_quality::heldout_quality_of_first;
use super::schedule::resume_warmup_factor;
use super::sharded_step::{BatchGradients, ShardedStep};
use super::{Diverged, EpochReport, LossAccumulator, MAX_GLOBAL_STEP, PerceptualTerm, StepReport, TrainingConfig};
use crate::checkpoint::{CheckpointInfo, FORMAT_VERSION};
use crate::data::Dataset;
use crate::lpips::Lpips;
use crate::model::Vae;

/// Held-out images whose quality (MSE, PSNR, SSIM, active units, KL per dimension) is measured
/// at every epoch end: the first ones of the held-out set. All 999 of the bundled digits.
pub const QUALITY_IMAGES_PER_EPOCH: usize = 1000;

/// What an observer tells the loop after each report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on training.
    Continue,
    /// Stop now; the model keeps the steps taken so far.
    Stop,
}

/// Receives reports while training runs, and may stop it.
pub trait TrainingObserver {
    /// Called after every step.
    fn on_step(&mut self, report: &StepReport, model: &Vae) -> Control;
    /// Called after every epoch, once the held-out loss is known.
    fn on_epoch(&mut self, report: &EpochReport, model: &Vae) -> Control;
    /// Called just before [`Self::on_epoch`] with the epoch's held-out KL of each latent
    /// dimension, in nats (kept out of the report, which is of fixed size).
    fn on_epoch_kl_per_dim(&mut self, _kl_per_dim_nats: &[f64]) {}
}

/// Owns the model and optimizer of one training run.
pub struct Trainer {
    config: TrainingConfig,
    dataset: Arc<Dataset>,
    device: Device,
    /// The model; `None` only during an optimizer step, which takes the only copy so that it can
    /// update the weights where they lie.
    model: Option<Vae>,
    optimizer: Adam,
    /// Threads a batch's gradient is split over.
    shards: usize,
    epochs_done: usize,
    /// The epochs the model had done when this run resumed it (`None`: a fresh model): its rate
    /// rises again from 0 over [`RESUME_WARMUP_EPOCHS`](super::RESUME_WARMUP_EPOCHS), since Adam
    /// starts afresh.
    resumed_after: Option<usize>,
    global_step: usize,
    history: Vec<EpochReport>,
    /// Held-out KL of each latent dimension at the last epoch end, in nats.
    kl_per_dim_nats: Vec<f64>,
    /// Where the run started: a finite loss far above it is a divergence. From the model's first epoch
    /// (the larger of its training and held-out −ELBO) when resumed, else from this run's first step.
    explosion_limit: Option<ExplosionLimit>,
    /// The LPIPS network measured at every epoch end (on the CPU device); `None`: not measured.
    lpips: Option<Lpips>,
    /// The LPIPS term of the objective, on the training device (with a perceptual weight above 0).
    perceptual: Option<PerceptualTerm>,
}

impl Trainer {
    /// A trainer for a fresh model. `device` is a plain device; autodiff is added here.
    pub fn new(config: TrainingConfig, dataset: Arc<Dataset>, device: &Device) -> Result<Self, String> {
        config.validate()?;
        check_shape(&config, &dataset)?;
        device.seed(config.seed);
        let model = config.model.init(&device.clone().autodiff());
        Ok(Self::with_model(config, dataset, device, model, 0, 0, Vec::new()))
    }

    /// A trainer that continues a saved model until `total_epochs` epochs are done.
    ///
    /// The epoch count, step count and history go on from `info`; Adam starts afresh, so the
    /// learning rate rises again from 0 over the first
    /// [`RESUME_WARMUP_EPOCHS`](super::RESUME_WARMUP_EPOCHS) of this run.
    pub fn resume(
        model: &Vae,
        info: &CheckpointInfo,
        total_epochs: usize,
        dataset: Arc<Dataset>,
        device: &Device,
    ) -> Result<Self, String> {
        let config = TrainingConfig { epochs: total_epochs, ..info.training.clone() };
        config.validate()?;
        check_shape(&config, &dataset)?;
        if total_epochs <= info.epochs_done {
            return Err(format!(
                "the model has already trained {} epochs: ask for more than that to continue",
                info.epochs_done
            ));
        }
        if info.global_step > MAX_GLOBAL_STEP {
            return Err(format!(
                "the model claims {} steps done, more than {MAX_GLOBAL_STEP}: its description is damaged",
                info.global_step
            ));
        }
        device.seed(config.seed ^ info.global_step as u64);
        let model = model.clone().fork(&device.clone().autodiff()).train();
        let (epochs_done, global_step, history) = (info.epochs_done, info.global_step, info.history.clone());
        let mut trainer = Self::with_model(config, dataset, device, model, epochs_done, global_step, history);
        trainer.kl_per_dim_nats = info.kl_per_dim_nats.clone();
        trainer.resumed_after = Some(epochs_done);
        Ok(trainer)
    }

    /// A trainer for `model` (on `device` with autodiff) with a fresh Adam.
    fn with_model(
        config: TrainingConfig,
        dataset: Arc<Dataset>,
        device: &Device,
        model: Vae,
        epochs_done: usize,
        global_step: usize,
        history: Vec<EpochReport>,
    ) -> Self {
        let shards = ShardedStep::shard_count(device);
        let optimizer = Adam::for_device(device);
        let device = device.clone().autodiff();
        let kl_per_dim_nats = Vec::new();
        let model = Some(model);
        let explosion_limit = history
            .first()
            .map(|first| ExplosionLimit { start_nats: first.train.neg_elbo_nats().max(first.heldout.neg_elbo_nats()) });
        Self {
            config,
            dataset,
            device,
            model,
            optimizer,
            shards,
            epochs_done,
            resumed_after: None,
            global_step,
            history,
            kl_per_dim_nats,
            explosion_limit,
            lpips: None,
            perceptual: None,
        }
    }

    /// Measures LPIPS with `lpips` at every epoch end from now on (`None`: not measured), and
    /// trains with its term when the configuration's perceptual weight is above 0, which needs it:
    /// `Err` with the one line to show when it is missing.
    pub fn set_lpips(&mut self, lpips: Option<Lpips>) -> Result<(), String> {
        let weight = self.config.perceptual_weight;
        self.perceptual = match (&lpips, weight > 0.0) {
            (_, false) => None,
            (Some(lpips), true) => {
                let shape = self.config.model.image_shape();
                Lpips::check_shape(shape).map_err(|error| format!("the perceptual weight needs LPIPS: {error}"))?;
                Some(PerceptualTerm::new(lpips.network(), weight, shape, &self.device))
            }
            (None, true) => {
                return Err(format!(
                    "the perceptual weight {weight} needs the LPIPS weights: run scripts/fetch_lpips.sh"
                ));
            }
        };
        self.lpips = lpips;
        Ok(())
    }

    /// The description a checkpoint of the current state carries.
    pub fn checkpoint_info(&self) -> CheckpointInfo {
        CheckpointInfo {
            format_version: FORMAT_VERSION,
            training: self.config.clone(),
            dataset: self.dataset.name.clone(),
            epochs_done: self.epochs_done,
            global_step: self.global_step,
            history: self.history.clone(),
            kl_per_dim_nats: self.kl_per_dim_nats.clone(),
            weights_file: String::new(),
            preprocessing: self.dataset.preprocessing,
        }
    }

    /// Every completed epoch's report, resumed runs included.
    pub fn history(&self) -> &[EpochReport] {
        &self.history
    }

    /// The model being trained.
    pub fn model(&self) -> &Vae {
        self.model.as_ref().expect("the optimizer step gives the model back")
    }

    /// The training configuration.
    pub fn config(&self) -> &TrainingConfig {
        &self.config
    }

    /// Epochs completed so far.
    pub fn epochs_done(&self) -> usize {
        self.epochs_done
    }

    /// Steps completed so far.
    pub fn global_step(&self) -> usize {
        self.global_step
    }

    /// Adam's learning rate at a fractional epoch position (0.0 = start of the model's training):
    /// the configuration's schedule, and on a resumed run its rise over the first
    /// [`RESUME_WARMUP_EPOCHS`](super::RESUME_WARMUP_EPOCHS).
    pub fn learning_rate_at(&self, epoch_position: f64) -> f64 {
        let rewarm = self.resumed_after.map_or(1.0, |epochs| resume_warmup_factor(epochs, epoch_position));
        self.config.learning_rate_at(epoch_position) * rewarm
    }

    /// Trains until `config.epochs` epochs are done or the observer says stop.
    ///
    /// Returns the reports of the epochs completed in this call, or where the run diverged: at
    /// the first step whose loss is not finite (before that step changes the weights), or at an
    /// epoch end whose held-out loss or weights are not finite. Observers see only finished
    /// epochs with finite losses and weights; the epoch that diverged is not counted.
    pub fn run(&mut self, observer: &mut dyn TrainingObserver) -> Result<Vec<EpochReport>, Diverged> {
        let mut reports = Vec::new();
        while self.epochs_done < self.config.epochs {
            let Some(report) = self.run_epoch(observer)? else { break };
            reports.push(report);
            self.history.push(report);
            observer.on_epoch_kl_per_dim(&self.kl_per_dim_nats);
            if observer.on_epoch(&report, self.model()) == Control::Stop {
                break;
            }
        }
        Ok(reports)
    }

    /// One pass over the shuffled training images, then the held-out evaluation.
    ///
    /// Returns `None` when the observer stopped it part-way.
    fn run_epoch(&mut self, observer: &mut dyn TrainingObserver) -> Result<Option<EpochReport>, Diverged> {
        let train = &self.dataset.train;
        let batch_size = self.config.batch_size.min(train.len());
        let mut order: Vec<usize> = (0..train.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(self.config.seed ^ (self.epochs_done as u64).wrapping_add(1)));
        let batches: Vec<&[usize]> = order.chunks(batch_size).collect();
        let steps_per_epoch = batches.len();
        let epoch = self.epochs_done.saturating_add(1);

        let mut accumulator = LossAccumulator::default();
        let started = Instant::now();
        for (index, batch) in batches.into_iter().enumerate() {
            let step = ShardedStep {
                shards: self.shards,
                latent_dim: self.config.model.latent_dim,
                loss: self.config.likelihood(),
                kl_weight: self.config.kl_weight(self.epochs_done as f64 + index as f64 / steps_per_epoch as f64),
                keep_weight_factors: self.optimizer.takes_weight_factors(),
                perceptual: self.perceptual.clone(),
            };
            let BatchGradients { gradients, loss } = step.gradients(self.model(), train, batch, &self.device);
            let place = (epoch, Some(index + 1));
            let limit = self.explosion_limit.as_ref();
            if let Some(diverged) = Diverged::of_loss(&self.config, place, "the training loss", &loss, limit) {
                return Err(diverged);
            }
            if self.explosion_limit.is_none() {
                self.explosion_limit = Some(ExplosionLimit { start_nats: loss.neg_elbo_nats() });
            }
            let learning_rate =
                self.learning_rate_at(self.epochs_done as f64 + (index as f64 + 0.5) / steps_per_epoch as f64);
            if let Some(model) = self.model.take() {
                self.model = Some(self.optimizer.step(learning_rate, model, gradients, &self.device));
            }
            self.global_step = self.global_step.saturating_add(1);
            self.config.learn_scale_from(loss.reconstruction_nats);

            accumulator.add(loss, batch.len());
            let seconds = started.elapsed().as_secs_f64().max(1e-9);
            let report = StepReport {
                epoch,
                step: index + 1,
                steps_per_epoch,
                global_step: self.global_step,
                loss,
                images_per_sec: ((index + 1) * batch_size) as f64 / seconds,
            };
            if observer.on_step(&report, self.model()) == Control::Stop {
                return Ok(None);
            }
        }
        let train_secs = started.elapsed().as_secs_f64();
        let train_images = train.len();
        let heldout = evaluate(&self.model().valid(), &self.dataset.heldout, self.config.likelihood());
        let limit = self.explosion_limit.as_ref();
        if let Some(diverged) = Diverged::of_loss(&self.config, (epoch, None), "the held-out loss", &heldout, limit) {
            return Err(diverged);
        }
        if !self.model().is_finite() {
            return Err(Diverged::new(&self.config, epoch, None, "a weight", f64::NAN));
        }
        let quality = self.measure_quality();
        self.epochs_done = epoch;
        Ok(Some(EpochReport {
            epoch,
            global_step: self.global_step,
            train: accumulator.mean(),
            heldout,
            images_per_sec: train_images as f64 / train_secs.max(1e-9),
            train_secs,
            quality,
            learned_scale: self.config.learned_scale(),
        }))
    }

    /// Held-out quality of the model now, on the first [`QUALITY_IMAGES_PER_EPOCH`] held-out
    /// images; keeps its KL per dimension. `None` when a figure is not finite.
    fn measure_quality(&mut self) -> Option<super::EpochQuality> {
        let started = Instant::now();
        let heldout = &self.dataset.heldout;
        let report = heldout_quality_of_first(&self.model().valid(), heldout, QUALITY_IMAGES_PER_EPOCH);
        let mut quality = report.epoch_quality(heldout.len().min(QUALITY_IMAGES_PER_EPOCH));
        if let Some(lpips) = &self.lpips {
            // A shape LPIPS does not take was refused before training began.
            let images = LPIPS_IMAGES_PER_EPOCH;
            quality.lpips = heldout_lpips_of_first(&self.model().valid(), heldout, lpips, images).ok().flatten();
        }
        quality.measure_secs = started.elapsed().as_secs_f64();
        let kl_is_finite = report.kl_per_dim_nats.iter().all(|nats| nats.is_finite());
        self.kl_per_dim_nats = if kl_is_finite { report.kl_per_dim_nats } else { Vec::new() };
        quality.is_finite().then_some(quality)
    }
}

fn check_shape(config: &TrainingConfig, dataset: &Dataset) -> Result<(), String> {
    let (data_shape, model_shape) = (dataset.train.shape(), config.model.image_shape());
    if data_shape != model_shape {
        return Err(format!("the model expects {model_shape} images but {} holds {data_shape} images", dataset.name));
    }
    if dataset.train.is_empty() || dataset.heldout.is_empty() {
        return Err(format!("{} has no training or no held-out images", dataset.name));
    }
    super::check_training_memory(config, dataset.train.len()).map_err(|error| error.to_string())
}
