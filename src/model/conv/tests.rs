//! Tests of the conv architecture: stage plans, shapes through the model, and old checkpoints.

use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Distribution;
use burn::tensor::activation::relu;

use super::blocks::{DownStage, ResidualBlock, UpStage};
use super::init::LayerInit;
use super::layout::ConvPlan;
use super::legacy::{TwoStageDecoderSlot, TwoStageEncoderSlot, TwoStageVae};
use crate::model::{Architecture, ConvLayout, Vae, VaeConfig};

/// A conv config of the scaled layout (the figures below are its; the direct layout's tests say so).
fn conv(height: usize, width: usize, channels: usize) -> VaeConfig {
    VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_image_height(height)
        .with_image_width(width)
        .with_channels(channels)
        .with_conv_layout(ConvLayout::Scaled)
}

/// [channels, height, width] after each stage.
fn stage_outputs(config: &VaeConfig) -> Vec<[usize; 3]> {
    let plan = config.conv_plan();
    plan.stages.iter().map(|stage| [stage.channels_out, stage.side_out[0], stage.side_out[1]]).collect()
}

#[test]
fn stages_halve_the_image_until_about_four_pixels() {
    assert_eq!(stage_outputs(&conv(28, 28, 1)), [[32, 14, 14], [64, 7, 7], [128, 4, 4]]);
    assert_eq!(stage_outputs(&conv(64, 64, 3)), [[32, 32, 32], [64, 16, 16], [128, 8, 8], [256, 4, 4]]);
    let large = stage_outputs(&conv(128, 128, 3));
    assert_eq!(large.len(), 5);
    assert_eq!(large[4], [256, 4, 4], "widths stop doubling at 256");
    assert_eq!(stage_outputs(&conv(32, 48, 3)), [[32, 16, 24], [64, 8, 12], [128, 4, 6], [256, 2, 3]]);
    assert_eq!(stage_outputs(&conv(7, 9, 1).with_conv_base_channels(5)), [[5, 4, 5], [10, 2, 3]]);
    assert_eq!(stage_outputs(&conv(28, 28, 1).with_conv_layout(ConvLayout::TwoStages)), [[32, 14, 14], [64, 7, 7]]);
    let plan = conv(64, 64, 3).with_conv_residual_blocks(1).conv_plan();
    assert_eq!(plan.to_string(), "64×64 RGB → 32@32×32 → 64@16×16 → 128@8×8 → 256@4×4 (+1 residual block per stage)");
}

#[test]
fn the_direct_layout_halves_with_4x4_kernels_and_has_no_dense_layer_between() {
    let direct = |height, width, channels| conv(height, width, channels).with_conv_layout(ConvLayout::Direct);
    assert_eq!(stage_outputs(&direct(64, 64, 3)), [[32, 32, 32], [64, 16, 16], [128, 8, 8], [256, 4, 4]]);
    assert_eq!(stage_outputs(&direct(28, 28, 1)), [[32, 14, 14], [64, 7, 7], [128, 3, 3]]);
    assert_eq!(stage_outputs(&direct(7, 9, 1).with_conv_base_channels(5)), [[5, 3, 4]]);
    // A side of 1 would vanish under a 4×4 kernel: no stage, the latent is read off the pixels.
    assert_eq!(stage_outputs(&direct(5, 1, 2)), Vec::<[usize; 3]>::new());
    assert_eq!(stage_outputs(&direct(4, 4, 1)), Vec::<[usize; 3]>::new());
    let plan = direct(64, 64, 3).conv_plan();
    assert_eq!(plan.hidden, None);
    assert!(plan.stages.iter().all(|stage| stage.kernel_side == 4));
    assert_eq!(plan.to_string(), "64×64 RGB → 32@32×32 → 64@16×16 → 128@8×8 → 256@4×4");
    // 4×4 kernels round down: 28 → 14 needs no output padding back (2·14 − 2 + 4 − 4 = 28),
    // 7 → 3 needs one.
    let plan = direct(28, 7, 1).conv_plan();
    assert_eq!(plan.stages[0].padding_out(), [0, 1]);
    let scaled = conv(64, 64, 3).conv_plan();
    assert_eq!(scaled.hidden, Some(256));
    assert!(scaled.stages.iter().all(|stage| stage.kernel_side == 3));
}

#[test]
fn direct_models_save_and_load_and_refuse_other_layouts_weights() {
    let device = Device::flex();
    let direct = conv(8, 12, 3).with_latent_dim(3).with_conv_base_channels(4).with_conv_layout(ConvLayout::Direct);
    let model = direct.init(&device);
    let bytes = model.clone().into_record().into_bytes().expect("burnpack");
    let loaded = Vae::from_record(&direct, ModuleRecord::from_bytes(bytes.clone()).expect("record"), &device);
    let loaded = loaded.expect("a direct model's own weights load");
    let latents = Tensor::<2>::random([2, 3], Distribution::Normal(0.0, 1.0), &device);
    assert_same(loaded.decode_logits(latents.clone()), model.decode_logits(latents));
    // Weights of one layout never load into another of the same image and latent.
    let scaled = direct.clone().with_conv_layout(ConvLayout::Scaled);
    let scaled_bytes = scaled.init(&device).into_record().into_bytes().expect("burnpack");
    for (config, bytes) in [(scaled, bytes), (direct, scaled_bytes)] {
        let record = ModuleRecord::from_bytes(bytes).expect("record");
        assert!(Vae::from_record(&config, record, &device).is_err(), "{config:?}");
    }
}

#[test]
fn odd_sides_come_back_at_their_own_size() {
    // 7 → 4 needs no output padding on the way back (2·4 − 1 = 7); 28 → 14 needs one (2·14 − 1 + 1).
    let plan = conv(28, 7, 1).conv_plan();
    assert_eq!(plan.stages[0].padding_out(), [1, 0]);
    assert_eq!(plan.stages[1].padding_out(), [1, 1]);
}

#[test]
fn images_of_every_shape_go_through_encoder_and_decoder() {
    let device = Device::flex();
    let shapes = [(28, 28, 1), (64, 64, 3), (32, 48, 3), (7, 9, 1), (5, 1, 2)];
    for (height, width, channels) in shapes {
        for (blocks, layout) in [0, 1].into_iter().flat_map(|blocks| ConvLayout::ALL.map(|layout| (blocks, layout))) {
            let config = conv(height, width, channels)
                .with_conv_base_channels(4)
                .with_conv_residual_blocks(blocks)
                .with_conv_layout(layout);
            let model = config.init(&device);
            let values = channels * height * width;
            let images = Tensor::<2>::random([3, values], Distribution::Uniform(0.0, 1.0), &device);
            let posterior = model.encode(images);
            assert_eq!(posterior.mean.dims(), [3, 2], "{config:?}");
            assert_eq!(model.decode(posterior.mean).dims(), [3, values], "{config:?}");
        }
    }
}

/// The forward passes of the two-stage code, as it was written, over its own layers.
fn old_encode(model: &TwoStageVae, images: Tensor<2>, shape: [usize; 3]) -> [Tensor<2>; 2] {
    let TwoStageEncoderSlot::Conv(encoder) = &model.encoder;
    let [batch, _] = images.dims();
    let maps = images.reshape([batch, shape[0], shape[1], shape[2]]);
    let maps = relu(encoder.first.forward(maps));
    let maps = relu(encoder.second.forward(maps));
    let hidden = relu(encoder.hidden.forward(maps.flatten(1, 3)));
    [encoder.mean.forward(hidden.clone()), encoder.log_var.forward(hidden)]
}

fn old_decode_logits(model: &TwoStageVae, latents: Tensor<2>, shape: [usize; 3]) -> Tensor<2> {
    let TwoStageDecoderSlot::Conv(decoder) = &model.decoder;
    let [batch, _] = latents.dims();
    let hidden = relu(decoder.hidden.forward(latents));
    let features = relu(decoder.features.forward(hidden));
    let maps = features.reshape([batch, 64, shape[1] / 4, shape[2] / 4]);
    let maps = relu(decoder.first.forward(maps));
    decoder.second.forward(maps).reshape([batch, shape[0] * shape[1] * shape[2]])
}

fn assert_same(ours: Tensor<2>, theirs: Tensor<2>) {
    let (ours, theirs) =
        (ours.into_data().try_to_vec::<f32>().expect("f32"), theirs.into_data().try_to_vec::<f32>().expect("f32"));
    assert_eq!(ours.len(), theirs.len());
    assert!(ours.iter().zip(&theirs).all(|(a, b)| (a - b).abs() < 1e-5), "{ours:?} != {theirs:?}");
}

#[test]
fn weights_of_the_old_two_stage_code_load_and_give_the_same_outputs() {
    let device = Device::flex();
    for (shape, latent_dim) in [([1, 28, 28], 2), ([3, 8, 12], 5)] {
        // A description written before the layout existed reads as two stages of 32 and 64.
        let description = format!(
            r#"{{"architecture": "conv", "latent_dim": {latent_dim}, "image_height": {}, "image_width": {}, "channels": {}}}"#,
            shape[1], shape[2], shape[0]
        );
        let config: VaeConfig = serde_json::from_str(&description).expect("old description");
        let old = TwoStageVae::new(&config.conv_plan(), &device).expect("two stages");
        let bytes = old.clone().into_record().into_bytes().expect("burnpack");
        let record = ModuleRecord::from_bytes(bytes).expect("record");
        let loaded = Vae::from_record(&config, record, &device).expect("old weights load");

        let values = shape.iter().product();
        let images = Tensor::<2>::random([4, values], Distribution::Uniform(0.0, 1.0), &device);
        let [mean, log_var] = old_encode(&old, images.clone(), shape);
        let posterior = loaded.encode(images);
        assert_same(posterior.mean, mean.clone());
        assert_same(posterior.log_var, log_var);
        assert_same(loaded.decode_logits(mean.clone()), old_decode_logits(&old, mean, shape));

        // Saved again, it is written under today's names, and loads as today's model.
        let again = ModuleRecord::from_bytes(loaded.clone().into_record().into_bytes().expect("burnpack"));
        let reloaded = Vae::from_record(&config, again.expect("record"), &device).expect("today's names load");
        let latents = Tensor::<2>::random([3, latent_dim], Distribution::Normal(0.0, 1.0), &device);
        assert_same(reloaded.decode_logits(latents.clone()), loaded.decode_logits(latents));
    }
}

#[test]
fn old_weights_of_another_size_are_refused() {
    let device = Device::flex();
    let old_config = conv(28, 28, 1).with_conv_layout(ConvLayout::TwoStages);
    let old = TwoStageVae::new(&old_config.conv_plan(), &device).expect("two stages");
    let bytes = old.into_record().into_bytes().expect("burnpack");
    for config in [old_config.clone().with_latent_dim(3), old_config.with_conv_layout(ConvLayout::Scaled)] {
        let record = ModuleRecord::from_bytes(bytes.clone()).expect("record");
        assert!(Vae::from_record(&config, record, &device).is_err(), "{config:?}");
    }
}

/// Root mean square of the tensor's values.
fn rms<const D: usize>(values: Tensor<D>) -> f32 {
    values.powf_scalar(2.0).mean().sqrt().into_scalar::<f32>()
}

/// RMS of the last feature map over RMS of the images, and RMS of the logits over RMS of that
/// feature map, for fresh stages of `plan` drawn as `init` says, one residual block each (at 64 px
/// they measured 0.65 and 0.86 signal-preserving, 0.04 and 0.11 under PyTorch's scale).
fn signal_ratios(plan: &ConvPlan, init: LayerInit, device: &Device) -> [f32; 2] {
    let images = Tensor::<4>::random([4, 3, 64, 64], Distribution::Uniform(0.0, 1.0), device);
    let down: Vec<DownStage> = plan.stages.iter().map(|stage| DownStage::new(stage, 1, init, device)).collect();
    let features = down.iter().fold(images.clone(), |maps, stage| stage.forward(maps));
    let up: Vec<UpStage> = plan.stages.iter().rev().map(|stage| UpStage::new(stage, 1, init, device)).collect();
    let last = up.len() - 1;
    let maps = Tensor::<4>::random(features.dims(), Distribution::Normal(0.0, 1.0), device);
    let logits = up.iter().enumerate().fold(maps.clone(), |maps, (index, stage)| stage.forward(maps, index < last));
    [rms(features) / rms(images), rms(logits) / rms(maps)]
}

#[test]
fn the_residual_conv_starts_with_the_signal_kept_where_pytorchs_scale_lets_it_fade() {
    let device = Device::flex();
    let plan = conv(64, 64, 3).with_conv_base_channels(16).with_conv_residual_blocks(1).conv_plan();
    assert_eq!(plan.layer_init(), LayerInit::SignalPreserving);
    assert_eq!(conv(64, 64, 3).conv_plan().layer_init(), LayerInit::TorchDefault, "the plain conv starts as PyTorch's");
    let [down, up] = signal_ratios(&plan, LayerInit::SignalPreserving, &device);
    assert!((0.3..3.0).contains(&down), "the encoder's feature map holds {down}× the images' RMS");
    assert!((0.3..3.0).contains(&up), "the decoder's logits hold {up}× the feature map's RMS");
    // Under PyTorch's scale the same stages lose most of the signal both ways: what the residual
    // conv had to regrow, all layers at once, before it blew up.
    let [down, up] = signal_ratios(&plan, LayerInit::TorchDefault, &device);
    assert!(down < 0.25 && up < 0.25, "PyTorch's scale kept {down}× and {up}×");
}

#[test]
fn residual_blocks_start_as_the_identity_before_their_relu() {
    let device = Device::flex();
    let maps = Tensor::<4>::random([2, 8, 5, 7], Distribution::Normal(0.0, 1.0), &device);
    let block = ResidualBlock::new(8, LayerInit::SignalPreserving, &device);
    let expected = relu(maps.clone()).into_data();
    block.forward(maps.clone()).into_data().assert_approx_eq::<f32>(&expected, burn::tensor::Tolerance::absolute(1e-6));
    // PyTorch's scale draws the branch's end too: the block then changes its input.
    let drawn = ResidualBlock::new(8, LayerInit::TorchDefault, &device).forward(maps.clone());
    assert!(drawn.sub(relu(maps)).abs().max().into_scalar::<f32>() > 1e-3);
}
