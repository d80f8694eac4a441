//! The window, driven headless with egui_kittest.

use egui::accesskit::Role;
use egui_kittest::Harness;

use super::support::run_until;
use egui_kittest::kittest::{NodeT, Queryable};
use vae_explorer::app::{ExportView, PointRef, RunState, Settings, VaeApp};

fn app_harness(autosave: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    super::support::cpu_app_harness(autosave.path(), [1280.0, 800.0])
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
    // The morph view fills the area, so its slider is on screen whatever the tile's size.
    harness.state_mut().apply(vae_explorer::app::AppAction::MaximiseView(vae_explorer::app::ViewPane::Morph));
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
    run_until(&mut harness, "the export", |app| app.file_jobs_in_flight() == 0);
    let text = vae_explorer::export::read_png_text(&png).expect("a PNG with text chunks");
    assert!(text.iter().any(|(key, value)| key == "vae-explorer:view" && value == "decoder-grid"));
    assert!(harness.state().progress().last_error.is_none());
    assert!(harness.query_by_label_contains("exported").is_some());

    harness.state_mut().export(ExportView::PriorSamples, &out.path().join("missing/samples.png"));
    run_until(&mut harness, "the export error", |app| app.progress().last_error.is_some());
    let error = harness.state().progress().last_error.clone().expect("an error in the status bar");
    assert!(error.contains("does not exist"), "{error}");
    harness.step();
    assert!(harness.query_by_label_contains("does not exist").is_some());
}

#[test]
fn a_300_frame_gif_export_runs_on_the_file_thread_while_frames_go_on_and_the_strip_wraps() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    harness.state_mut().settings_mut().views.morph.steps = 300;
    harness.state_mut().settings_mut().views.export.scale = 8;
    harness.state_mut().settings_mut().views.export.gutter_px = 2;
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    harness.state_mut().explorer_mut().pick_point(0, PointRef { train: false, index: 0 });
    harness.state_mut().explorer_mut().pick_point(1, PointRef { train: false, index: 1 });
    run_until(&mut harness, "the morph", |app| {
        app.explorer().state.morph.value.as_ref().is_some_and(|(request, _, _)| request.steps == 300)
    });
    let out = tempfile::tempdir().expect("temp dir");
    let gif = out.path().join("morph.gif");
    harness.state_mut().export(ExportView::MorphGif, &gif);
    // The call only handed the job over: it is in flight until a frame collects its answer.
    assert_eq!(harness.state().file_jobs_in_flight(), 1);
    assert!(harness.state().notice().is_none_or(|notice| !notice.contains("exported")));
    harness.step();
    run_until(&mut harness, "the GIF", |app| app.file_jobs_in_flight() == 0);
    assert!(harness.state().progress().last_error.is_none(), "{:?}", harness.state().progress().last_error);
    assert_eq!(vae_explorer::export::gif_frame_count(&gif).expect("a GIF"), 2 * 300 - 2);
    assert!(harness.query_by_label_contains("exported").is_some());
    // The strip of 300 frames of 224 pixels is too wide for one picture: 5 rows of 60.
    let png = out.path().join("strip.png");
    harness.state_mut().export(ExportView::MorphStrip, &png);
    run_until(&mut harness, "the strip", |app| app.file_jobs_in_flight() == 0);
    assert!(harness.state().progress().last_error.is_none(), "{:?}", harness.state().progress().last_error);
    let image = image::open(&png).expect("a PNG");
    assert_eq!((image.width(), image.height()), (60 * 224 + 59 * 2, 5 * 224 + 4 * 2));
}

#[test]
fn an_imported_image_becomes_morph_end_a_and_is_encoded() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    // The dataset loads on the file thread too: wait until that thread is idle.
    run_until(&mut harness, "the model and the dataset", |app| {
        app.explorer().state.model.is_some() && app.file_jobs_in_flight() == 0
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("seven.png");
    let mut image = image::GrayImage::from_pixel(56, 56, image::Luma([255]));
    for step in 0..40 {
        image.put_pixel(10 + step, 12, image::Luma([0]));
        image.put_pixel(49 - step / 2, 12 + step, image::Luma([0]));
    }
    image.save(&path).expect("write the test image");
    harness.state_mut().open_image(0, &path);
    assert_eq!(harness.state().file_jobs_in_flight(), 1);
    run_until(&mut harness, "the encoded end", |app| {
        app.explorer().state.ends[0].as_ref().is_some_and(|end| end.mean.is_some())
    });
    let end = harness.state().explorer().state.ends[0].clone().expect("end A");
    assert_eq!(end.name, "seven.png");
    assert_eq!(end.pixels.len(), 28 * 28);

    harness.state_mut().open_image(1, &dir.path().join("missing.png"));
    run_until(&mut harness, "the import error", |app| app.progress().last_error.is_some());
    assert!(harness.query_by_label_contains("missing.png").is_some());
}

#[test]
fn absurd_stored_settings_are_reset_and_the_window_says_so() {
    let mut settings = Settings::default();
    settings.views.grid.size = 1 << 32;
    settings.views.morph.steps = 1_000_000;
    settings.views.export.scale = 0;
    settings.views.export.gutter_px = 10_000;
    settings.views.export.gif_fps = f32::NAN;
    settings.views.grid.x_range = [f32::NEG_INFINITY, 1e30];
    settings.training.beta = 1e300;
    settings.training.perceptual_weight = f64::NAN;
    settings.training.learning_rate = -1.0;
    settings.training.batch_size = 0;
    let autosave = tempfile::tempdir().expect("temp dir");
    let autosave_dir = autosave.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, settings, Some(autosave_dir)));
    let defaults = Settings::default();
    assert_eq!(harness.state().settings(), &defaults);
    // The inference thread serves the sweep of the reset size.
    run_until(&mut harness, "the sweep", |app| app.explorer().state.grid.value.is_some());
    let (request, images) = harness.state().explorer().state.grid.value.clone().expect("sweep");
    assert_eq!(request.spec.size, defaults.views.grid.size);
    assert_eq!(images.len(), request.spec.size * request.spec.size * 28 * 28);
    let notice = harness.state().notice().expect("a note on the reset settings").to_string();
    for field in [
        "sweep cells per side 4294967296",
        "morph steps",
        "export scale",
        "β",
        "perceptual weight",
        "learning rate",
        "batch size",
    ] {
        assert!(notice.contains(field), "{field} missing from: {notice}");
    }
    assert!(harness.query_by_label_contains("stored settings out of range were reset").is_some());
}

#[test]
fn a_stored_zoom_factor_of_zero_is_reset_at_start() {
    for zoom in [0.0, f32::NAN, 1e6] {
        let mut harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(move |cc| {
            cc.egui_ctx.options_mut(|options| options.zoom_factor = zoom);
            VaeApp::new(cc, Vec::new(), &[])
        });
        harness.run_steps(2);
        assert_eq!(harness.ctx.zoom_factor(), 1.0);
        let notice = harness.state().notice().expect("a note on the zoom").to_string();
        assert!(notice.contains("zoom factor"), "{notice}");
    }
}

#[test]
fn a_failed_run_shows_why_and_train_works_again() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    let empty = tempfile::tempdir().expect("temp dir");
    harness.state_mut().settings_mut().data = vae_explorer::data::DataSource::Folder(empty.path().join("gone"));
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "the failure", |app| app.progress().state == RunState::Failed);
    let error = harness.state().progress().last_error.clone().expect("the reason");
    assert!(error.contains("cannot load the dataset"), "{error}");
    assert!(harness.query_by_label_contains("cannot load the dataset").is_some());
    assert!(!harness.get_by_label("Train").accesskit_node().is_disabled(), "Train stays disabled after a failure");

    harness.state_mut().settings_mut().data = vae_explorer::data::DataSource::Bundled;
    harness.state_mut().settings_mut().training.epochs = 1;
    harness.get_by_label("Train").click();
    run_until(&mut harness, "the second run", |app| app.progress().state == RunState::Finished);
}

#[test]
fn a_bad_data_folder_or_model_folder_is_an_error_in_the_window() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    let empty = tempfile::tempdir().expect("temp dir");
    harness.state_mut().open_folder(empty.path().to_path_buf());
    // The folder is read on the file thread; the error comes back a few frames later.
    run_until(&mut harness, "the folder error", |app| app.progress().last_error.is_some());
    let error = harness.state().progress().last_error.clone().unwrap_or_default();
    assert!(harness.query_by_label_contains("holds no pictures").is_some(), "{error}");

    harness.state_mut().open_model(empty.path().to_path_buf());
    run_until(&mut harness, "the load error", |app| {
        app.progress().last_error.as_deref().is_some_and(|error| error.contains("cannot open the model"))
    });
    assert!(harness.query_by_label_contains("checkpoint.json").is_some());
}
