//! The drawing canvas: strokes become the model's input the way its data was made, a drawn '1'
//! lands among the ones, and in the window a drag is encoded, shown and usable as a morph end.

use egui::Pos2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::support::{info_for, run_until};
use vae_explorer::app::{CANVAS_LABEL, VaeApp};
use vae_explorer::data::{DataSource, Fit, Preprocessing};
use vae_explorer::drawing::{Drawing, drawing_input};
use vae_explorer::inference::{ModelSnapshot, ModelSource, encode_means, encode_pixels};
use vae_explorer::model::VaeConfig;

/// One stroke through `points` (canvas units) with a brush of `radius`.
fn drawn(points: &[[f32; 2]], radius: f32) -> Drawing {
    let mut drawing = Drawing::default();
    assert!(drawing.begin(points[0], radius, false));
    for &point in &points[1..] {
        drawing.extend(point);
    }
    drawing
}

/// Rows and columns holding ink, and the ink's centre of mass, of a `side × side` image.
fn ink_box(pixels: &[f32], side: usize) -> ([usize; 2], [usize; 2], [f32; 2]) {
    let (mut rows, mut columns) = ([usize::MAX, 0], [usize::MAX, 0]);
    let (mut mass, mut centre) = (0.0, [0.0, 0.0]);
    for (index, &value) in pixels.iter().enumerate() {
        let (x, y) = (index % side, index / side);
        if value > 0.0 {
            rows = [rows[0].min(y), rows[1].max(y)];
            columns = [columns[0].min(x), columns[1].max(x)];
        }
        mass += value;
        centre = [centre[0] + value * (x as f32 + 0.5), centre[1] + value * (y as f32 + 0.5)];
    }
    (rows, columns, centre.map(|value| value / mass))
}

#[test]
fn a_drawn_stroke_is_fitted_into_the_mnist_box_for_a_digit_model() {
    let model = ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model");
    // A short stroke near the top-left corner: the import scales it up and centres it.
    let drawing = drawn(&[[0.2, 0.1], [0.22, 0.3], [0.25, 0.45]], 0.04);
    let pixels = drawing_input(&drawing, &model.info).expect("ink");
    assert_eq!(pixels.len(), 28 * 28);
    let (rows, columns, centre) = ink_box(&pixels, 28);
    assert_eq!(rows[1] - rows[0] + 1, 20, "the longer side fills 20 of 28 rows: {rows:?}");
    assert!(columns[1] - columns[0] + 1 < 20, "{columns:?}");
    assert!(centre.iter().all(|value| (value - 14.0).abs() <= 1.0), "centred by mass: {centre:?}");
    assert_eq!(pixels.iter().copied().fold(0.0, f32::max), 1.0);
    assert!(drawing_input(&Drawing::default(), &model.info).is_none(), "a blank canvas is no input");
}

#[test]
fn a_drawing_for_a_colour_model_is_painted_on_its_background_through_its_preprocessing() {
    let config = VaeConfig { channels: 3, image_height: 32, image_width: 32, ..VaeConfig::new() };
    let mut info = info_for(&config);
    info.preprocessing =
        Some(Preprocessing { image_size_px: 32, channels: 3, fit: Fit::CentreCrop, background: [255, 255, 255] });
    // A horizontal bar through the middle, on white paper: the default ink is black.
    let mut drawing = drawn(&[[0.1, 0.5], [0.9, 0.5]], 0.05);
    let pixels = drawing_input(&drawing, &info).expect("ink");
    let plane = 32 * 32;
    assert_eq!(pixels.len(), 3 * plane);
    let (middle, corner) = (16 * 32 + 16, 0);
    for channel in 0..3 {
        assert!(pixels[channel * plane + middle] < 0.05, "black ink on the bar");
        assert_eq!(pixels[channel * plane + corner], 1.0, "white paper in the corner");
    }
    drawing.ink = Some([255, 0, 0]);
    let red = drawing_input(&drawing, &info).expect("ink");
    assert!(red[middle] > 0.95 && red[plane + middle] < 0.05 && red[2 * plane + middle] < 0.05);
}

/// Index of the class whose held-out mean is nearest `point`.
fn nearest_class(class_means: &[Vec<f32>], point: &[f32]) -> usize {
    let distance = |mean: &Vec<f32>| mean.iter().zip(point).map(|(a, b)| (a - b).powi(2)).sum::<f32>();
    (0..class_means.len()).min_by(|&a, &b| distance(&class_means[a]).total_cmp(&distance(&class_means[b]))).unwrap()
}

#[test]
fn a_drawn_one_lands_nearest_the_held_out_ones() {
    let model = ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model");
    let heldout = DataSource::Bundled.load().expect("bundled data").heldout;
    let latent_dim = model.latent_dim();
    let indices: Vec<usize> = (0..heldout.len()).collect();
    let means = encode_means(&model.model, &heldout, &indices);
    let mut class_means = vec![vec![0.0f32; latent_dim]; 10];
    let mut counts = [0usize; 10];
    for (index, &label) in heldout.labels.iter().enumerate() {
        let label = usize::from(label);
        counts[label] += 1;
        for (sum, value) in class_means[label].iter_mut().zip(&means[index * latent_dim..(index + 1) * latent_dim]) {
            *sum += value;
        }
    }
    for (mean, count) in class_means.iter_mut().zip(counts) {
        mean.iter_mut().for_each(|value| *value /= count.max(1) as f32);
    }
    // Upright and slanted ones, thin and thick, long and short, placed anywhere on the canvas.
    let ones = [
        (vec![[0.5, 0.15], [0.5, 0.85]], 0.04),
        (vec![[0.55, 0.1], [0.45, 0.9]], 0.03),
        (vec![[0.4, 0.2], [0.38, 0.5], [0.36, 0.8]], 0.06),
        (vec![[0.7, 0.4], [0.7, 0.6]], 0.02),
        (vec![[0.2, 0.1], [0.3, 0.9]], 0.05),
        (vec![[0.35, 0.9], [0.65, 0.1]], 0.04),
    ];
    let nearest_to = |points: &[[f32; 2]], radius: f32| {
        let pixels = drawing_input(&drawn(points, radius), &model.info).expect("ink");
        nearest_class(&class_means, &encode_pixels(&model.model, &pixels, model.image_shape()))
    };
    for (points, radius) in ones {
        assert_eq!(nearest_to(&points, radius), 1, "the one through {points:?} (radius {radius})");
    }
    // Not everything lands there: a ring and a seven do not.
    let ring: Vec<[f32; 2]> = (0..=40)
        .map(|step| step as f32 / 40.0 * std::f32::consts::TAU)
        .map(|angle| [0.5 + 0.25 * angle.cos(), 0.5 + 0.35 * angle.sin()])
        .collect();
    assert_ne!(nearest_to(&ring, 0.04), 1);
    assert_eq!(nearest_to(&[[0.25, 0.2], [0.75, 0.2], [0.4, 0.85]], 0.04), 7);
}

fn app_harness(autosave: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    super::support::cpu_app_harness(autosave.path(), [1280.0, 900.0])
}

#[test]
fn dragging_on_the_canvas_puts_the_drawing_on_the_scatter_and_it_can_become_end_a() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    // At 1280 points the image views' tab bar scrolls and the Draw tab sits past its end: the
    // test brings it to the front as the tab bar's arrow would.
    harness.state_mut().settings_mut().layout.show(vae_explorer::app::ViewPane::Draw);
    harness.run_steps(2);
    assert!(harness.state().explorer().drawn_marker().is_none(), "nothing drawn yet");

    // A vertical stroke down the canvas, one pointer move per frame.
    let rect = harness.get_by_label(CANVAS_LABEL).rect();
    let at = |share: f32| Pos2::new(rect.center().x, rect.top() + share * rect.height());
    harness.hover_at(at(0.15));
    harness.step();
    harness.drag_at(at(0.15));
    harness.step();
    for step in 1..=10 {
        harness.hover_at(at(0.15 + 0.07 * step as f32));
        harness.step();
    }
    harness.drop_at(at(0.85));
    harness.step();
    let drawing = harness.state().explorer().drawing().clone();
    assert_eq!(drawing.strokes().len(), 1, "one drag, one stroke");
    assert!(drawing.strokes()[0].points.len() >= 10, "{:?}", drawing.strokes()[0].points);

    run_until(&mut harness, "the drawing's encoding", |app| {
        let drawn = &app.explorer().state.drawn.value;
        drawn.as_ref().is_some_and(|(encoded_drawing, encoded)| *encoded_drawing == drawing && encoded.is_some())
    });
    harness.step();
    let state = &harness.state().explorer().state;
    let encoded = state.drawn.value.clone().and_then(|(_, encoded)| encoded).expect("encoded");
    assert_eq!(encoded.mean.len(), 2);
    // The bundled model's latent space is the plane: the marker sits at the mean itself.
    assert_eq!(harness.state().explorer().drawn_marker(), Some([encoded.mean[0], encoded.mean[1]]));
    let textures = harness.ctx.tex_manager();
    let reconstruction = textures.read().allocated().any(|(_, meta)| meta.name == "drawing_reconstruction");
    assert!(reconstruction, "the reconstruction is shown beside the canvas");

    harness.get_by_label("Use as A").click();
    harness.run_steps(2);
    let end = harness.state().explorer().state.ends[0].clone().expect("end A");
    assert_eq!(end.name, "drawing");
    assert_eq!(end.mean.as_ref(), Some(&encoded.mean));
    assert_eq!(end.pixels, encoded.pixels);
}
