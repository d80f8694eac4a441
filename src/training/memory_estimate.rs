//! The memory a training run will take, estimated before it starts (weights, gradients and Adam's two
//! moments, plus the activations one batch keeps for the backward pass), and checked against what the
//! machine has available, so an impossible configuration ends in one line instead of an abort.

use super::TrainingConfig;
use crate::memory_budget::{NotEnoughMemory, check};
use crate::model::Architecture;

/// Copies of every weight a step holds: the weights, their gradients, Adam's two moments and the
/// autodiff copy the update reads.
const COPIES_PER_WEIGHT: u64 = 5;
/// Values kept per activation value counted below, for the backward pass. Measured (peak RSS of one
/// CPU epoch less that of `eval` on the same model and data, AMD EPYC, 2 cores): the MLP at batch
/// 4,096 took 87 MiB, the 28×28 conv at batch 1,024 83 MiB, its base 64 with two residual blocks at
/// batch 256 309 MiB, the 64×64 RGB conv at batch 900 611 MiB, each below the activations counted
/// here at one value each (shards free their buffers step by step), so one is a bound that holds.
/// It was 4 (value, gradient, pre-activation, column matrix), 4 to 16 times the measured peaks,
/// which refused runs that fit.
const KEPT_PER_ACTIVATION: u64 = 1;
/// The runtime's own working memory during training (thread pools, kernel scratch, the evaluation's
/// batches): measured 34–40 MiB above `eval` at batch 16–64 for every model above.
const WORKING_BYTES: u64 = 64 << 20;
/// Activations of a residual block per stage output value: two convolutions, two ReLUs and the sum.
const RESIDUAL_ACTIVATIONS: u64 = 5;
/// Activations of a stage per output value besides residual blocks: convolution and ReLU.
const STAGE_ACTIVATIONS: u64 = 2;
/// Widths of the MLP's hidden layers, both sides: 512 + 256, mirrored.
const MLP_HIDDEN_VALUES: u64 = 2 * (512 + 256);

/// Estimated bytes a run of `config` on `train_images` training images takes while training.
pub fn training_bytes(config: &TrainingConfig, train_images: usize) -> u64 {
    let model = &config.model;
    let weights = model.parameter_count().map_or(u64::MAX, |count| count as u64);
    let batch = config.batch_size.min(train_images).max(1) as u64;
    let image_values = model.values_per_image() as u64;
    let activations_per_image = match model.architecture {
        Architecture::Mlp => image_values.saturating_mul(3).saturating_add(MLP_HIDDEN_VALUES),
        Architecture::Conv => {
            let per_stage = STAGE_ACTIVATIONS
                .saturating_add(RESIDUAL_ACTIVATIONS.saturating_mul(model.conv_residual_blocks as u64));
            let stages: u64 = model
                .conv_plan()
                .stages
                .iter()
                .map(|stage| {
                    let values = (stage.channels_out as u64)
                        .saturating_mul(stage.side_out[0] as u64)
                        .saturating_mul(stage.side_out[1] as u64);
                    values.saturating_mul(per_stage)
                })
                .fold(0u64, u64::saturating_add);
            // Encoder and the mirrored decoder, plus the image, its reconstruction and their loss.
            stages.saturating_mul(2).saturating_add(image_values.saturating_mul(3))
        }
    };
    let activation_bytes =
        batch.saturating_mul(activations_per_image).saturating_mul(KEPT_PER_ACTIVATION).saturating_mul(4);
    weights
        .saturating_mul(COPIES_PER_WEIGHT)
        .saturating_mul(4)
        .saturating_add(activation_bytes)
        .saturating_add(WORKING_BYTES)
}

/// Refuses a run of `config` that would need more memory than is available, saying what to lower.
pub fn check_training_memory(config: &TrainingConfig, train_images: usize) -> Result<(), NotEnoughMemory> {
    let model = &config.model;
    let lower = match model.architecture {
        Architecture::Mlp => "lower --batch-size or --image-size",
        Architecture::Conv => "lower --batch-size, --base-channels, --residual-blocks or --image-size",
    };
    let what = format!(
        "training a {} VAE on {} images at batch size {}",
        model.architecture.name(),
        model.image_shape(),
        config.batch_size.min(train_images)
    );
    let needed = training_bytes(config, train_images);
    log::info!("{what}: about {} MiB estimated", needed.div_ceil(1 << 20));
    check(needed, what, lower)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VaeConfig;

    fn conv(side: usize, base: usize, blocks: usize, batch: usize) -> TrainingConfig {
        let model = VaeConfig::new()
            .with_architecture(Architecture::Conv)
            .with_image_height(side)
            .with_image_width(side)
            .with_channels(3)
            .with_conv_base_channels(base)
            .with_conv_residual_blocks(blocks);
        TrainingConfig { model, batch_size: batch, ..TrainingConfig::default() }
    }

    #[test]
    fn the_estimate_grows_with_what_the_message_says_to_lower() {
        let small = training_bytes(&conv(64, 32, 0, 64), 10_000);
        assert!(small < 2 << 30, "a small conv run fits in 2 GiB: {small}");
        assert!(training_bytes(&conv(64, 32, 0, 128), 10_000) > small);
        assert!(training_bytes(&conv(64, 64, 0, 64), 10_000) > small);
        assert!(training_bytes(&conv(64, 32, 2, 64), 10_000) > small);
        assert_eq!(training_bytes(&conv(64, 32, 0, 64), 10), training_bytes(&conv(64, 32, 0, 10), 10));
        // The run of issue 27, case 10: 256² pictures, 256 base channels, 8 residual blocks, batch 64.
        let huge = training_bytes(&conv(256, 256, 8, 64), 10_000);
        assert!(huge > 64 << 30, "{huge}");
        let mlp = TrainingConfig::default();
        assert!(training_bytes(&mlp, 60_000) < 256 << 20, "the default MLP run is small");
        // Runs measured to fit in a few hundred MiB are not estimated at many GiB (see KEPT_PER_ACTIVATION).
        let measured_611_mib = training_bytes(&conv(64, 32, 0, 900), 900);
        assert!(((611 << 20)..(2 << 30)).contains(&measured_611_mib), "{measured_611_mib}");
    }
}
