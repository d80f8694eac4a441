//! How the learning rate moves over a run: constant, or a linear warm-up then a cosine decay.

use serde::{Deserialize, Serialize};

use super::MAX_EPOCHS;

/// Warm-up of the default recipe's schedule, in epochs.
pub const RECIPE_WARMUP_EPOCHS: f64 = 1.0;
/// Share of the peak rate the default recipe's schedule ends at.
pub const RECIPE_FINAL_FRACTION: f64 = 0.0;

/// Epochs over which a resumed run's learning rate rises again from 0 to its schedule. Checkpoints
/// keep the weights, not Adam's moments, so a resumed run's Adam starts afresh: its first step
/// moves every weight by about the full rate at once, which undid a 128-px residual conv's first
/// epoch in two steps (the divergence guard stopped it) where the schedule picked up at 2.5e-3.
pub const RESUME_WARMUP_EPOCHS: f64 = 1.0;

/// The multiple of the scheduled rate at `epoch_position` for a run resumed after `resumed_after`
/// epochs: a linear rise over its first [`RESUME_WARMUP_EPOCHS`]; always in [0, 1].
pub fn resume_warmup_factor(resumed_after: usize, epoch_position: f64) -> f64 {
    ((epoch_position - resumed_after as f64) / RESUME_WARMUP_EPOCHS).clamp(0.0, 1.0)
}

/// The learning rate's course over a run, as a multiple of the configured (peak) rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum LrSchedule {
    /// The configured rate at every step (how every model was trained before schedules existed).
    Constant,
    /// A linear rise from 0 over `warmup_epochs`, then a half cosine from the configured rate down
    /// to `final_fraction` of it at the end of the run's last epoch.
    WarmupCosine {
        /// Epochs of the linear rise (fractions allowed); 0 starts at the full rate.
        warmup_epochs: f64,
        /// Share of the configured rate reached at the end, from 0 to 1.
        final_fraction: f64,
    },
}

impl LrSchedule {
    /// What checkpoints and settings written before schedules existed were trained with.
    pub fn constant() -> Self {
        Self::Constant
    }

    /// The default recipe's schedule: see the README's "Default recipe".
    pub fn recipe() -> Self {
        Self::WarmupCosine { warmup_epochs: RECIPE_WARMUP_EPOCHS, final_fraction: RECIPE_FINAL_FRACTION }
    }

    /// Checks the numbers, with a message that says what to change.
    pub fn validate(&self) -> Result<(), String> {
        let Self::WarmupCosine { warmup_epochs, final_fraction } = *self else { return Ok(()) };
        if !(warmup_epochs.is_finite() && (0.0..=MAX_EPOCHS as f64).contains(&warmup_epochs)) {
            return Err(format!("learning-rate warm-up must be 0 to {MAX_EPOCHS} epochs, not {warmup_epochs}"));
        }
        if !(final_fraction.is_finite() && (0.0..=1.0).contains(&final_fraction)) {
            return Err(format!("final learning-rate fraction must be from 0 to 1, not {final_fraction}"));
        }
        Ok(())
    }

    /// The multiple of the configured rate at `epoch_position` (0.0 = start of training) of a run
    /// of `total_epochs` epochs; always in [0, 1].
    pub fn factor(&self, epoch_position: f64, total_epochs: usize) -> f64 {
        let Self::WarmupCosine { warmup_epochs, final_fraction } = *self else { return 1.0 };
        let total = total_epochs as f64;
        if epoch_position < warmup_epochs {
            return (epoch_position / warmup_epochs).clamp(0.0, 1.0);
        }
        let decay_epochs = total - warmup_epochs;
        if decay_epochs <= 0.0 {
            return 1.0;
        }
        let progress = ((epoch_position - warmup_epochs) / decay_epochs).clamp(0.0, 1.0);
        let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress).cos());
        (final_fraction + (1.0 - final_fraction) * cosine).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_run_rises_from_zero_over_its_first_epoch_then_follows_the_schedule() {
        assert_eq!(resume_warmup_factor(3, 3.0), 0.0);
        assert!(close(resume_warmup_factor(3, 3.25), 0.25));
        assert!(close(resume_warmup_factor(3, 3.5), 0.5));
        assert_eq!(resume_warmup_factor(3, 4.0), 1.0);
        assert_eq!(resume_warmup_factor(3, 7.5), 1.0);
        // A position before the resume point (the trainer never asks for one) clamps to 0.
        assert_eq!(resume_warmup_factor(3, 1.0), 0.0);
    }

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() < 1e-12
    }

    #[test]
    fn warmup_cosine_by_hand() {
        let schedule = LrSchedule::WarmupCosine { warmup_epochs: 2.0, final_fraction: 0.1 };
        // Rises linearly from 0 to 1 over the first 2 of 10 epochs.
        assert!(close(schedule.factor(0.0, 10), 0.0));
        assert!(close(schedule.factor(0.5, 10), 0.25));
        assert!(close(schedule.factor(2.0, 10), 1.0));
        // Then a half cosine over the other 8: halfway (epoch 6) is the mean of 1 and 0.1,
        // a quarter of the way (epoch 4) is 0.1 + 0.9 · (1 + cos(π/4)) / 2.
        assert!(close(schedule.factor(6.0, 10), 0.55));
        let quarter = 0.1 + 0.9 * (1.0 + std::f64::consts::FRAC_1_SQRT_2) / 2.0;
        assert!(close(schedule.factor(4.0, 10), quarter));
        // Ends at the final fraction and stays there.
        assert!(close(schedule.factor(10.0, 10), 0.1));
        assert!(close(schedule.factor(12.0, 10), 0.1));
    }

    #[test]
    fn no_warmup_starts_at_the_full_rate_and_constant_never_moves() {
        let schedule = LrSchedule::WarmupCosine { warmup_epochs: 0.0, final_fraction: 0.0 };
        assert!(close(schedule.factor(0.0, 4), 1.0));
        assert!(close(schedule.factor(2.0, 4), 0.5));
        assert!(close(schedule.factor(4.0, 4), 0.0));
        for position in [0.0, 3.3, 100.0] {
            assert_eq!(LrSchedule::Constant.factor(position, 10), 1.0);
        }
    }

    #[test]
    fn warmup_longer_than_the_run_still_rises_and_never_exceeds_one() {
        let schedule = LrSchedule::WarmupCosine { warmup_epochs: 20.0, final_fraction: 0.0 };
        assert!(close(schedule.factor(5.0, 10), 0.25));
        assert!(close(schedule.factor(25.0, 10), 1.0));
    }

    #[test]
    fn bad_numbers_are_refused_with_a_reason() {
        let bad = [
            (f64::NAN, 0.0, "warm-up"),
            (-1.0, 0.0, "warm-up"),
            (f64::INFINITY, 0.0, "warm-up"),
            (1e300, 0.0, "warm-up"),
            (1.0, f64::NAN, "final"),
            (1.0, -0.1, "final"),
            (1.0, 1.5, "final"),
        ];
        for (warmup_epochs, final_fraction, field) in bad {
            let error = LrSchedule::WarmupCosine { warmup_epochs, final_fraction }.validate().expect_err("refused");
            assert!(error.contains(field), "{error} should name {field}");
        }
        assert_eq!(LrSchedule::WarmupCosine { warmup_epochs: 0.0, final_fraction: 1.0 }.validate(), Ok(()));
        assert_eq!(LrSchedule::Constant.validate(), Ok(()));
    }
}
