//! Helpers shared by the integration tests.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

/// Writes an idx3 images file of `count` images of `side × side`, gzip-compressed when `gzip`.
pub fn write_images(path: &Path, count: u32, side: u32, gzip: bool) {
    let mut bytes = Vec::new();
    for word in [0x0000_0803u32, count, side, side] {
        bytes.extend_from_slice(&word.to_be_bytes());
    }
    bytes.extend((0..count * side * side).map(|index| (index % 251) as u8));
    write_file(path, &bytes, gzip);
}

/// Writes an idx1 labels file with labels 0, 1, …, 9, 0, … .
pub fn write_labels(path: &Path, count: u32, gzip: bool) {
    let mut bytes = Vec::new();
    for word in [0x0000_0801u32, count] {
        bytes.extend_from_slice(&word.to_be_bytes());
    }
    bytes.extend((0..count).map(|index| (index % 10) as u8));
    write_file(path, &bytes, gzip);
}

fn write_file(path: &Path, bytes: &[u8], gzip: bool) {
    let content = if gzip {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(bytes).expect("gzip in memory");
        encoder.finish().expect("gzip in memory")
    } else {
        bytes.to_vec()
    };
    std::fs::write(path, content).expect("write test file");
}

/// An observer that lets training run to the end.
pub struct Quiet;

impl vae_explorer::training::TrainingObserver for Quiet {
    fn on_step(
        &mut self,
        _: &vae_explorer::training::StepReport,
        _: &vae_explorer::model::Vae,
    ) -> vae_explorer::training::Control {
        vae_explorer::training::Control::Continue
    }
    fn on_epoch(
        &mut self,
        _: &vae_explorer::training::EpochReport,
        _: &vae_explorer::model::Vae,
    ) -> vae_explorer::training::Control {
        vae_explorer::training::Control::Continue
    }
}

/// The description of a fresh, untrained model of `config`.
pub fn info_for(config: &vae_explorer::model::VaeConfig) -> vae_explorer::checkpoint::CheckpointInfo {
    let training = vae_explorer::training::TrainingConfig { model: config.clone(), ..Default::default() };
    vae_explorer::checkpoint::CheckpointInfo::untrained(training, "test")
}

/// Longest wait for the window to reach a state in the app tests.
pub const APP_PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

/// Steps the app's frames until `done` holds (failing after [`APP_PATIENCE`]), then one more frame.
pub fn run_until(
    harness: &mut egui_kittest::Harness<'_, vae_explorer::app::VaeApp>,
    what: &str,
    done: impl Fn(&vae_explorer::app::VaeApp) -> bool,
) {
    let started = std::time::Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < APP_PATIENCE, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    harness.step();
}

/// Steps the app's frames until a widget labelled `label` is drawn (failing after
/// [`APP_PATIENCE`]), then lets the window settle for three frames so a click lands on it.
pub fn step_until_label(harness: &mut egui_kittest::Harness<'_, vae_explorer::app::VaeApp>, label: &str) {
    use egui_kittest::kittest::Queryable;
    let started = std::time::Instant::now();
    while harness.query_by_label(label).is_none() {
        assert!(started.elapsed() < APP_PATIENCE, "timed out waiting for {label:?} to be drawn");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    harness.run_steps(3);
}

/// The real app on default settings with its autosave in `autosave`, in a window of `size`
/// points, training on the CPU device.
pub fn cpu_app_harness(
    autosave: &std::path::Path,
    size: [f32; 2],
) -> egui_kittest::Harness<'static, vae_explorer::app::VaeApp> {
    let autosave = autosave.to_path_buf();
    let mut harness = egui_kittest::Harness::builder().with_size(size).build_eframe(move |cc| {
        vae_explorer::app::VaeApp::with_settings(&cc.egui_ctx, vae_explorer::app::Settings::default(), Some(autosave))
    });
    harness.state_mut().settings_mut().device = vae_explorer::device::DeviceChoice::Cpu;
    harness
}

/// A 4×4 grey PNG filled with `level`, as file bytes.
pub fn grey_png(level: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::DynamicImage::ImageLuma8(image::GrayImage::from_pixel(4, 4, image::Luma([level])))
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .expect("encode");
    bytes
}

/// A `width`×`height` grey image filled with `level`.
pub fn frame(width: u32, height: u32, level: u8) -> image::RgbImage {
    image::RgbImage::from_pixel(width, height, image::Rgb([level; 3]))
}

/// Names of all entries in `dir`, sorted.
pub fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|entry| entry.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `pairs` as owned (key, value) text chunks.
pub fn text(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The PyTorch fixture made by `scripts/make_torch_fixture.py` with torch 2.x: a conv VAE for 8×8
/// RGB images (base 2 channels, one residual block per stage, 3 latent dimensions).
pub const TORCH_FIXTURE: &str = "tests/fixtures/torch_conv_tiny.pt";

/// The configuration of [`TORCH_FIXTURE`]'s model.
pub fn torch_fixture_config() -> vae_explorer::model::VaeConfig {
    vae_explorer::model::VaeConfig::new()
        .with_architecture(vae_explorer::model::Architecture::Conv)
        .with_latent_dim(3)
        .with_image_height(8)
        .with_image_width(8)
        .with_channels(3)
        .with_conv_base_channels(2)
        .with_conv_residual_blocks(1)
        .with_conv_layout(vae_explorer::model::ConvLayout::Scaled)
}

/// A folder of IDX files: 64 training and 16 held-out grey images of `side × side`.
pub fn small_idx_folder(side: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_images(&dir.path().join("train-images-idx3-ubyte"), 64, side, false);
    write_labels(&dir.path().join("train-labels-idx1-ubyte"), 64, false);
    write_images(&dir.path().join("t10k-images-idx3-ubyte"), 16, side, false);
    write_labels(&dir.path().join("t10k-labels-idx1-ubyte"), 16, false);
    dir
}

/// Runs `vae-explorer train` on the CPU at batch 16 for `epochs` epochs over `data` into `out`,
/// with `extra` options.
pub fn train_small(data: &Path, out: &Path, epochs: u32, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .args(["train", "--device", "cpu", "--batch-size", "16", "--epochs", &epochs.to_string(), "--data"])
        .arg(data)
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary")
}
