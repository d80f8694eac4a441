//! The window's class directions and nearest training images (issue 14, items 4 and 5), driven
//! headless with egui_kittest, and checked against `export traversal` / `export neighbours`.

use std::path::Path;
use std::process::Command;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{ExportView, VaeApp};
use vae_explorer::inference::{DirectionEnds, ScatterSource};
use vae_explorer::latent::class_mean;

use super::support::run_until;

fn app_harness(autosave: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    super::support::cpu_app_harness(autosave.path(), [1280.0, 900.0])
}

/// Runs `vae-explorer export …` and fails the test with its output when it fails.
fn cli_export(args: &[&str], out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .arg("export")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Writes `view` from the window to `path` and waits for the file thread.
fn window_export(harness: &mut Harness<'static, VaeApp>, view: ExportView, path: &Path) {
    harness.state_mut().export(view, path);
    run_until(harness, "the export", |app| app.file_jobs_in_flight() == 0);
    assert!(harness.state().progress().last_error.is_none(), "{:?}", harness.state().progress().last_error);
    assert!(path.is_file(), "no file at {}", path.display());
}

#[test]
fn the_class_direction_slider_moves_the_point_along_mean_8_minus_mean_3_and_the_strip_exports_as_the_cli() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    let direction = &mut harness.state_mut().settings_mut().views.direction;
    direction.shown = true;
    (direction.from_class, direction.to_class, direction.steps) = (3, 8, 10);
    run_until(&mut harness, "the held-out scatter, the decoded point and the 3 → 8 traversal", |app| {
        let state = &app.explorer().state;
        state.cloud.value.as_ref().is_some_and(|cloud| cloud.source == ScatterSource::Heldout)
            && state.decoded.value.is_some()
            && state.traversal.value.as_ref().is_some_and(|(request, _, _)| {
                request.ends == DirectionEnds::Classes { from: 3, to: 8 } && request.steps == 10
            })
    });
    let state = &harness.state().explorer().state;
    let cloud = state.cloud.value.clone().expect("cloud");
    let (_, direction, strip) = state.traversal.value.clone().expect("traversal");
    let values = state.image_shape().expect("model").values();
    assert_eq!(strip.len(), 10 * values, "the strip holds 10 frames");
    // The scatter holds every held-out mean: the class means computed here must be the direction's.
    let mean_3 = class_mean(&cloud.means, &cloud.labels, cloud.latent_dim, 3).expect("class 3");
    let mean_8 = class_mean(&cloud.means, &cloud.labels, cloud.latent_dim, 8).expect("class 8");
    let within = |a: &[f32], b: &[f32], tolerance: f32| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < tolerance)
    };
    assert!(within(&direction.from, &mean_3, 1e-4) && within(&direction.to, &mean_8, 1e-4), "{direction:?}");
    // The latent sliders show (and keep) their values to 2 decimals: the point is compared within 0.005.
    let close = |a: &[f32], b: &[f32]| within(a, b, 0.0051);
    assert!(harness.query_by_label_contains("class 3 to class 8").is_some());

    let before = harness.state().explorer().latent.clone();
    harness.get_by_role_and_label(Role::Slider, "along direction").set_value_accesskit(0.5);
    let expected: Vec<f32> =
        before.iter().zip(mean_3.iter().zip(&mean_8)).map(|(p, (a, b))| p + 0.5 * (b - a)).collect();
    run_until(&mut harness, "the moved point decoded", |app| {
        app.explorer().state.decoded.value.as_ref().is_some_and(|(latent, _)| close(latent, &expected))
    });
    assert!(
        close(&harness.state().explorer().latent, &expected),
        "{:?} vs {expected:?}",
        harness.state().explorer().latent
    );
    assert!(expected != before, "the direction moved the point");

    let out = tempfile::tempdir().expect("temp dir");
    let (window_png, cli_png) = (out.path().join("window.png"), out.path().join("cli.png"));
    window_export(&mut harness, ExportView::Traversal, &window_png);
    cli_export(&["traversal", "--from-class", "3", "--to-class", "8", "--steps", "10"], &cli_png);
    let (window_image, cli_image) =
        (image::open(&window_png).expect("window PNG").to_rgb8(), image::open(&cli_png).expect("CLI PNG").to_rgb8());
    assert_eq!(window_image.dimensions(), cli_image.dimensions());
    assert!(window_image == cli_image, "the window's traversal differs from the CLI's");
    let text = vae_explorer::export::read_png_text(&window_png).expect("text chunks");
    assert!(text.iter().any(|(key, value)| key == "vae-explorer:view" && value == "traversal"));
}

#[test]
fn the_nearest_images_panel_lists_k_images_by_ascending_distance_and_exports_as_the_cli() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    harness.state_mut().settings_mut().views.neighbours.k = 5;
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    // The checkbox sits below the direction panel in its scroll area, under the fold of the
    // 1280×900 test window: scrolled to and activated through accessibility (as a keyboard or
    // screen-reader user would), since a pointer click at its centre lands on the clipped edge.
    harness.get_by_label("Nearest training images").scroll_to_me();
    harness.run_steps(2);
    harness.get_by_label("Nearest training images").click_accesskit();
    run_until(&mut harness, "5 nearest images", |app| {
        app.explorer().state.neighbours.value.as_ref().is_some_and(|found| found.request.k == 5)
    });

    // The query: the reconstruction of the first held-out "1", whose latent point is its encoder mean.
    let cloud = harness.state().explorer().state.cloud.value.clone().expect("cloud");
    let position = cloud.labels.iter().position(|&label| label == 1).expect("a held-out 1");
    let mean = cloud.mean(position).to_vec();
    harness.state_mut().explorer_mut().latent = mean.clone();
    // The latent sliders keep 2 decimals: the query is the mean within 0.005.
    let close = |a: &[f32]| a.len() == mean.len() && a.iter().zip(&mean).all(|(x, y)| (x - y).abs() < 0.0051);
    run_until(&mut harness, "the neighbours of the held-out 1", |app| {
        app.explorer().state.neighbours.value.as_ref().is_some_and(|found| close(&found.request.query))
    });
    let state = &harness.state().explorer().state;
    let found = state.neighbours.value.clone().expect("neighbours");
    let train = &state.dataset.as_ref().expect("dataset").train;
    let values = state.image_shape().expect("model").values();
    for (list, images, labels) in [
        (&found.by_pixels, &found.pixel_images, &found.pixel_labels),
        (&found.by_latent, &found.latent_images, &found.latent_labels),
    ] {
        assert_eq!(list.len(), 5);
        assert_eq!(images.len(), 5 * values);
        assert!(list.iter().all(|neighbour| neighbour.index < train.len()));
        assert!(list.windows(2).all(|pair| pair[0].squared_distance <= pair[1].squared_distance), "{list:?}");
        assert!(labels.iter().zip(list.iter()).all(|(&label, neighbour)| train.labels[neighbour.index] == label));
    }
    // The first pixel neighbour really is the nearest: no training image is closer to the decoded 1.
    let nearest = found.by_pixels[0].squared_distance;
    let closer = (0..train.len())
        .filter(|&index| {
            let distance: f32 = train
                .image(index)
                .iter()
                .zip(&found.decoded)
                .map(|(&byte, &value)| (f32::from(byte) / 255.0 - value).powi(2))
                .sum();
            distance < nearest - 1e-4
        })
        .count();
    assert_eq!(closer, 0);
    assert_eq!(found.pixel_labels[0], 1, "the decoded 1 is nearest to a training 1: {found:?}");
    assert!(found.latent_labels.iter().filter(|&&label| label == 1).count() >= 3, "{:?}", found.latent_labels);
    harness.step();
    assert!(harness.query_by_label_contains("by pixels: #").is_some());
    assert!(harness.query_by_label_contains("by latent: #").is_some());

    let out = tempfile::tempdir().expect("temp dir");
    let (window_png, cli_png) = (out.path().join("window.png"), out.path().join("cli.png"));
    window_export(&mut harness, ExportView::Neighbours, &window_png);
    let latent: Vec<String> = found.request.query.iter().map(f32::to_string).collect();
    cli_export(&["neighbours", "--k", "5", "--latent", &latent.join(",")], &cli_png);
    let (window_image, cli_image) =
        (image::open(&window_png).expect("window PNG").to_rgb8(), image::open(&cli_png).expect("CLI PNG").to_rgb8());
    assert_eq!(window_image.dimensions(), cli_image.dimensions());
    assert!(window_image == cli_image, "the window's nearest images differ from the CLI's");
}
