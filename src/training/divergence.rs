//! A run that diverged: the first non-finite loss or weight, and what to change.

use super::{LossParts, TrainingConfig};

/// Where a run diverged: a loss became NaN or infinite, so training stopped there.
///
/// The message says what to change; the model that was last saved or shown is the one to keep.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "training diverged in epoch {epoch}{}: {what} became {value}; lower the learning rate (now {learning_rate}) or β (now {beta}) and train again",
    step.map(|step| format!(", step {step}")).unwrap_or_default()
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
}

impl Diverged {
    /// A divergence of `what` (with `value`) in `epoch`, `step` of a run with `config`.
    pub fn new(config: &TrainingConfig, epoch: usize, step: Option<usize>, what: &'static str, value: f64) -> Self {
        Self { epoch, step, what, value, learning_rate: config.learning_rate, beta: config.beta }
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
    fn only_non_finite_parts_are_reported() {
        assert_eq!(non_finite_value(&LossParts { reconstruction_nats: 200.0, kl_nats: 5.0 }), None);
        let nan = non_finite_value(&LossParts { reconstruction_nats: f64::NAN, kl_nats: 5.0 });
        assert!(nan.is_some_and(f64::is_nan));
        let overflow = LossParts { reconstruction_nats: f64::MAX, kl_nats: f64::MAX };
        assert_eq!(non_finite_value(&overflow), Some(f64::INFINITY));
    }
}
