//! Runs of different latent sizes one after the other on a picture folder: the views follow each
//! new model, and nothing asked for the model before (a plane, a sweep, a morph, a direction, a
//! nearest-images query of the old latent size) reaches the new one as an error or a panic.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{AppAction, PointRef, RunState, Settings, VaeApp};
use vae_explorer::data::PreprocessingChoice;
use vae_explorer::device::DeviceChoice;

use crate::image_folders::write_shape_folder;
use crate::support::run_until;

/// True when every view shows the model of `latent_dim` and nothing has failed.
fn shows_latent(app: &VaeApp, latent_dim: usize) -> bool {
    assert_eq!(app.progress().last_error, None, "no error while the latent size changes");
    let state = &app.explorer().state;
    app.progress().state == RunState::Finished
        && state.model.as_ref().is_some_and(|model| model.latent_dim() == latent_dim)
        && state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == latent_dim)
        && state.decoded.value.as_ref().is_some_and(|(latent, _)| latent.len() == latent_dim)
        && state.grid.value.as_ref().is_some_and(|(request, _)| request.fits(latent_dim))
}

#[test]
fn training_latent_16_then_4_then_16_on_a_picture_folder_shows_no_error() {
    let data = tempfile::tempdir().expect("temp dir");
    write_shape_folder(data.path());
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings { device: DeviceChoice::Cpu, ..Settings::default() };
    settings.image_preprocessing =
        PreprocessingChoice { image_size_px: Some(12), channels: Some(1), ..Default::default() };
    (settings.training.epochs, settings.training.batch_size) = (2, 8);
    // Every view that holds a latent point asks for it.
    settings.views.direction.shown = true;
    settings.views.neighbours.shown = true;
    let autosave_dir = autosave.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, settings, Some(autosave_dir)));
    harness.state_mut().apply(AppAction::OpenFolder(data.path().to_path_buf()));
    run_until(&mut harness, "the picture folder", |app| {
        app.explorer().state.dataset.as_ref().is_some_and(|dataset| dataset.train.shape().height == 12)
    });

    for latent_dim in [16, 4, 16] {
        harness.state_mut().settings_mut().training.model.latent_dim = latent_dim;
        harness.get_by_label("Train").click();
        run_until(&mut harness, &format!("every view of latent {latent_dim}"), |app| shows_latent(app, latent_dim));
        // Morph ends from the scatter, so the next model is asked about a morph of this size too.
        for (slot, index) in [(0, 0), (1, 1)] {
            harness.state_mut().apply(AppAction::PickPoint { slot, point: PointRef { train: false, index } });
        }
        run_until(&mut harness, "the morph", |app| {
            assert_eq!(app.progress().last_error, None);
            let morph = app.explorer().state.morph.value.as_ref();
            morph.is_some_and(|(request, _, _)| request.from.len() == latent_dim)
        });
    }
    harness.run_steps(5);
    assert_eq!(harness.state().progress().last_error, None);
    assert!(harness.query_by_label_contains("error:").is_none(), "no error in the status bar");
}

#[test]
fn morph_ends_follow_a_new_model_of_the_same_latent_size() {
    let runs_dir = tempfile::tempdir().expect("temp dir");
    let mut harness = crate::support::cpu_app_harness(runs_dir.path(), [1280.0, 800.0]);
    run_until(&mut harness, "the bundled model's points", |app| app.explorer().state.cloud.value.is_some());
    let (a, b) = (PointRef { train: false, index: 0 }, PointRef { train: false, index: 1 });
    harness.state_mut().apply(AppAction::PickPoint { slot: 0, point: a });
    harness.state_mut().apply(AppAction::PickPoint { slot: 1, point: b });
    harness.run_steps(2);
    let means =
        |app: &VaeApp| app.explorer().state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
    let old = means(harness.state());
    assert!(old.iter().all(Option::is_some), "both ends have the bundled encoder's means");

    // An untrained model of the same latent size: its encoder puts the same images elsewhere.
    let config = vae_explorer::model::VaeConfig::new();
    assert_eq!(config.latent_dim, old[0].as_ref().map_or(0, Vec::len));
    let model = config.init(&burn::prelude::Device::flex());
    let folder = runs_dir.path().join("untrained");
    vae_explorer::checkpoint::save(&folder, &model, &crate::support::info_for(&config)).expect("save");
    harness.state_mut().apply(AppAction::OpenModel(folder));
    run_until(&mut harness, "the new model's means of both ends", |app| {
        let state = &app.explorer().state;
        let new_model = state.model.as_ref().is_some_and(|model| model.info.epochs_done == 0);
        let now = means(app);
        new_model && now.iter().all(Option::is_some) && now != old
    });
    let state = &harness.state().explorer().state;
    assert!(state.ends.iter().all(Option::is_some), "the ends stay, with their pixels");

    // Each new model asks again (an encoding is a one-off the inference thread does not redo).
    let first = means(harness.state());
    let before = harness.state().explorer().state.model.clone().expect("the model");
    harness.state_mut().apply(AppAction::OpenModel(runs_dir.path().join("untrained")));
    run_until(&mut harness, "the means under the model opened again", |app| {
        let reopened = app.explorer().state.model.as_ref().is_some_and(|model| !std::sync::Arc::ptr_eq(model, &before));
        reopened && means(app).iter().all(Option::is_some)
    });
    assert_eq!(means(harness.state()), first, "the same weights put the ends at the same means");
}
