//! The ranges of the training settings that the window's widgets, the command line's checks
//! ([`super::TrainingConfig::validate`]) and the stored-settings check share, each defined once.

use std::ops::RangeInclusive;

/// KL weight β: from 0 (a plain autoencoder) to far beyond any useful β-VAE, far below overflow.
pub const BETA: RangeInclusive<f64> = 0.0..=10_000.0;
/// Epochs one run may ask for (and a checkpoint may have done).
pub const EPOCHS: RangeInclusive<usize> = 1..=100_000;
/// Epochs over which β ramps up from 0: none, up to the longest run.
pub const KL_WARMUP_EPOCHS: RangeInclusive<usize> = 0..=*EPOCHS.end();
/// Weight of the LPIPS term added to the reconstruction loss (`--perceptual-weight`): 0 (none) to
/// far beyond the reference recipe's 1.
pub const PERCEPTUAL_WEIGHT: RangeInclusive<f64> = 0.0..=100.0;
/// Images per step.
pub const BATCH_SIZE: RangeInclusive<usize> = 1..=8192;
/// Adam's peak learning rate as the window offers it and keeps it from stored settings. The
/// command line accepts any rate above 0 and below 1, so that a diverging run can be asked for.
pub const LEARNING_RATE: RangeInclusive<f64> = 1e-6..=0.1;
