//! `vae-explorer bench`: training throughput per device and architecture.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use burn::prelude::Device;

use super::BenchArgs;
use super::machine_peak::{MachinePeak, matmul_ceiling_gflops};
use crate::data::DataSource;
use crate::device::DevicePicker;
use crate::model::{ReconstructionLoss, Vae, VaeConfig};
use crate::training::{Control, EpochReport, MAX_EPOCHS, StepReport, Trainer, TrainingConfig, TrainingObserver};

/// Runs `vae-explorer bench` and prints one line per measurement.
pub fn run_bench(args: &BenchArgs) -> Result<()> {
    if args.views {
        return super::bench_views::run_views_bench();
    }
    if args.window {
        return super::bench_window::run_window_bench(args.window_secs);
    }
    let dataset = Arc::new(DataSource::Bundled.load().context("cannot load the bundled digits")?);
    let mut devices = DevicePicker::default();
    println!("training throughput, bundled MNIST, batch {}, latent {}", args.batch_size, args.latent_dim);
    let peak_gflops = describe_peak(args.peak_gflops);
    for &choice in &args.devices {
        let (device, info) = match devices.pick(choice) {
            Ok(picked) => picked,
            Err(reason) => {
                println!("{:<4} skipped: {reason}", choice.name());
                continue;
            }
        };
        for &architecture in &args.architectures {
            let config = TrainingConfig {
                model: VaeConfig::new().with_architecture(architecture).with_latent_dim(args.latent_dim),
                loss: ReconstructionLoss::Bce,
                batch_size: args.batch_size,
                epochs: MAX_EPOCHS,
                ..TrainingConfig::default()
            };
            let mut trainer = Trainer::new(config, Arc::clone(&dataset), &device).map_err(anyhow::Error::msg)?;
            let mut timer = StepTimer::new(args.warmup_steps, args.steps.max(1));
            trainer.run(&mut timer)?;
            let images_per_sec = args.batch_size as f64 / timer.secs_per_step().max(1e-12);
            let flops_per_image = trainer.config().model.training_flops_per_image();
            let gflops = images_per_sec * flops_per_image / 1e9;
            println!(
                "{:<4} {:<4} {:>9.0} images/s  {:>5.1} MFLOP/image  {:>6.1} GFLOP/s{}  ({} steps timed after {} warm-up, on {})",
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
        if info.is_gpu {
            let ceiling = matmul_ceiling_gflops(&device);
            println!("{:<4} matmul 1024³: {ceiling:.1} GFLOP/s", choice.name());
        }
    }
    Ok(())
}

/// Prints the peak the rates are compared with, and returns it in GFLOP/s: the one given, else the
/// higher of the nominal peak (at the base clock the kernel reports) and what burn's best matmul
/// reaches on the CPU device (cores run above their base clock).
fn describe_peak(given: Option<f64>) -> f64 {
    if let Some(gflops) = given {
        println!("machine peak: {gflops:.0} GFLOP/s f32 (from --peak-gflops)");
        return gflops;
    }
    let matmul = matmul_ceiling_gflops(&Device::flex());
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
