//! `vae-explorer bench`: training throughput per device and architecture.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use burn::prelude::Device;

use super::BenchArgs;
use super::machine_peak::{MachinePeak, matmul_ceiling_gflops};
use crate::data::{DataSource, Dataset, ImageSet};
use crate::device::DevicePicker;
use crate::image_shape::ImageShape;
use crate::model::{Architecture, ReconstructionLoss, Vae, VaeConfig};
use crate::training::{Control, EpochReport, MAX_EPOCHS, StepReport, Trainer, TrainingConfig, TrainingObserver};

/// Training images of a synthetic dataset (16 batches of 128).
const SYNTHETIC_TRAIN_IMAGES: usize = 2048;
/// Held-out images of a synthetic dataset (evaluated between epochs, outside the timed steps).
const SYNTHETIC_HELDOUT_IMAGES: usize = 64;

/// Runs `vae-explorer bench` and prints one line per measurement.
pub fn run_bench(args: &BenchArgs) -> Result<()> {
    args.validate().map_err(anyhow::Error::msg)?;
    if args.views {
        return super::views::run_views_bench();
    }
    if args.window {
        return super::window::run_window_bench(args.window_secs, args.window_rounds, args.batch_size);
    }
    let mut devices = DevicePicker::headless();
    println!(
        "training throughput, batch {}, latent {} (28x28x1: bundled MNIST; other shapes: synthetic images)",
        args.batch_size, args.latent_dim
    );
    println!("memory: {}", crate::allocator_settings::purge_delay_description());
    let peak_gflops = describe_peak(args.peak_gflops);
    let mut datasets = Vec::new();
    for &shape in &args.shapes {
        datasets.push((shape, Arc::new(bench_dataset(shape)?)));
    }
    for &choice in &args.devices {
        let (device, info) = match devices.pick(choice) {
            Ok(picked) => picked,
            Err(reason) => {
                println!("{:<4} skipped: {reason}", choice.name());
                continue;
            }
        };
        if info.is_gpu
            && let Some((name, is_software)) = devices.gpu_adapter()
        {
            let kind = if is_software { "software" } else { "hardware" };
            println!("{:<4} adapter: {name} ({kind})", choice.name());
        }
        for &architecture in &args.architectures {
            for (shape, dataset) in &datasets {
                let model = VaeConfig::new()
                    .with_architecture(architecture)
                    .with_latent_dim(args.latent_dim)
                    .with_image_height(shape.height)
                    .with_image_width(shape.width)
                    .with_channels(shape.channels);
                let config = TrainingConfig {
                    model: args.conv.apply(model),
                    loss: ReconstructionLoss::Bce,
                    batch_size: args.batch_size,
                    epochs: MAX_EPOCHS,
                    ..TrainingConfig::default()
                };
                let shape_name = format!("{}x{}x{}", shape.height, shape.width, shape.channels);
                if architecture == Architecture::Conv {
                    let weights = config.model.parameter_count().unwrap_or(0);
                    println!("     conv {shape_name} layout: {} ({weights} weights)", config.model.conv_plan());
                }
                let mut trainer = Trainer::new(config, Arc::clone(dataset), &device).map_err(anyhow::Error::msg)?;
                let mut timer = StepTimer::new(args.warmup_steps, args.steps.max(1));
                trainer.run(&mut timer)?;
                let images_per_sec = args.batch_size as f64 / timer.secs_per_step().max(1e-12);
                let flops_per_image = trainer.config().model.training_flops_per_image();
                let gflops = images_per_sec * flops_per_image / 1e9;
                println!(
                    "{:<4} {:<4} {shape_name:<9} {:>9.1} images/s  {:>6.1} MFLOP/image  {:>6.1} GFLOP/s{}  ({} steps timed after {} warm-up, on {})",
                    choice.name(),
                    architecture.name(),
                    images_per_sec,
                    flops_per_image / 1e6,
                    gflops,
                    share_of(gflops, peak_gflops),
                    args.steps,
                    args.warmup_steps,
                    info.name
                );
            }
        }
        if info.is_gpu {
            match matmul_ceiling_gflops(&device) {
                Ok(ceiling) => println!(
                    "{:<4} matmul 1024³: {ceiling:.1} GFLOP/s (timed until the device finished)",
                    choice.name()
                ),
                Err(reason) => println!("{:<4} matmul 1024³: {reason}", choice.name()),
            }
        }
    }
    Ok(())
}

/// The bundled digits for 28×28 grey, else synthetic images of `shape`.
fn bench_dataset(shape: ImageShape) -> Result<Dataset> {
    if shape == ImageShape::grey(28, 28) {
        return DataSource::Bundled.load().context("cannot load the bundled digits");
    }
    let model = VaeConfig::new().with_image_height(shape.height).with_image_width(shape.width);
    model.with_channels(shape.channels).validate().map_err(anyhow::Error::msg)?;
    Ok(Dataset {
        name: format!("synthetic {shape}"),
        class_names: vec!["pattern".to_string()],
        train: synthetic_images(shape, SYNTHETIC_TRAIN_IMAGES, 1),
        heldout: synthetic_images(shape, SYNTHETIC_HELDOUT_IMAGES, 2),
        has_classes: false,
        ..Dataset::default()
    })
}

/// `count` smooth stripes of `shape`, a different frequency and phase per image and channel: the
/// throughput does not depend on what the images show, only on their shape.
fn synthetic_images(shape: ImageShape, count: usize, seed: u64) -> ImageSet {
    let mut state = seed;
    let mut next_unit = || {
        // SplitMix64, to [0, 1).
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f32 / u64::MAX as f32
    };
    let mut pixels = Vec::with_capacity(count.saturating_mul(shape.values()));
    for _ in 0..count {
        for _ in 0..shape.channels {
            let (across, down, phase) = (next_unit() * 0.5, next_unit() * 0.5, next_unit() * 6.3);
            for row in 0..shape.height {
                for column in 0..shape.width {
                    let wave = (across * column as f32 + down * row as f32 + phase).sin();
                    pixels.push((127.5 + 127.5 * wave) as u8);
                }
            }
        }
    }
    ImageSet { channels: shape.channels, height: shape.height, width: shape.width, pixels, labels: vec![0; count] }
}

/// Prints the peak the rates are compared with, and returns it in GFLOP/s: the one given, else the
/// higher of the nominal peak (at the base clock the kernel reports) and what burn's best matmul
/// reaches on the CPU device (cores run above their base clock).
fn describe_peak(given: Option<f64>) -> f64 {
    if let Some(gflops) = given {
        println!("machine peak: {gflops:.0} GFLOP/s f32 (from --peak-gflops)");
        return gflops;
    }
    // Ones times ones on the CPU device cannot come back wrong; a failure reads as no ceiling.
    let matmul = matmul_ceiling_gflops(&Device::flex()).unwrap_or(0.0);
    let Some(nominal) = MachinePeak::detect() else {
        println!("machine peak: {matmul:.0} GFLOP/s f32 (burn's best 1024³ matmul; no clock in /proc/cpuinfo)");
        return matmul;
    };
    let peak = nominal.gflops().max(matmul);
    println!(
        "machine peak: {peak:.0} GFLOP/s f32, the higher of nominal {:.0} ({} cores × {} FLOP/cycle {} × {:.2} GHz \
         base clock) and burn's best 1024³ matmul {matmul:.0}; --peak-gflops overrides",
        nominal.gflops(),
        nominal.cores,
        nominal.flops_per_cycle,
        nominal.vector_unit,
        nominal.ghz
    );
    peak
}

/// " = 12.3% of peak".
fn share_of(gflops: f64, peak_gflops: f64) -> String {
    format!(" = {:>4.1}% of peak", 100.0 * gflops / peak_gflops.max(1e-9))
}

/// Stops training after warm-up plus timed steps; sums the time of the timed steps.
///
/// The interval before each epoch's first step holds the held-out evaluation, so it is not counted.
struct StepTimer {
    warmup_steps: usize,
    timed_steps: usize,
    steps_seen: usize,
    counted_steps: usize,
    last_step: Option<Instant>,
    timed_secs: f64,
}

impl StepTimer {
    fn new(warmup_steps: usize, timed_steps: usize) -> Self {
        Self { warmup_steps, timed_steps, steps_seen: 0, counted_steps: 0, last_step: None, timed_secs: 0.0 }
    }

    /// Seconds per counted step.
    fn secs_per_step(&self) -> f64 {
        self.timed_secs / self.counted_steps.max(1) as f64
    }
}

impl TrainingObserver for StepTimer {
    fn on_step(&mut self, report: &StepReport, _model: &Vae) -> Control {
        let now = Instant::now();
        self.steps_seen += 1;
        if self.steps_seen > self.warmup_steps
            && report.step > 1
            && let Some(last) = self.last_step
        {
            self.timed_secs += now.duration_since(last).as_secs_f64();
            self.counted_steps += 1;
        }
        self.last_step = Some(now);
        if self.counted_steps >= self.timed_steps {
            return Control::Stop;
        }
        Control::Continue
    }

    fn on_epoch(&mut self, _report: &EpochReport, _model: &Vae) -> Control {
        Control::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_of_peak_divides_the_corrected_count_by_the_nominal_peak() {
        // 2 cores × (2 FMA pipes × 8 f32 lanes × 2 FLOPs) × 2.45 GHz = 156.8 GFLOP/s.
        let peak = MachinePeak { cores: 2, flops_per_cycle: 2 * 8 * 2, vector_unit: "AVX2 FMA", ghz: 2.45 };
        assert!((peak.gflops() - 156.8).abs() < 1e-9);
        // 10,000 MLP images/s × 5,596,160 FLOPs = 55.96 GFLOP/s = 35.7 % of it.
        let gflops = 10_000.0 * VaeConfig::new().training_flops_per_image() / 1e9;
        assert!((gflops - 55.9616).abs() < 1e-9, "{gflops}");
        assert_eq!(share_of(gflops, peak.gflops()), " = 35.7% of peak");
    }
}
