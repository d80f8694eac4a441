//! The wgpu device trains correctly (on CI: Mesa's lavapipe software Vulkan driver).
//!
//! burn's wgpu runtime may be initialised once per process, so this is the only test that
//! asks for the GPU.

use std::sync::Arc;

use vae_explorer::data::DataSource;
use vae_explorer::device::{DeviceChoice, DevicePicker};
use vae_explorer::model::Vae;
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
    trainer.run(&mut observer);
    let losses = observer.losses;
    assert_eq!(losses.len(), 30);
    assert!(losses.iter().all(|loss| loss.is_finite()), "{losses:?}");
    let first: f64 = losses[..5].iter().sum::<f64>() / 5.0;
    let last: f64 = losses[25..].iter().sum::<f64>() / 5.0;
    assert!(last < first - 50.0, "loss did not fall on the GPU: {first:.1} → {last:.1}");
}
