//! Colour models: every export of the command line is colour, the window's export of a view is the
//! same picture as the command line's, and the window's textures are colour.

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use burn::prelude::*;
use egui::{ImageData, TextureId, TexturesDelta};
use egui_kittest::{Harness, TestRenderer};
use image::RgbImage;
use vae_explorer::app::{ExportView, Settings, VaeApp, export_view};
use vae_explorer::checkpoint;
use vae_explorer::device::DeviceChoice;
use vae_explorer::model::VaeConfig;

use crate::support::{info_for, run_until};

/// The test model's images: 16 × 16 RGB.
const SIDE: usize = 16;

/// Saves a fresh, untrained 16 × 16 RGB model (its decoder's random weights give every channel
/// its own values, so its pictures are colour).
fn colour_model(dir: &Path) {
    let config = VaeConfig { channels: 3, image_height: SIDE, image_width: SIDE, ..VaeConfig::new() };
    checkpoint::save(dir, &config.init(&Device::flex()), &info_for(&config)).expect("save the colour model");
}

fn export(model: &Path, args: &[&str], out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .arg("export")
        .args(args)
        .arg("--model")
        .arg(model)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// Pixels whose red, green and blue differ.
fn coloured_pixels(image: &RgbImage) -> usize {
    image.pixels().filter(|pixel| pixel.0[0] != pixel.0[1] || pixel.0[1] != pixel.0[2]).count()
}

/// The first frame of a GIF, as RGB.
fn first_gif_frame(path: &Path) -> RgbImage {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::fs::File::open(path).expect("open")).expect("a GIF");
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let frame = decoder.read_next_frame().expect("decode").expect("a frame");
    let rgb: Vec<u8> = frame.buffer.chunks_exact(4).flat_map(|pixel| [pixel[0], pixel[1], pixel[2]]).collect();
    RgbImage::from_raw(width, height, rgb).expect("frame size")
}

#[test]
fn every_command_line_export_of_a_colour_model_is_colour() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("model");
    colour_model(&model);
    let end = |name: &str, rgb: [u8; 3]| {
        let path = dir.path().join(name);
        let mut picture = RgbImage::from_pixel(40, 40, image::Rgb([255, 255, 255]));
        for (x, y, pixel) in picture.enumerate_pixels_mut() {
            if (10..30).contains(&x) && (8..32).contains(&y) {
                *pixel = image::Rgb(rgb);
            }
        }
        picture.save(&path).expect("write an image");
        path
    };
    let (from, to) = (end("a.png", [200, 20, 20]), end("b.png", [20, 20, 200]));
    let (from, to) = (from.to_str().expect("utf-8"), to.to_str().expect("utf-8"));
    let cases: [(&str, &[&str], (u32, u32)); 4] = [
        ("grid.png", &["grid", "--size", "4", "--scale", "2", "--gutter", "1"], (4 * 32 + 3, 4 * 32 + 3)),
        ("samples.png", &["samples", "--seed", "3", "--scale", "1", "--gutter", "0"], (8 * 16, 8 * 16)),
        (
            "morph.png",
            &["morph", "--from", from, "--to", to, "--steps", "5", "--scale", "1", "--gutter", "0"],
            (5 * 16, 16),
        ),
        ("morph.gif", &["morph", "--from", from, "--to", to, "--steps", "4", "--scale", "3"], (48, 48)),
    ];
    for (name, args, size) in cases {
        let out = dir.path().join(name);
        export(&model, args, &out);
        let picture = if name.ends_with(".gif") {
            assert_eq!(vae_explorer::export::gif_frame_count(&out).expect("a GIF"), 6, "ping-pong of 4 steps");
            first_gif_frame(&out)
        } else {
            let decoded = image::open(&out).expect("a PNG");
            assert_eq!(decoded.color(), image::ColorType::Rgb8, "{name} is an RGB PNG");
            decoded.to_rgb8()
        };
        assert_eq!(picture.dimensions(), size, "{name}");
        let coloured = coloured_pixels(&picture);
        assert!(coloured * 2 > picture.pixels().len(), "{name}: only {coloured} pixels have colour");
    }
}

/// Records every texture the window uploads, so tests can look at their pixels.
#[derive(Clone, Default)]
struct TextureRecorder(Arc<Mutex<Vec<(TextureId, egui::ColorImage)>>>);

impl TestRenderer for TextureRecorder {
    fn handle_delta(&mut self, delta: &mut TexturesDelta) {
        let mut recorded = self.0.lock().expect("recorder lock");
        for (id, images) in delta.set.drain() {
            for image in images {
                let ImageData::Color(pixels) = image.image;
                recorded.push((id, (*pixels).clone()));
            }
        }
        delta.free.clear();
    }

    fn render(&mut self, _: &egui::Context, _: &egui::FullOutput) -> Result<image::RgbaImage, String> {
        Err("this renderer only records textures".to_string())
    }
}

fn colour_harness(autosave: &Path, recorder: TextureRecorder) -> Harness<'static, VaeApp> {
    let autosave = autosave.to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .renderer(recorder)
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, Settings::default(), Some(autosave)));
    harness.state_mut().settings_mut().device = DeviceChoice::Cpu;
    harness
}

fn shows_colour_model(app: &VaeApp) -> bool {
    app.explorer().state.model.as_ref().is_some_and(|model| model.image_shape().channels == 3)
}

#[test]
fn the_window_draws_a_colour_model_in_colour() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("model");
    colour_model(&model);
    let recorder = TextureRecorder::default();
    let mut harness = colour_harness(&dir.path().join("autosave"), recorder.clone());
    harness.state_mut().open_model(model);
    let values = 3 * SIDE * SIDE;
    run_until(&mut harness, "the colour model's decoded point and sweep", |app| {
        let state = &app.explorer().state;
        shows_colour_model(app)
            && state.decoded.value.as_ref().is_some_and(|(_, image)| image.len() == values)
            && state
                .grid
                .value
                .as_ref()
                .is_some_and(|(request, images)| images.len() == request.spec.size.pow(2) * values)
    });
    harness.run_steps(2);
    let manager = harness.ctx.tex_manager();
    let manager = manager.read();
    let recorded = recorder.0.lock().expect("recorder lock");
    let coloured = |name: &str| {
        recorded
            .iter()
            .filter(|(id, _)| manager.meta(*id).is_some_and(|meta| meta.name == name))
            .map(|(_, image)| {
                image.pixels.iter().filter(|pixel| pixel.r() != pixel.g() || pixel.g() != pixel.b()).count()
            })
            .max()
    };
    for name in ["decoded_point", "decoder_grid"] {
        let most = coloured(name).unwrap_or_else(|| panic!("no {name} texture was uploaded"));
        assert!(most > SIDE * SIDE / 2, "{name}: only {most} coloured pixels");
    }
}

#[test]
fn the_window_and_the_command_line_export_the_same_samples() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("model");
    colour_model(&model);
    let mut harness = colour_harness(&dir.path().join("autosave"), TextureRecorder::default());
    let views = &mut harness.state_mut().settings_mut().views;
    views.sample_seed = 7;
    views.export.scale = 3;
    views.export.gutter_px = 2;
    harness.state_mut().open_model(model.clone());
    let values = 64 * 3 * SIDE * SIDE;
    run_until(&mut harness, "the colour model's samples", |app| {
        let samples = &app.explorer().state.samples.value;
        shows_colour_model(app) && samples.as_ref().is_some_and(|(seed, images)| *seed == 7 && images.len() == values)
    });
    let from_window = dir.path().join("window.png");
    let app = harness.state();
    export_view(ExportView::PriorSamples, &app.explorer().state, &app.settings().views, &from_window)
        .expect("the window's export");
    let from_cli = dir.path().join("cli.png");
    export(&model, &["samples", "--seed", "7", "--scale", "3", "--gutter", "2"], &from_cli);

    let window_image = image::open(&from_window).expect("window PNG").to_rgb8();
    let cli_image = image::open(&from_cli).expect("CLI PNG").to_rgb8();
    assert_eq!(window_image.dimensions(), (8 * 48 + 14, 8 * 48 + 14));
    assert!(window_image.as_raw() == cli_image.as_raw(), "the two exports differ in their pixels");
    assert!(coloured_pixels(&window_image) > 0);
}
