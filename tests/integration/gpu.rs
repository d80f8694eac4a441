//! The wgpu device trains correctly (on CI: Mesa's lavapipe software Vulkan driver).
//!
//! burn's wgpu runtime may be initialised once per process, so this is the only test that
//! asks for the GPU.

use std::sync::Arc;

use burn::prelude::*;
use vae_explorer::checkpoint;
use vae_explorer::data::DataSource;
use vae_explorer::device::{DeviceChoice, DevicePicker};
use vae_explorer::inference::{ModelSnapshot, ModelSource};
use vae_explorer::model::{Architecture, Vae, VaeConfig};
use vae_explorer::training::{Control, EpochReport, StepReport, Trainer, TrainingConfig, TrainingObserver};

/// Collects the loss of a fixed number of steps, then stops.
struct FewSteps {
    limit: usize,
    losses: Vec<f64>,
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

#[test]
fn the_wgpu_device_trains_a_few_steps() {
    let (device, info) = match DevicePicker::default().pick(DeviceChoice::Gpu) {
        Ok(picked) => picked,
        Err(reason) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: {reason} (CI installs mesa-vulkan-drivers and runs this)");
            return;
        }
        Err(reason) => panic!("CI must provide a wgpu adapter (mesa-vulkan-drivers): {reason}"),
    };
    eprintln!("wgpu adapter: {}", info.name);
    assert!(info.is_gpu);
    let dataset = Arc::new(DataSource::Bundled.load().expect("bundled data"));
    let config = TrainingConfig { batch_size: 64, ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, dataset, &device).expect("valid config");
    let mut observer = FewSteps { limit: 30, losses: Vec::new() };
    trainer.run(&mut observer).expect("no divergence");
    let losses = observer.losses;
    assert_eq!(losses.len(), 30);
    assert!(losses.iter().all(|loss| loss.is_finite()), "{losses:?}");
    let first: f64 = losses[..5].iter().sum::<f64>() / 5.0;
    let last: f64 = losses[25..].iter().sum::<f64>() / 5.0;
    assert!(last < first - 50.0, "loss did not fall on the GPU: {first:.1} → {last:.1}");

    // A checkpoint saved from the GPU loads on the CPU and decodes the same images …
    let latents = [0.0, 0.0, 1.0, -2.0];
    let gpu_model = trainer.model().valid();
    let dir = tempfile::tempdir().expect("temp dir");
    checkpoint::save(dir.path(), &gpu_model, &trainer.checkpoint_info()).expect("save from the GPU");
    let (cpu_model, _) = checkpoint::load(dir.path(), &Device::flex()).expect("load on the CPU");
    assert_close(&decode_on(&gpu_model, &latents), &decode_on(&cpu_model, &latents));
    // … and one saved on the CPU (the bundled model) loads on the GPU.
    let bundled = tempfile::tempdir().expect("temp dir");
    let snapshot = ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model");
    let bundled_model = snapshot.burn().expect("one of ours");
    checkpoint::save(bundled.path(), bundled_model, &snapshot.info).expect("save from the CPU");
    let (on_gpu, _) = checkpoint::load(bundled.path(), &device).expect("load on the GPU");
    assert_close(&decode_on(bundled_model, &latents), &decode_on(&on_gpu, &latents));

    // A colour conv model with residual blocks trains a few steps on the GPU and decodes the same
    // on the CPU.
    let colour = Arc::new(crate::conv_colour::colour_dataset(8, 8, 3, 16, 4));
    let model = VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_image_height(8)
        .with_image_width(8)
        .with_channels(3)
        .with_conv_base_channels(4)
        .with_conv_residual_blocks(1);
    let config = TrainingConfig { model, batch_size: 8, ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, colour, &device).expect("valid colour config");
    let mut observer = FewSteps { limit: 2, losses: Vec::new() };
    trainer.run(&mut observer).expect("no divergence");
    assert!(observer.losses.len() == 2 && observer.losses.iter().all(|loss| loss.is_finite()), "{:?}", observer.losses);
    let colour_dir = tempfile::tempdir().expect("temp dir");
    let gpu_model = trainer.model().valid();
    checkpoint::save(colour_dir.path(), &gpu_model, &trainer.checkpoint_info()).expect("save from the GPU");
    let (cpu_model, _) = checkpoint::load(colour_dir.path(), &Device::flex()).expect("load on the CPU");
    assert_close(&decode_on(&gpu_model, &latents), &decode_on(&cpu_model, &latents));
}

/// Decodes [n, 2] latents on whatever device the model lives on.
fn decode_on(model: &Vae, latents: &[f32]) -> Vec<f32> {
    let device = model.devices().into_iter().next().expect("a device");
    let tensor = Tensor::<2>::from_data(TensorData::new(latents.to_vec(), [latents.len() / 2, 2]), &device);
    model.decode(tensor).into_data().try_to_vec::<f32>().expect("f32 data")
}

fn assert_close(a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len());
    let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs());
    let worst = worst.map(|gap| if gap.is_nan() { f32::INFINITY } else { gap }).fold(0.0, f32::max);
    assert!(worst < 1e-3, "devices disagree by {worst}");
}
