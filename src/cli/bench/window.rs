//! `vae-explorer bench --window`: training throughput with the real window's app running, against
//! the same training headless, measured one after the other in one run.
//!
//! The window is the real [`VaeApp`] driven by a headless egui loop: every frame runs the app's UI,
//! tessellates what it drew (the CPU side of painting) and waits for the next repaint the app asks
//! for, at most 60 frames per second as with vsync. Only the GPU upload and rasterisation are left
//! out: a hardware GPU does them off the CPU.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::app::{AppAction, RunState, Settings, VaeApp};
use crate::data::DataSource;
use crate::device::{DeviceChoice, DevicePicker};
use crate::model::Vae;
use crate::training::{Control, EpochReport, MAX_EPOCHS, StepReport, Trainer, TrainingConfig, TrainingObserver};

/// Shortest time between two frames, as a 60 Hz display's vsync allows.
const FRAME_INTERVAL: Duration = Duration::from_micros(16_667);
/// Training time before measuring starts (first kernels, caches, the first model snapshot).
const WARMUP: Duration = Duration::from_secs(3);
/// Longest wait for the window's run to start.
const START_PATIENCE: Duration = Duration::from_secs(120);

/// Most rounds of `--window` (each takes twice the measured time and the warm-ups).
const MAX_ROUNDS: usize = 20;

/// Runs the comparison `rounds` times, headless and in-window alternated, for `measured_secs` of
/// training each, and prints the ratio of the medians last.
pub fn run_window_bench(measured_secs: f64, rounds: usize, batch_size: usize) -> Result<()> {
    if !(measured_secs.is_finite() && (1.0..=3600.0).contains(&measured_secs)) {
        bail!("--window-secs must be from 1 to 3600 seconds, not {measured_secs}");
    }
    if !(1..=MAX_ROUNDS).contains(&rounds) {
        bail!("--window-rounds must be from 1 to {MAX_ROUNDS}, not {rounds}");
    }
    let measured = Duration::from_secs_f64(measured_secs);
    let settings = bench_settings(batch_size);
    println!(
        "training throughput with the window open vs headless: bundled MNIST, {} latent {}, batch {}, cpu, \
         {measured_secs:.0} s measured after {} s warm-up each, {rounds} round(s)",
        settings.training.model.architecture.name(),
        settings.training.model.latent_dim,
        settings.training.batch_size,
        WARMUP.as_secs()
    );
    let (mut headless_rates, mut window_rates) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let headless = headless_images_per_sec(&settings.training, measured)?;
        println!("headless:  {headless:>9.0} images/s");
        let windowed = window_images_per_sec(settings.clone(), measured)?;
        println!(
            "in window: {:>9.0} images/s  ({} frames, {:.1} frames/s, UI {:.1} ms/frame median)",
            windowed.images_per_sec, windowed.frames, windowed.frames_per_sec, windowed.median_frame_ms
        );
        headless_rates.push(headless);
        window_rates.push(windowed.images_per_sec);
    }
    let (headless, windowed) = (median(&mut headless_rates), median(&mut window_rates));
    if rounds > 1 {
        println!("medians: headless {headless:.0}, in window {windowed:.0} images/s");
    }
    println!("in-window / headless: {:.2}", windowed / headless.max(1e-9));
    Ok(())
}

/// The median of `values` (the upper one of an even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The window's default settings with `batch_size`, trained on the CPU device for as long as the
/// bench runs.
fn bench_settings(batch_size: usize) -> Settings {
    let defaults = Settings::default();
    let training = TrainingConfig { epochs: MAX_EPOCHS.min(1000), batch_size, ..defaults.training.clone() };
    Settings { device: DeviceChoice::Cpu, training, ..defaults }
}

/// Images per second of the plain trainer over `measured` after the warm-up, epoch ends included.
fn headless_images_per_sec(config: &TrainingConfig, measured: Duration) -> Result<f64> {
    let dataset = Arc::new(DataSource::Bundled.load().context("cannot load the bundled digits")?);
    let (device, _) = DevicePicker::default().pick(DeviceChoice::Cpu).map_err(anyhow::Error::msg)?;
    let mut trainer = Trainer::new(config.clone(), dataset, &device).map_err(anyhow::Error::msg)?;
    let mut clock = WallClock::new(measured);
    trainer.run(&mut clock)?;
    Ok(clock.images_per_sec(config.batch_size))
}

/// Counts steps between the end of the warm-up and the end of the measured time.
struct WallClock {
    started: Instant,
    measured: Duration,
    first: Option<(Instant, usize)>,
    last: Option<(Instant, usize)>,
}

impl WallClock {
    fn new(measured: Duration) -> Self {
        Self { started: Instant::now(), measured, first: None, last: None }
    }

    /// Records a step; false once the measured time is over.
    fn record(&mut self, global_step: usize) -> bool {
        let now = Instant::now();
        if now.duration_since(self.started) < WARMUP {
            return true;
        }
        let first = *self.first.get_or_insert((now, global_step));
        self.last = Some((now, global_step));
        now.duration_since(first.0) < self.measured
    }

    /// Seconds between the first and the last measured step.
    fn span_secs(&self) -> f64 {
        match (self.first, self.last) {
            (Some((start, _)), Some((end, _))) => end.duration_since(start).as_secs_f64(),
            _ => 0.0,
        }
    }

    fn images_per_sec(&self, batch_size: usize) -> f64 {
        match (self.first, self.last) {
            (Some((start, first_step)), Some((end, last_step))) if end > start => {
                (last_step - first_step) as f64 * batch_size as f64 / end.duration_since(start).as_secs_f64()
            }
            _ => 0.0,
        }
    }
}

impl TrainingObserver for WallClock {
    fn on_step(&mut self, report: &StepReport, _model: &Vae) -> Control {
        if self.record(report.global_step) { Control::Continue } else { Control::Stop }
    }

    fn on_epoch(&mut self, _report: &EpochReport, _model: &Vae) -> Control {
        Control::Continue
    }
}

/// What the window run measured.
struct WindowRun {
    images_per_sec: f64,
    frames: usize,
    frames_per_sec: f64,
    median_frame_ms: f64,
}

/// Wakes the frame loop when any thread asks the app for a repaint.
#[derive(Default)]
struct RepaintSignal {
    requested: Mutex<Option<Instant>>,
    changed: Condvar,
}

impl RepaintSignal {
    fn request(&self, at: Instant) {
        let mut requested = self.requested.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *requested = Some(requested.map_or(at, |earlier| earlier.min(at)));
        self.changed.notify_all();
    }

    /// Waits until a repaint is due (or `deadline`), and takes the request.
    fn wait_until_due(&self, deadline: Instant) {
        let mut requested = self.requested.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            let now = Instant::now();
            match *requested {
                Some(at) if at <= now => break,
                _ if now >= deadline => break,
                Some(at) => {
                    let wait = at.min(deadline).duration_since(now);
                    requested = self.changed.wait_timeout(requested, wait).map_or_else(|e| e.into_inner().0, |r| r.0);
                }
                None => {
                    let wait = deadline.duration_since(now);
                    requested = self.changed.wait_timeout(requested, wait).map_or_else(|e| e.into_inner().0, |r| r.0);
                }
            }
        }
        *requested = None;
    }
}

/// The real app's frames, run without a window: UI, then tessellation.
struct HeadlessFrames {
    ctx: egui::Context,
    screen: egui::Rect,
    frame_ms: Vec<f64>,
}

impl HeadlessFrames {
    fn run(&mut self, app: &mut VaeApp) {
        let started = Instant::now();
        let input = egui::RawInput { screen_rect: Some(self.screen), ..Default::default() };
        let output = self.ctx.run_ui(input, |ui| app.window_ui(ui));
        let _meshes = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        self.frame_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }

    fn median_ms(&mut self) -> f64 {
        median(&mut self.frame_ms)
    }
}

/// Runs the real app headless, presses Train, and measures training while frames go on.
fn window_images_per_sec(settings: Settings, measured: Duration) -> Result<WindowRun> {
    let ctx = egui::Context::default();
    let signal = Arc::new(RepaintSignal::default());
    let waker = Arc::clone(&signal);
    ctx.set_request_repaint_callback(move |info| waker.request(Instant::now() + info.delay));
    let autosave = tempfile::tempdir().context("cannot make a folder for the window's autosave")?;
    let batch_size = settings.training.batch_size;
    let mut app = VaeApp::with_settings(&ctx, settings, Some(autosave.path().to_path_buf()));
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let mut frames = HeadlessFrames { ctx, screen, frame_ms: Vec::new() };
    frames.run(&mut app);
    app.apply(AppAction::Train);
    let started = Instant::now();
    let mut clock = WallClock::new(measured);
    let mut measured_frames = 0usize;
    loop {
        let frame_start = Instant::now();
        frames.run(&mut app);
        let progress = app.progress();
        match progress.state {
            RunState::Running | RunState::Paused => {
                let (epoch, step) = progress.position;
                let global_step = epoch.saturating_sub(1) * progress.steps_per_epoch + step;
                if global_step > 0 && !clock.record(global_step) {
                    break;
                }
                measured_frames += usize::from(clock.first.is_some());
            }
            RunState::Starting if started.elapsed() < START_PATIENCE => {}
            RunState::Failed => bail!("the window's run failed: {}", progress.last_error.clone().unwrap_or_default()),
            ref other => bail!("the window's run ended early ({other:?})"),
        }
        signal.wait_until_due(frame_start + Duration::from_secs(1));
        if let Some(wait) = (frame_start + FRAME_INTERVAL).checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    app.apply(AppAction::Stop);
    Ok(WindowRun {
        images_per_sec: clock.images_per_sec(batch_size),
        frames: measured_frames,
        frames_per_sec: measured_frames as f64 / clock.span_secs().max(1e-9),
        median_frame_ms: frames.median_ms(),
    })
}
