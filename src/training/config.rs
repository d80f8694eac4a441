//! Training hyper-parameters, with the defaults of the issue and the command line.

use serde::{Deserialize, Serialize};

use super::LrSchedule;
use super::limits::{BATCH_SIZE, BETA, EPOCHS, KL_WARMUP_EPOCHS, PERCEPTUAL_WEIGHT};
use crate::model::{
    Likelihood, MAX_LIKELIHOOD_SCALE, MIN_LIKELIHOOD_SCALE, MS_SSIM_MIN_SIDE_PX, ReconstructionLoss, ScaleFit,
    VaeConfig,
};

/// Most epochs a run may ask for (and a checkpoint may have done): the end of [`EPOCHS`].
pub const MAX_EPOCHS: usize = *EPOCHS.end();
/// Most optimizer steps a run may have taken (2^53: exact in every JSON reader).
pub const MAX_GLOBAL_STEP: usize = 1 << 53;
/// Largest KL weight β accepted: the end of [`BETA`].
pub const MAX_BETA: f64 = *BETA.end();
/// Largest batch size accepted: the end of [`BATCH_SIZE`].
pub const MAX_BATCH_SIZE: usize = *BATCH_SIZE.end();
/// σ (MSE) or b (L1) of a new run, in pixel units.
pub const DEFAULT_LIKELIHOOD_SCALE: f64 = 0.1;

/// Everything that decides how a VAE is trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingConfig {
    /// The model to train.
    pub model: VaeConfig,
    /// Reconstruction term of the loss.
    pub loss: ReconstructionLoss,
    /// σ of the Gaussian (MSE) or b of the Laplace (L1) likelihood, in pixel units ([0, 1]); BCE
    /// ignores it. Descriptions written before it existed read as the default. When learned, the
    /// scale reached so far (a new run starts from the value given).
    pub likelihood_scale: f64,
    /// Whether the scale stays as given or is learned from every batch (MSE and L1 only).
    /// Descriptions written before it existed read as fixed, as those models were trained.
    pub scale_fit: ScaleFit,
    /// Weight of the KL term (β-VAE); 1 is the plain ELBO.
    pub beta: f64,
    /// Weight W of the LPIPS term added to each image's reconstruction loss in the training
    /// objective: W · LPIPS(x, x̂) · values per image (see `perceptual_term.rs`); 0: none.
    /// Descriptions written before it existed read as 0, as those models were trained.
    pub perceptual_weight: f64,
    /// Epochs over which β ramps up linearly from 0; 0 disables warm-up.
    pub kl_warmup_epochs: usize,
    /// Adam's learning rate (the peak of the schedule).
    pub learning_rate: f64,
    /// How the learning rate moves over the run. Descriptions written before schedules existed
    /// lack it and read as `Constant`, which is how those models were trained.
    #[serde(default = "LrSchedule::constant")]
    pub lr_schedule: LrSchedule,
    /// Images per step.
    pub batch_size: usize,
    /// Epochs to train in total (a resumed run counts the epochs already done).
    pub epochs: usize,
    /// Seed for weights, batch order and sampling.
    pub seed: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            model: VaeConfig::new(),
            loss: ReconstructionLoss::Bce,
            likelihood_scale: DEFAULT_LIKELIHOOD_SCALE,
            scale_fit: ScaleFit::Fixed,
            beta: 1.0,
            perceptual_weight: 0.0,
            kl_warmup_epochs: 0,
            // The default recipe (README, "Default recipe"): against a constant 1e-3 at batch 128
            // it ends 10 epochs on the bundled digits with a lower held-out −ELBO.
            learning_rate: 3e-3,
            lr_schedule: LrSchedule::recipe(),
            batch_size: 64,
            epochs: 10,
            seed: 42,
        }
    }
}

impl TrainingConfig {
    /// The decoder's likelihood: the reconstruction loss with its scale.
    pub fn likelihood(&self) -> Likelihood {
        Likelihood { loss: self.loss, scale: self.likelihood_scale, shape: self.model.image_shape() }
    }

    /// After a batch whose mean reconstruction loss was `reconstruction_nats` per image: a learned
    /// scale moves to the one that maximises that batch's likelihood (a fixed one stays).
    pub fn learn_scale_from(&mut self, reconstruction_nats: f64) {
        if self.scale_fit != ScaleFit::Learned {
            return;
        }
        if let Some(fitted) = self.likelihood().fitted_scale(reconstruction_nats, self.model.image_shape().values()) {
            self.likelihood_scale = fitted;
        }
    }

    /// The scale reached so far when it is learned (MSE or L1), else `None`.
    pub fn learned_scale(&self) -> Option<f64> {
        let learns = self.scale_fit == ScaleFit::Learned && self.loss.has_scale();
        learns.then_some(self.likelihood_scale)
    }

    /// `"bce"`, `"mse σ=0.1"`, or `"mse σ learned (now 0.043)"`.
    pub fn describe_likelihood(&self) -> String {
        match (self.scale_fit, self.loss) {
            (ScaleFit::Learned, ReconstructionLoss::Mse) => format!("mse σ learned (now {:.4})", self.likelihood_scale),
            (ScaleFit::Learned, ReconstructionLoss::L1) => format!("l1 b learned (now {:.4})", self.likelihood_scale),
            _ => self.likelihood().describe(),
        }
    }

    /// Checks every field, with a message that says what to change.
    pub fn validate(&self) -> Result<(), String> {
        self.model.validate()?;
        let scale = self.likelihood_scale;
        if !(scale.is_finite() && (MIN_LIKELIHOOD_SCALE..=MAX_LIKELIHOOD_SCALE).contains(&scale)) {
            return Err(format!(
                "the likelihood scale (σ for mse, b for l1) must be a number from {MIN_LIKELIHOOD_SCALE} to \
                 {MAX_LIKELIHOOD_SCALE}, not {}",
                readable(scale)
            ));
        }
        if self.scale_fit == ScaleFit::Learned && !self.loss.has_scale() {
            return Err(format!(
                "a learned likelihood scale needs the mse or l1 loss ({} has no scale to learn)",
                self.loss.name()
            ));
        }
        let side = self.model.image_height.min(self.model.image_width);
        if self.loss == ReconstructionLoss::MsSsimL1 && side < MS_SSIM_MIN_SIDE_PX {
            return Err(format!(
                "the ms-ssim-l1 loss needs images of at least {MS_SSIM_MIN_SIDE_PX}×{MS_SSIM_MIN_SIDE_PX} pixels \
                 (its smallest Gaussian window), not {}×{}",
                self.model.image_height, self.model.image_width
            ));
        }
        if !(self.beta.is_finite() && BETA.contains(&self.beta)) {
            let (low, high) = BETA.into_inner();
            return Err(format!("β must be a number from {low} to {high}, not {}", readable(self.beta)));
        }
        if !(self.perceptual_weight.is_finite() && PERCEPTUAL_WEIGHT.contains(&self.perceptual_weight)) {
            let (low, high) = PERCEPTUAL_WEIGHT.into_inner();
            return Err(format!(
                "the perceptual weight must be a number from {low} to {high}, not {}",
                readable(self.perceptual_weight)
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate < 1.0) {
            return Err(format!("learning rate must be above 0 and below 1, not {}", readable(self.learning_rate)));
        }
        self.lr_schedule.validate()?;
        if !BATCH_SIZE.contains(&self.batch_size) {
            let (low, high) = BATCH_SIZE.into_inner();
            return Err(format!("batch size must be {low} to {high}, not {}", self.batch_size));
        }
        if !EPOCHS.contains(&self.epochs) {
            let (low, high) = EPOCHS.into_inner();
            return Err(format!("epochs must be {low} to {high}, not {}", self.epochs));
        }
        if !KL_WARMUP_EPOCHS.contains(&self.kl_warmup_epochs) {
            let (low, high) = KL_WARMUP_EPOCHS.into_inner();
            return Err(format!("KL warm-up must be {low} to {high} epochs, not {}", self.kl_warmup_epochs));
        }
        Ok(())
    }

    /// The KL weight at a fractional epoch position (0.0 = start of training).
    pub fn kl_weight(&self, epoch_position: f64) -> f64 {
        if self.kl_warmup_epochs == 0 {
            return self.beta;
        }
        self.beta * (epoch_position / self.kl_warmup_epochs as f64).clamp(0.0, 1.0)
    }

    /// Adam's learning rate at a fractional epoch position (0.0 = start of training): the
    /// configured rate shaped by the schedule over the run's `epochs`. A resumed run that asks for
    /// more epochs stretches the schedule to the new total.
    pub fn learning_rate_at(&self, epoch_position: f64) -> f64 {
        self.learning_rate * self.lr_schedule.factor(epoch_position, self.epochs)
    }
}

/// `value` as typed: plain for everyday magnitudes, scientific for huge or tiny ones (1e300 would
/// otherwise print 301 digits).
fn readable(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && magnitude.is_finite() && !(1e-4..1e6).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_weight_ramps_during_warmup() {
        let config = TrainingConfig { beta: 2.0, kl_warmup_epochs: 4, ..TrainingConfig::default() };
        assert_eq!(config.kl_weight(0.0), 0.0);
        assert_eq!(config.kl_weight(1.0), 0.5);
        assert_eq!(config.kl_weight(9.0), 2.0);
        assert_eq!(TrainingConfig::default().kl_weight(0.0), 1.0);
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let zero_batch = TrainingConfig { batch_size: 0, ..TrainingConfig::default() };
        assert!(zero_batch.validate().unwrap_err().contains("batch size"));
        let mut huge_latent = TrainingConfig::default();
        huge_latent.model.latent_dim = 65;
        assert!(huge_latent.validate().unwrap_err().contains("latent dimension"));
    }

    #[test]
    fn every_number_is_checked_against_its_range() {
        let default = TrainingConfig::default;
        let cases: [(TrainingConfig, &str); 18] = [
            (TrainingConfig { likelihood_scale: 0.0, ..default() }, "likelihood scale"),
            (TrainingConfig { likelihood_scale: f64::NAN, ..default() }, "likelihood scale"),
            (TrainingConfig { likelihood_scale: 11.0, ..default() }, "likelihood scale"),
            (TrainingConfig { beta: f64::NAN, ..default() }, "β"),
            (TrainingConfig { beta: 1e300, ..default() }, "β"),
            (TrainingConfig { beta: -1.0, ..default() }, "β"),
            (TrainingConfig { perceptual_weight: f64::NAN, ..default() }, "perceptual weight"),
            (TrainingConfig { perceptual_weight: -0.5, ..default() }, "perceptual weight"),
            (TrainingConfig { perceptual_weight: 1e300, ..default() }, "perceptual weight"),
            (TrainingConfig { learning_rate: f64::INFINITY, ..default() }, "learning rate"),
            (TrainingConfig { learning_rate: 0.0, ..default() }, "learning rate"),
            (TrainingConfig { learning_rate: 1.0, ..default() }, "learning rate"),
            (TrainingConfig { batch_size: MAX_BATCH_SIZE + 1, ..default() }, "batch size"),
            (TrainingConfig { epochs: 0, ..default() }, "epochs"),
            (TrainingConfig { epochs: usize::MAX, ..default() }, "epochs"),
            (TrainingConfig { kl_warmup_epochs: usize::MAX, ..default() }, "warm-up"),
            (TrainingConfig { model: VaeConfig::new().with_latent_dim(0), ..default() }, "latent dimension"),
            (TrainingConfig { model: VaeConfig::new().with_image_height(1 << 62), ..default() }, "too large"),
        ];
        for (config, field) in cases {
            let error = config.validate().expect_err("refused");
            assert!(error.contains(field), "{error} should name {field}");
        }
        let huge = TrainingConfig { beta: 1e300, ..default() }.validate().expect_err("refused");
        assert!(huge.ends_with("not 1e300"), "{huge}");
        let edges = TrainingConfig { beta: MAX_BETA, epochs: MAX_EPOCHS, batch_size: 1, ..default() };
        assert_eq!(edges.validate(), Ok(()));
    }

    #[test]
    fn the_schedule_is_validated_with_the_rest() {
        for (warmup_epochs, final_fraction) in [(f64::NAN, 0.0), (-0.5, 0.0), (1.0, 2.0), (1.0, f64::INFINITY)] {
            let config = TrainingConfig {
                lr_schedule: LrSchedule::WarmupCosine { warmup_epochs, final_fraction },
                ..TrainingConfig::default()
            };
            let error = config.validate().expect_err("refused");
            assert!(error.contains("learning-rate"), "{error}");
        }
        assert_eq!(TrainingConfig::default().lr_schedule.validate(), Ok(()));
    }

    #[test]
    fn the_learning_rate_follows_the_schedule_over_the_run() {
        let config = TrainingConfig {
            learning_rate: 2e-3,
            epochs: 10,
            lr_schedule: LrSchedule::WarmupCosine { warmup_epochs: 1.0, final_fraction: 0.0 },
            ..TrainingConfig::default()
        };
        assert_eq!(config.learning_rate_at(0.0), 0.0);
        assert!((config.learning_rate_at(0.5) - 1e-3).abs() < 1e-15);
        assert!((config.learning_rate_at(1.0) - 2e-3).abs() < 1e-15);
        assert!((config.learning_rate_at(5.5) - 1e-3).abs() < 1e-15);
        assert!(config.learning_rate_at(10.0).abs() < 1e-15);
        let constant = TrainingConfig { lr_schedule: LrSchedule::Constant, ..config };
        assert_eq!(constant.learning_rate_at(9.9), 2e-3);
    }

    #[test]
    fn descriptions_without_a_schedule_read_as_constant() {
        // checkpoint.json as written before schedules existed (assets/model/ is one).
        let old_json = r#"{"model":{"architecture":"mlp","latent_dim":2,"image_height":28,"image_width":28,"channels":1},
            "loss":"bce","beta":1.0,"kl_warmup_epochs":0,"learning_rate":0.001,"batch_size":128,
            "epochs":30,"seed":42}"#;
        let config: TrainingConfig = serde_json::from_str(old_json).expect("old checkpoint loads");
        assert_eq!(config.lr_schedule, LrSchedule::Constant);
        assert_eq!((config.learning_rate, config.epochs), (0.001, 30));
        assert_eq!(config.perceptual_weight, 0.0, "no perceptual term before it existed");
        // The window's settings (RON) from before schedules existed.
        let old_ron = "(beta: 2.0, learning_rate: 0.002, epochs: 5)";
        let config: TrainingConfig = ron::from_str(old_ron).expect("old settings load");
        assert_eq!(config.lr_schedule, LrSchedule::Constant);
        assert_eq!(config.beta, 2.0);
        // A schedule that is written is read back.
        let new = TrainingConfig { lr_schedule: LrSchedule::recipe(), ..TrainingConfig::default() };
        let json = serde_json::to_string(&new).expect("serialises");
        assert_eq!(serde_json::from_str::<TrainingConfig>(&json).expect("reads back"), new);
        let ron_text = ron::to_string(&new).expect("serialises");
        assert_eq!(ron::from_str::<TrainingConfig>(&ron_text).expect("reads back"), new);
    }
}
