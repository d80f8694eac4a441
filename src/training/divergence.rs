//! A run that diverged: the first non-finite loss or weight, or a finite loss that exploded far above
//! where the run started, and what to change.

use super::{LossParts, TrainingConfig};

/// How many times its starting size a loss may grow to before the run counts as diverged.
pub const EXPLOSION_FACTOR: f64 = 10.0;

/// Where a run diverged: a loss became NaN or infinite, or exploded far above where the run started
/// (see [`ExplosionLimit`]), so training stopped there.
///
/// The message says what to change; the model that was last saved or shown is the one to keep.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "training diverged in epoch {epoch}{}: {what} became {value}{}{}",
    step.map(|step| format!(", step {step}")).unwrap_or_default(),
    explosion_note(*limit_nats),
    advice(*kl_nats, *learning_rate, *beta)
)]
pub struct Diverged {
    /// 1-based epoch in which it happened.
    pub epoch: usize,
    /// 1-based step within the epoch, or `None` when the epoch-end evaluation found it.
    pub step: Option<usize>,
    /// Which figure stopped being finite ("the training loss", "the held-out loss", "the weights").
    pub what: &'static str,
    /// The value it took (NaN or ±infinity).
    pub value: f64,
    /// Learning rate of the run.
    pub learning_rate: f64,
    /// β of the run.
    pub beta: f64,
    /// For a finite value: the limit it passed, in nats (`None` for NaN and infinity).
    pub limit_nats: Option<f64>,
    /// The KL term per image, in nats, when it is what blew up (see [`kl_led`]); `None` otherwise.
    pub kl_nats: Option<f64>,
}

impl Diverged {
    /// A divergence of `what` (with `value`) in `epoch`, `step` of a run with `config`.
    pub fn new(config: &TrainingConfig, epoch: usize, step: Option<usize>, what: &'static str, value: f64) -> Self {
        let (learning_rate, beta) = (config.learning_rate, config.beta);
        Self { epoch, step, what, value, learning_rate, beta, limit_nats: None, kl_nats: None }
    }

    /// A divergence of `parts` (NaN, infinity or an explosion past `limit`) in `epoch`, `step`; `None` when
    /// `parts` is fine. `what` names the loss ("the training loss", "the held-out loss").
    pub fn of_loss(
        config: &TrainingConfig,
        (epoch, step): (usize, Option<usize>),
        what: &'static str,
        parts: &LossParts,
        limit: Option<&ExplosionLimit>,
    ) -> Option<Self> {
        let kl_nats = kl_led(parts, config.beta).then_some(parts.kl_nats);
        if let Some(value) = non_finite_value(parts) {
            return Some(Self { kl_nats, ..Self::new(config, epoch, step, what, value) });
        }
        let (value, limit_nats) = limit?.exceeded(parts, config.beta)?;
        Some(Self { limit_nats: Some(limit_nats), kl_nats, ..Self::new(config, epoch, step, what, value) })
    }
}

/// True when the KL term is what went wrong: it is not finite while the reconstruction is, or it
/// weighs more in the objective (β·KL) than the reconstruction does. That is the encoder's
/// posterior blowing up (its means or log-variances grown by orders of magnitude in a few steps,
/// as a deep conv does in its first Adam steps at a high rate), which a smaller β would only let
/// grow further.
fn kl_led(parts: &LossParts, beta: f64) -> bool {
    if !parts.kl_nats.is_finite() {
        return parts.reconstruction_nats.is_finite();
    }
    beta * parts.kl_nats > parts.reconstruction_nats.abs()
}

/// What to change: a lower learning rate, or β too unless the KL term blew up.
fn advice(kl_nats: Option<f64>, learning_rate: f64, beta: f64) -> String {
    match kl_nats {
        Some(kl) => format!(
            ", most of it the KL term ({kl:.0} nats per image): the encoder's posterior blew up; \
             lower the learning rate (now {learning_rate}) and train again"
        ),
        None => format!("; lower the learning rate (now {learning_rate}) or β (now {beta}) and train again"),
    }
}

fn explosion_note(limit_nats: Option<f64>) -> String {
    limit_nats
        .map(|limit| format!(" nats, past {limit:.1} ({EXPLOSION_FACTOR}× where the run started)"))
        .unwrap_or_default()
}

/// How high a finite loss may rise: [`EXPLOSION_FACTOR`] times where the run started (the first step's
/// training −ELBO of a fresh run; the first epoch's −ELBO of a resumed model). Past it, the objective
/// (reconstruction + β·KL, the −ELBO at β = 1) or the β-weighted KL term alone count as a
/// divergence, exactly as NaN does. The KL is weighed by β as training weighs it: under a small β
/// (the reference recipe's 0.02) the KL grows large by design, and only an objective that grows
/// is a run going wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExplosionLimit {
    /// The −ELBO the run started at, in nats per image.
    pub start_nats: f64,
}

impl ExplosionLimit {
    /// The highest objective (in nats) still accepted: the start plus `EXPLOSION_FACTOR − 1` times
    /// its size (at least 1 nat), which is `EXPLOSION_FACTOR ×` the start for a positive start.
    pub fn neg_elbo_limit_nats(&self) -> f64 {
        self.start_nats + (EXPLOSION_FACTOR - 1.0) * self.start_nats.abs().max(1.0)
    }

    /// The highest β-weighted KL term (in nats) still accepted: `EXPLOSION_FACTOR ×` the start's
    /// size (at least 1 nat).
    pub fn kl_limit_nats(&self) -> f64 {
        EXPLOSION_FACTOR * self.start_nats.abs().max(1.0)
    }

    /// The value that passed its limit and that limit, or `None` when `parts` stays below both:
    /// the objective reconstruction + `beta`·KL, then `beta`·KL alone.
    pub fn exceeded(&self, parts: &LossParts, beta: f64) -> Option<(f64, f64)> {
        let weighted_kl = beta * parts.kl_nats;
        let objective = parts.reconstruction_nats + weighted_kl;
        if objective > self.neg_elbo_limit_nats() {
            return Some((objective, self.neg_elbo_limit_nats()));
        }
        (weighted_kl > self.kl_limit_nats()).then(|| (weighted_kl, self.kl_limit_nats()))
    }
}

/// The first non-finite term of `parts` (the negative ELBO when both are finite but their sum is not).
pub fn non_finite_value(parts: &LossParts) -> Option<f64> {
    [parts.reconstruction_nats, parts.kl_nats, parts.neg_elbo_nats()].into_iter().find(|value| !value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_place_and_what_to_change() {
        let config = TrainingConfig { learning_rate: 0.3, ..TrainingConfig::default() };
        let message = Diverged::new(&config, 2, Some(17), "the training loss", f64::NAN).to_string();
        assert!(message.contains("epoch 2, step 17") && message.contains("NaN"), "{message}");
        assert!(message.contains("learning rate (now 0.3)") && message.contains("β (now 1)"), "{message}");
        let at_evaluation = Diverged::new(&config, 1, None, "the held-out loss", f64::INFINITY).to_string();
        assert!(at_evaluation.contains("epoch 1: the held-out loss became inf"), "{at_evaluation}");
    }

    #[test]
    fn a_finite_explosion_is_a_divergence_with_its_limit() {
        let config = TrainingConfig::default();
        let limit = ExplosionLimit { start_nats: 543.0 };
        let healthy = LossParts { reconstruction_nats: 150.0, kl_nats: 25.0 };
        assert_eq!(Diverged::of_loss(&config, (1, Some(3)), "the training loss", &healthy, Some(&limit)), None);
        let exploded = LossParts { reconstruction_nats: 312_000.0, kl_nats: 394.0 };
        let diverged = Diverged::of_loss(&config, (1, Some(3)), "the training loss", &exploded, Some(&limit))
            .expect("an explosion");
        assert_eq!(diverged.limit_nats, Some(5430.0));
        let message = diverged.to_string();
        assert!(message.contains("became 312394 nats, past 5430.0 (10× where the run started)"), "{message}");
        let kl_only = LossParts { reconstruction_nats: -6000.0, kl_nats: 6000.0 };
        assert!(limit.exceeded(&kl_only, 1.0).is_some(), "the KL alone passed its bound");
        let negative_start = ExplosionLimit { start_nats: -100.0 };
        assert_eq!(negative_start.neg_elbo_limit_nats(), 800.0);
        let nan = LossParts { reconstruction_nats: f64::NAN, kl_nats: 1.0 };
        let diverged = Diverged::of_loss(&config, (2, None), "the held-out loss", &nan, None).expect("NaN");
        assert!(diverged.value.is_nan() && diverged.limit_nats.is_none() && diverged.kl_nats.is_none());
    }

    #[test]
    fn a_kl_that_blew_up_is_named_and_beta_is_not_advised() {
        // Measured: the 128-px residual conv at 1e-3 after a 9-step warm-up (recon 39,372, KL 49.6 M).
        let config = TrainingConfig { learning_rate: 0.001, ..TrainingConfig::default() };
        let limit = ExplosionLimit { start_nats: 117_225.0 };
        let blown = LossParts { reconstruction_nats: 39_372.0, kl_nats: 49_617_902.0 };
        let diverged =
            Diverged::of_loss(&config, (1, Some(7)), "the training loss", &blown, Some(&limit)).expect("an explosion");
        assert_eq!(diverged.kl_nats, Some(49_617_902.0));
        let message = diverged.to_string();
        assert!(message.contains("most of it the KL term (49617902 nats per image)"), "{message}");
        assert!(message.contains("lower the learning rate (now 0.001) and train again"), "{message}");
        assert!(!message.contains("β"), "lowering β lets the KL grow further: {message}");
        let overflow = LossParts { reconstruction_nats: 39_372.0, kl_nats: f64::INFINITY };
        let diverged = Diverged::of_loss(&config, (1, Some(8)), "the training loss", &overflow, Some(&limit));
        assert_eq!(diverged.and_then(|d| d.kl_nats), Some(f64::INFINITY));
        let both = LossParts { reconstruction_nats: f64::NAN, kl_nats: f64::NAN };
        let diverged = Diverged::of_loss(&config, (1, Some(8)), "the training loss", &both, None).expect("NaN");
        assert!(diverged.kl_nats.is_none() && diverged.to_string().contains("or β (now 1)"));
        // Under a small β a large KL that the reconstruction still outweighs is not blamed.
        let small_beta = TrainingConfig { beta: 0.02, ..config };
        let recon_led = LossParts { reconstruction_nats: 2_000_000.0, kl_nats: 1_000_000.0 };
        let diverged = Diverged::of_loss(&small_beta, (1, Some(2)), "the training loss", &recon_led, Some(&limit));
        assert_eq!(diverged.map(|d| d.kl_nats), Some(None));
    }

    #[test]
    fn under_a_small_beta_the_kl_counts_as_training_weighs_it() {
        // The reference recipe's β = 0.02: a KL of 100,000 nats weighs 2,000 in the objective.
        let limit = ExplosionLimit { start_nats: 40_000.0 };
        let large_kl = LossParts { reconstruction_nats: 5_000.0, kl_nats: 100_000.0 };
        assert_eq!(limit.exceeded(&large_kl, 0.02), None, "a small β lets the KL grow");
        let at_beta_one = LossParts { reconstruction_nats: 5_000.0, kl_nats: 500_000.0 };
        assert_eq!(limit.exceeded(&at_beta_one, 1.0), Some((505_000.0, 400_000.0)), "β = 1: the −ELBO");
        let exploded = LossParts { reconstruction_nats: 5_000.0, kl_nats: 30_000_000.0 };
        let (value, bound) = limit.exceeded(&exploded, 0.02).expect("an objective that exploded");
        assert_eq!((value, bound), (605_000.0, 400_000.0));
        let config = TrainingConfig { beta: 0.02, ..TrainingConfig::default() };
        assert_eq!(Diverged::of_loss(&config, (1, Some(9)), "the training loss", &large_kl, Some(&limit)), None);
    }

    #[test]
    fn only_non_finite_parts_are_reported() {
        assert_eq!(non_finite_value(&LossParts { reconstruction_nats: 200.0, kl_nats: 5.0 }), None);
        let nan = non_finite_value(&LossParts { reconstruction_nats: f64::NAN, kl_nats: 5.0 });
        assert!(nan.is_some_and(f64::is_nan));
        let overflow = LossParts { reconstruction_nats: f64::MAX, kl_nats: f64::MAX };
        assert_eq!(non_finite_value(&overflow), Some(f64::INFINITY));
    }
}
