//! The conv architecture on colour images: a 64×64 RGB model trains and round-trips a checkpoint;
//! the Gaussian and Laplace likelihoods train it with finite losses.

use std::sync::Arc;

use burn::prelude::*;
use vae_explorer::checkpoint;
use vae_explorer::data::{Dataset, ImageSet};
use vae_explorer::inference::decode;
use vae_explorer::model::{Architecture, ConvLayout, ReconstructionLoss, Vae, VaeConfig};
use vae_explorer::training::{Control, EpochReport, StepReport, Trainer, TrainingConfig, TrainingObserver};

/// `train` and `heldout` images of `height × width × channels`: smooth bands, a different slope per
/// image and channel.
pub fn colour_dataset(height: usize, width: usize, channels: usize, train: usize, heldout: usize) -> Dataset {
    let set = |count: usize, offset: usize| {
        let mut pixels = Vec::with_capacity(count * channels * height * width);
        for image in offset..offset + count {
            for channel in 0..channels {
                let slope = 1 + (image * 7 + channel * 3) % 11;
                for row in 0..height {
                    for column in 0..width {
                        pixels.push(((row * slope + column * (channel + 1) + image) * 13 % 256) as u8);
                    }
                }
            }
        }
        ImageSet { channels, height, width, pixels, labels: (0..count).map(|index| (index % 2) as u8).collect() }
    };
    Dataset {
        name: format!("bands {height}×{width}×{channels}"),
        class_names: vec!["even".into(), "odd".into()],
        train: set(train, 0),
        heldout: set(heldout, train),
        has_classes: true,
        ..Dataset::default()
    }
}

/// Collects the loss of a fixed number of steps, then stops.
pub struct FewSteps {
    /// Steps to run.
    pub limit: usize,
    /// −ELBO of each step, in nats.
    pub losses: Vec<f64>,
}

impl TrainingObserver for FewSteps {
    fn on_step(&mut self, report: &StepReport, _model: &Vae) -> Control {
        self.losses.push(report.loss.neg_elbo_nats());
        if self.losses.len() >= self.limit { Control::Stop } else { Control::Continue }
    }
    fn on_epoch(&mut self, _report: &EpochReport, _model: &Vae) -> Control {
        Control::Continue
    }
}

fn colour_conv(blocks: usize) -> VaeConfig {
    VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_image_height(64)
        .with_image_width(64)
        .with_channels(3)
        .with_latent_dim(4)
        .with_conv_base_channels(8)
        .with_conv_residual_blocks(blocks)
        .with_conv_layout(ConvLayout::Scaled)
}

#[test]
fn a_64x64_rgb_conv_model_trains_a_step_with_a_finite_loss() {
    let dataset = Arc::new(colour_dataset(64, 64, 3, 16, 4));
    for (loss, blocks) in [(ReconstructionLoss::Bce, 0), (ReconstructionLoss::Mse, 1), (ReconstructionLoss::L1, 0)] {
        let config = TrainingConfig { model: colour_conv(blocks), loss, batch_size: 8, ..TrainingConfig::default() };
        let mut trainer = Trainer::new(config, Arc::clone(&dataset), &Device::flex()).expect("valid config");
        let mut observer = FewSteps { limit: 2, losses: Vec::new() };
        trainer.run(&mut observer).expect("no divergence");
        assert_eq!(observer.losses.len(), 2);
        assert!(observer.losses.iter().all(|loss| loss.is_finite()), "{loss:?}: {:?}", observer.losses);
    }
}

#[test]
fn a_64x64_rgb_direct_conv_model_trains_and_its_checkpoint_round_trips() {
    let dataset = Arc::new(colour_dataset(64, 64, 3, 16, 4));
    let model = colour_conv(0).with_conv_layout(ConvLayout::Direct);
    let config = TrainingConfig { model: model.clone(), batch_size: 8, ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, Arc::clone(&dataset), &Device::flex()).expect("valid config");
    let mut observer = FewSteps { limit: 2, losses: Vec::new() };
    trainer.run(&mut observer).expect("no divergence");
    assert_eq!(observer.losses.len(), 2);
    assert!(observer.losses.iter().all(|loss| loss.is_finite()), "{:?}", observer.losses);

    let fresh = model.init(&Device::flex());
    let info = crate::support::info_for(&model);
    let dir = tempfile::tempdir().expect("temp dir");
    checkpoint::save(dir.path(), &fresh, &info).expect("save");
    let description = std::fs::read_to_string(dir.path().join(checkpoint::DESCRIPTION_FILE)).expect("read");
    assert!(description.contains(r#""conv_layout": "direct""#), "{description}");
    let (loaded, loaded_info) = checkpoint::load(dir.path(), &Device::flex()).expect("load");
    assert_eq!(loaded_info.training.model, model);
    let latents = [0.0, 0.5, -1.0, 2.0, 1.5, -0.5, 0.0, 0.25];
    assert_eq!(decode(&fresh, &latents, 4), decode(&loaded, &latents, 4));
}

#[test]
fn a_colour_conv_checkpoint_with_residual_blocks_round_trips() {
    let config = colour_conv(1);
    let model = config.init(&Device::flex());
    let info = crate::support::info_for(&config);
    let dir = tempfile::tempdir().expect("temp dir");
    checkpoint::save(dir.path(), &model, &info).expect("save");
    let description = std::fs::read_to_string(dir.path().join(checkpoint::DESCRIPTION_FILE)).expect("read");
    assert!(description.contains(r#""conv_layout": "scaled""#), "{description}");
    assert!(description.contains(r#""likelihood_scale": 0.1"#), "{description}");
    let (loaded, loaded_info) = checkpoint::load(dir.path(), &Device::flex()).expect("load");
    assert_eq!(loaded_info.training.model, config);
    let latents = [0.0, 0.5, -1.0, 2.0, 1.5, -0.5, 0.0, 0.25];
    assert_eq!(decode(&model, &latents, 4), decode(&loaded, &latents, 4));
}

#[test]
fn conv_and_likelihood_flags_out_of_range_stop_the_cli_with_what_to_change() {
    let out = tempfile::tempdir().expect("temp dir");
    let cases: [(&[&str], &str); 3] = [
        (&["--arch", "conv", "--base-channels", "0"], "base channels must be 1 to 256, not 0"),
        (&["--arch", "conv", "--residual-blocks", "9"], "0 to 8 residual blocks per stage, not 9"),
        (
            &["--loss", "mse", "--sigma", "0"],
            "likelihood scale (σ for mse, b for l1) must be a number from 0.001 to 10",
        ),
    ];
    for (flags, message) in cases {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
            .arg("train")
            .args(flags)
            .args(["--epochs", "1", "--device", "cpu", "--out"])
            .arg(out.path().join("model"))
            .output()
            .expect("run the binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(message), "{flags:?}: {stderr}");
    }
}
