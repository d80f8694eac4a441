//! `vae-explorer bench --views`: decode latency of the latent views and the window's CPU time
//! per frame while idle, while a 64-frame morph GIF is exported, and while training runs.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::app::{AppAction, ExportView, PointRef, Settings, VaeApp};
use crate::data::DataSource;
use crate::device::DeviceChoice;
use crate::inference::{ModelSnapshot, ModelSource, ScatterSource, decode};
use crate::latent::{GridSpec, Projection};

/// Prints the decode and frame-time figures.
pub fn run_views_bench() -> Result<()> {
    let snapshot = ModelSnapshot::load(&ModelSource::Bundled).context("cannot open the bundled model")?;
    let single = time_repeatedly(500, || {
        decode(&snapshot.model, &[0.5, -1.0], 2);
    });
    println!("decode one latent point (slider path):   {}", summary(&single));
    let spec = GridSpec { size: 32, ..GridSpec::default() };
    let latents = spec.latents(&Projection::Dims { x: 0, y: 1 }, &[0.0, 0.0]);
    let grid = time_repeatedly(30, || {
        decode(&snapshot.model, &latents, 2);
    });
    println!("decode a 32 × 32 sweep (1,024 images):   {}", summary(&grid));
    frame_times()
}

/// The window's CPU time per frame (UI pass and tessellation) with the largest scatter available
/// while a model trains on the CPU device.
fn frame_times() -> Result<()> {
    let data = DataSource::installed_fashion_mnist().unwrap_or(DataSource::Bundled);
    let mut settings = Settings { data: data.clone(), device: DeviceChoice::Cpu, ..Settings::default() };
    settings.views.scatter_source = ScatterSource::Train;
    settings.training.epochs = 100;
    settings.views.morph.steps = 64;
    settings.views.export.scale = 8;
    let ctx = egui::Context::default();
    let mut app = VaeApp::with_settings(&ctx, settings, None);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        events: vec![egui::Event::PointerMoved(egui::pos2(480.0, 520.0))],
        ..Default::default()
    };
    let frame = |app: &mut VaeApp| {
        // Wall time of the UI thread's pass and tessellation (no GPU upload).
        let mut output = ctx.run_ui(input(), |ui| app.window_ui(ui));
        output.textures_delta.clear();
        ctx.tessellate(output.shapes, output.pixels_per_point);
    };
    let started = Instant::now();
    while app.explorer().state.cloud.value.as_ref().is_none_or(|cloud| cloud.source != ScatterSource::Train) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "the scatter did not arrive within 5 minutes");
        frame(&mut app);
        std::thread::sleep(Duration::from_millis(16));
    }
    let points = app.explorer().state.cloud.value.as_ref().map_or(0, |cloud| cloud.len());
    let measure = |app: &mut VaeApp| {
        let times: Vec<Duration> = (0..200)
            .map(|_| {
                let begun = Instant::now();
                frame(app);
                let elapsed = begun.elapsed();
                std::thread::sleep(Duration::from_millis(16));
                elapsed
            })
            .collect();
        summary(&times)
    };
    println!("UI frame, {points} scatter points ({data}), idle:     {}", measure(&mut app));
    gif_export_frame_times(&mut app, &frame, started)?;
    app.apply(AppAction::Train);
    while app.progress().steps.is_empty() {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(600), "training did not start");
        frame(&mut app);
    }
    println!("UI frame, {points} scatter points ({data}), training: {}", measure(&mut app));
    Ok(())
}

/// Frame times while 64-frame morph GIFs are exported back to back on the file thread (the
/// export call itself, which copies the strip, counts in the frame).
fn gif_export_frame_times(app: &mut VaeApp, frame: &dyn Fn(&mut VaeApp), started: Instant) -> Result<()> {
    app.explorer_mut().pick_point(0, PointRef { train: false, index: 0 });
    app.explorer_mut().pick_point(1, PointRef { train: false, index: 1 });
    while app.explorer().state.morph.value.as_ref().is_none_or(|(request, _, _)| request.steps != 64) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(600), "the morph did not arrive");
        frame(app);
        std::thread::sleep(Duration::from_millis(16));
    }
    let out = tempfile::tempdir().context("cannot make a temporary folder")?;
    let path = out.path().join("morph.gif");
    let (mut times, mut exports) = (Vec::new(), 0);
    while times.len() < 200 {
        let begun = Instant::now();
        if app.file_jobs_in_flight() == 0 {
            app.export(ExportView::MorphGif, &path);
            exports += 1;
        }
        frame(app);
        times.push(begun.elapsed());
        std::thread::sleep(Duration::from_millis(16));
    }
    while app.file_jobs_in_flight() > 0 {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(900), "the export did not finish");
        frame(app);
        std::thread::sleep(Duration::from_millis(16));
    }
    if let Some(error) = &app.progress().last_error {
        anyhow::bail!("the GIF export failed: {error}");
    }
    let frames = crate::export::gif_frame_count(&path).context("cannot read the exported GIF")?;
    println!("UI frame while exporting 64-step morph GIFs ({exports} exports of {frames} frames): {}", summary(&times));
    Ok(())
}

fn time_repeatedly(count: usize, mut work: impl FnMut()) -> Vec<Duration> {
    work();
    (0..count)
        .map(|_| {
            let begun = Instant::now();
            work();
            begun.elapsed()
        })
        .collect()
}

/// "median 0.21 ms, p95 0.30 ms".
fn summary(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let at = |fraction: f64| sorted.get(((sorted.len() as f64 - 1.0) * fraction) as usize).copied().unwrap_or_default();
    format!("median {:.2} ms, p95 {:.2} ms", at(0.5).as_secs_f64() * 1e3, at(0.95).as_secs_f64() * 1e3)
}
