//! Tests of the model config: costs, counts, validation and reading older descriptions.

use super::*;

/// A conv config of the scaled layout (the figures below are its; the direct layout's tests say so).
fn conv(height: usize, width: usize, channels: usize) -> VaeConfig {
    VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_image_height(height)
        .with_image_width(width)
        .with_channels(channels)
        .with_conv_layout(ConvLayout::Scaled)
}

#[test]
fn new_conv_runs_take_the_direct_layout_and_old_descriptions_keep_theirs() {
    assert_eq!(VaeConfig::new().conv_layout, ConvLayout::Direct);
    assert_eq!(ConvLayout::default(), ConvLayout::Direct);
    // A description without the field is a two-stage checkpoint, one that names it keeps it.
    let without: VaeConfig =
        serde_json::from_str(r#"{"architecture": "conv", "latent_dim": 2, "image_height": 28, "image_width": 28}"#)
            .expect("old description");
    assert_eq!(without.conv_layout, ConvLayout::TwoStages);
}

#[test]
fn training_cost_counts_every_layer() {
    // Training costs 2 FLOPs per multiply-add for the forward pass, the weight gradients and the
    // input gradients, except the first layer's input gradient (the image needs none).
    let cost = |macs: usize, first_layer: usize| 6.0 * macs as f64 - 2.0 * first_layer as f64;
    // MLP: 784·512 + 512·256 + 256·4 encoder, 2·256 + 256·512 + 512·784 decoder = 1,066,496 MACs;
    // the first layer is 784·512 = 401,408: 6,398,976 − 802,816 = 5,596,160 FLOPs, the issue's 5.6 M.
    let mlp = VaeConfig::new();
    assert_eq!(mlp.training_flops_per_image(), 5_596_160.0);
    assert_eq!(mlp.training_flops_per_image(), cost(1_066_496, 401_408));
    // A tiny MLP by hand: 2×2 images (4 values), latent 1.
    // Forward: 4·512 + 512·256 + 256·2 + 1·256 + 256·512 + 512·4 = 2048 + 131072 + 512 + 256 + 131072 + 2048.
    // Backward: weight gradients as many again; input gradients as many again minus the first layer's 4·512.
    let tiny = VaeConfig::new().with_image_height(2).with_image_width(2).with_latent_dim(1);
    let forward = 2048 + 131_072 + 512 + 256 + 131_072 + 2048;
    assert_eq!(tiny.training_flops_per_image(), (2 * forward + 2 * forward + 2 * (forward - 2048)) as f64);
    // Conv at 28×28, 28 → 14 → 7 → 4: 14²·1·32·9 + 7²·32·64·9 + 4²·64·128·9 (twice),
    // 2048·256 (twice), 256·2·2 + 2·256; the first stage is 14²·1·32·9 = 56,448.
    let scaled = conv(28, 28, 1);
    let macs = 2 * (56_448 + 903_168 + 1_179_648) + 2 * 524_288 + 1024 + 512;
    assert_eq!(scaled.training_flops_per_image(), cost(macs, 56_448));
    // The old two-stage layout: 14²·32·9 + 7²·64·32·9 (twice), 3136·256 (twice), 256·4 + 2·256.
    let two_stages = scaled.clone().with_conv_layout(ConvLayout::TwoStages);
    let macs = 2 * (56_448 + 903_168 + 802_816) + 1024 + 512;
    assert_eq!(two_stages.training_flops_per_image(), cost(macs, 56_448));
    // 64×64 RGB, 64 → 32 → 16 → 8 → 4 with 32, 64, 128, 256 channels:
    // 32²·3·32·9 + 16²·32·64·9 + 8²·64·128·9 + 4²·128·256·9 (twice), 4096·256 (twice), 1536.
    let colour = conv(64, 64, 3);
    let macs = 2 * (884_736 + 3 * 4_718_592) + 2 * 1_048_576 + 1536;
    assert_eq!(colour.training_flops_per_image(), cost(macs, 884_736));
    // One residual block per stage adds two 3×3 convolutions at the stage's output, both ways:
    // 2·2·(32²·32² + 16²·64² + 8²·128² + 4²·256²)·9. The blocks' inputs need gradients.
    let blocks = colour.clone().with_conv_residual_blocks(1);
    let extra = 4 * 9 * (1024 * 1024 + 256 * 4096 + 64 * 16_384 + 16 * 65_536);
    assert_eq!(blocks.training_flops_per_image(), cost(macs + extra, 884_736));
}

#[test]
fn parameter_count_matches_the_built_model() {
    let shapes = [(28, 28, 1), (64, 64, 3), (32, 48, 3), (7, 9, 1), (8, 12, 1), (8, 8, 3), (1, 5, 1)];
    for (height, width, channels) in shapes {
        for latent_dim in [2, 5] {
            let mlp = VaeConfig::new().with_image_height(height).with_image_width(width).with_channels(channels);
            let conv = conv(height, width, channels).with_latent_dim(latent_dim).with_conv_base_channels(8);
            let mut configs = vec![mlp.with_latent_dim(latent_dim), conv.clone()];
            configs.push(conv.clone().with_conv_residual_blocks(2));
            configs.push(conv.clone().with_conv_layout(ConvLayout::TwoStages));
            configs.push(conv.clone().with_conv_layout(ConvLayout::Direct));
            configs.push(conv.clone().with_conv_layout(ConvLayout::Direct).with_conv_residual_blocks(1));
            configs.push(conv.with_conv_layout(ConvLayout::TwoStages).with_conv_residual_blocks(1));
            for config in configs {
                assert_eq!(config.validate(), Ok(()), "{config:?}");
                let built = config.init(&Device::flex()).num_params();
                assert_eq!(config.parameter_count(), Some(built), "{config:?}");
            }
        }
    }
    // The default widths too, at the sizes the issue names.
    for (height, width, channels) in [(28, 28, 1), (64, 64, 3)] {
        for blocks in [0, 1] {
            for layout in ConvLayout::ALL {
                let config = conv(height, width, channels).with_conv_residual_blocks(blocks).with_conv_layout(layout);
                let built = config.init(&Device::flex()).num_params();
                assert_eq!(config.parameter_count(), Some(built), "{config:?}");
            }
        }
    }
}

#[test]
fn the_direct_layout_counts_as_the_pytorch_tutorial_model() {
    // 64×64 RGB, latent 32: four 4×4 stride-2 convolutions 3-32-64-128-256 and their transposes,
    // mean and log-variance off the 4096 features, one linear layer back: the weights of
    // benches/colour/reference.py's TutorialVae.
    let config = conv(64, 64, 3).with_latent_dim(32).with_conv_layout(ConvLayout::Direct);
    let convolutions = 16 * (3 * 32 + 32 * 64 + 64 * 128 + 128 * 256);
    let biases = (32 + 64 + 128 + 256) + (3 + 32 + 64 + 128);
    let dense = 2 * (4096 * 32 + 32) + (32 * 4096 + 4096);
    assert_eq!(config.parameter_count(), Some(2 * convolutions + biases + dense));
    // Forward: 32²·3·32·16 + 16²·32·64·16 + 8²·64·128·16 + 4²·128·256·16 (twice), 4096·32·3.
    let first = 1024 * 3 * 32 * 16;
    let macs = 2 * (first + 3 * 8_388_608) + 3 * 4096 * 32;
    assert_eq!(config.training_flops_per_image(), 6.0 * macs as f64 - 2.0 * first as f64);
}

#[test]
fn absurd_image_shapes_are_refused_without_overflow() {
    let near_2_63 = 1usize << 62;
    for (height, width) in [(near_2_63, 4), (usize::MAX, usize::MAX), (4097, 28), (28, 0), (0, 0), (4096, 4096)] {
        for architecture in Architecture::ALL {
            let config =
                VaeConfig::new().with_architecture(architecture).with_image_height(height).with_image_width(width);
            if architecture == Architecture::Conv && (height, width) == (4096, 4096) {
                // Ten stages bring it down to 4×4: the conv's weights do not grow with the image.
                assert_eq!(config.validate(), Ok(()));
                continue;
            }
            let error = config.validate().expect_err("refused");
            assert!(error.contains(&format!("{height}×{width}")), "{error}");
        }
    }
    let largest_side = VaeConfig::new().with_image_height(MAX_IMAGE_SIDE).with_image_width(4);
    assert_eq!(largest_side.validate(), Ok(()));
}

#[test]
fn conv_layouts_that_do_not_fit_are_refused_with_what_to_change() {
    let cases = [
        (conv(28, 28, 1).with_conv_base_channels(0), "base channels must be 1 to 256, not 0"),
        (conv(28, 28, 1).with_conv_base_channels(257), "base channels must be 1 to 256, not 257"),
        (conv(28, 28, 1).with_conv_base_channels(usize::MAX), "base channels"),
        (conv(28, 28, 1).with_conv_residual_blocks(9), "0 to 8 residual blocks per stage, not 9"),
        (conv(28, 28, 1).with_conv_residual_blocks(usize::MAX), "residual blocks"),
        // Two stages of a 4096×4096 image leave a 1024×1024 map: far too many dense weights.
        (conv(4096, 4096, 1).with_conv_layout(ConvLayout::TwoStages), "fewer --base-channels"),
    ];
    for (config, message) in cases {
        let error = config.validate().expect_err("refused");
        assert!(error.contains(message), "{error} should say {message}");
    }
    // The MLP ignores the conv fields.
    let mlp = VaeConfig::new().with_conv_base_channels(0).with_conv_residual_blocks(99);
    assert_eq!(mlp.validate(), Ok(()));
}

#[test]
fn descriptions_without_the_newer_fields_read_as_the_models_they_describe() {
    // As checkpoints written before colour and scaled stages hold it.
    let old: VaeConfig =
        serde_json::from_str(r#"{"architecture": "conv", "latent_dim": 2, "image_height": 28, "image_width": 28}"#)
            .expect("old description");
    let expected = conv(28, 28, 1).with_conv_layout(ConvLayout::TwoStages);
    assert_eq!(old, expected);
    assert_eq!(old.conv_plan().stages.len(), 2);
    // What this build writes reads back the same.
    let new = conv(64, 64, 3).with_conv_base_channels(16).with_conv_residual_blocks(2);
    let text = serde_json::to_string(&new).expect("serialise");
    assert!(text.contains(r#""conv_layout":"scaled""#), "{text}");
    assert_eq!(serde_json::from_str::<VaeConfig>(&text).expect("read back"), new);
    let direct = serde_json::to_string(&new.clone().with_conv_layout(ConvLayout::Direct)).expect("serialise");
    assert!(direct.contains(r#""conv_layout":"direct""#), "{direct}");
    // Each layout reads as the one it names, whatever the default for new runs.
    for layout in ConvLayout::ALL {
        let text = format!(
            r#"{{"architecture": "conv", "latent_dim": 2, "image_height": 28, "image_width": 28, "conv_layout": "{}"}}"#,
            layout.name()
        );
        assert_eq!(serde_json::from_str::<VaeConfig>(&text).expect("read").conv_layout, layout, "{text}");
    }
    // The fields that were always written stay required.
    assert!(serde_json::from_str::<VaeConfig>(r#"{"architecture": "conv", "latent_dim": 2}"#).is_err());
}
