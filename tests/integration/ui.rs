//! The window, driven headless with egui_kittest.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{ExportView, PointRef, RunState, Settings, VaeApp};
use vae_explorer::device::DeviceChoice;

const PATIENCE: Duration = Duration::from_secs(120);

fn app_harness(autosave: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    let autosave_dir = autosave.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, Settings::default(), Some(autosave_dir)));
    harness.state_mut().settings_mut().device = DeviceChoice::Cpu;
    harness
}

fn run_until(harness: &mut Harness<'_, VaeApp>, what: &str, done: impl Fn(&VaeApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
}

#[test]
fn train_shows_loss_points_and_stop_stops() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    harness.state_mut().settings_mut().training.epochs = 20;
    harness.run_steps(2);

    harness.get_by_label("Train").click();
    run_until(&mut harness, "loss points", |app| app.progress().steps.len() >= 5);
    assert_eq!(harness.state().progress().state, RunState::Running);
    assert!(harness.query_by_label_contains("training on").is_some());

    harness.get_by_label("Stop").click();
    run_until(&mut harness, "the stop", |app| !app.progress().state.is_active());
    assert_eq!(harness.state().progress().state, RunState::Stopped);
}

#[test]
fn the_app_opens_with_the_bundled_model_and_all_ten_classes() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    let app = harness.state();
    let model = app.explorer().state.model.as_ref().expect("bundled model");
    assert_eq!(model.info.epochs_done, 30);
    let cloud = app.explorer().state.cloud.value.as_ref().expect("cloud");
    let mut classes: Vec<u8> = cloud.labels.clone();
    classes.sort_unstable();
    classes.dedup();
    assert_eq!(classes, (0..10).collect::<Vec<u8>>());
    assert!(cloud.means.iter().all(|value| value.is_finite()));
    // The loss plot shows the bundled model's history before any training.
    assert_eq!(app.progress().epochs.len(), 30);
}

#[test]
fn dragging_a_latent_slider_changes_the_decoded_image() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the first decode", |app| app.explorer().state.decoded.value.is_some());
    let before = harness.state().explorer().state.decoded.value.clone().expect("decoded");

    harness.get_by_role_and_label(Role::Slider, "z0").set_value_accesskit(2.5);
    run_until(&mut harness, "a new decode", |app| {
        app.explorer().state.decoded.value.as_ref().is_some_and(|(latent, _)| latent[0] == 2.5)
    });
    let after = harness.state().explorer().state.decoded.value.clone().expect("decoded");
    assert_eq!(after.0, vec![2.5, 0.0]);
    let changed_pixels = before.1.iter().zip(&after.1).filter(|(a, b)| (*a - *b).abs() > 0.05).count();
    assert!(changed_pixels > 20, "only {changed_pixels} pixels changed");
}

#[test]
fn choosing_a_and_b_and_dragging_the_morph_slider_changes_the_image() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    let cloud = harness.state().explorer().state.cloud.value.clone().expect("cloud");
    let first_of = |class: u8| cloud.indices[cloud.labels.iter().position(|&label| label == class).expect("class")];
    harness.state_mut().explorer_mut().pick_point(0, PointRef { train: false, index: first_of(0) });
    harness.state_mut().explorer_mut().pick_point(1, PointRef { train: false, index: first_of(1) });
    harness.get_by_label("Morph").click();
    run_until(&mut harness, "the morph", |app| app.explorer().state.morph.value.is_some());
    let before = harness.state().explorer().state.morph.value.clone().expect("morph").1;

    harness.get_by_role_and_label(Role::Slider, "t").set_value_accesskit(0.9);
    run_until(&mut harness, "the morph at t = 0.9", |app| {
        app.explorer().state.morph.value.as_ref().is_some_and(|(request, _, _)| (request.t - 0.9).abs() < 1e-6)
    });
    let after = harness.state().explorer().state.morph.value.clone().expect("morph").1;
    let changed = before.iter().zip(&after).filter(|(a, b)| (*a - *b).abs() > 0.05).count();
    assert!(changed > 20, "only {changed} pixels changed");
}

#[test]
fn views_export_from_the_window_and_a_bad_path_is_an_error_in_the_window() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the sweep", |app| app.explorer().state.grid.value.is_some());
    let out = tempfile::tempdir().expect("temp dir");
    let png = out.path().join("sweep.png");
    harness.state_mut().export(ExportView::DecoderGrid, &png);
    let text = vae_explorer::export::read_png_text(&png).expect("a PNG with text chunks");
    assert!(text.iter().any(|(key, value)| key == "vae-explorer:view" && value == "decoder-grid"));
    assert!(harness.state().progress().last_error.is_none());

    harness.state_mut().export(ExportView::PriorSamples, &out.path().join("missing/samples.png"));
    let error = harness.state().progress().last_error.clone().expect("an error in the status bar");
    assert!(error.contains("does not exist"), "{error}");
    harness.step();
    assert!(harness.query_by_label_contains("does not exist").is_some());
}

#[test]
fn a_bad_data_folder_or_model_folder_is_an_error_in_the_window() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    let empty = tempfile::tempdir().expect("temp dir");
    harness.state_mut().open_folder(empty.path().to_path_buf());
    harness.step();
    assert!(harness.query_by_label_contains("holds no IDX dataset").is_some());

    harness.state_mut().open_model(empty.path().to_path_buf());
    run_until(&mut harness, "the load error", |app| {
        app.progress().last_error.as_deref().is_some_and(|error| error.contains("cannot open the model"))
    });
    assert!(harness.query_by_label_contains("checkpoint.json").is_some());
}
