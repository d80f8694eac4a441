//! A folder of colour pictures in the window: opened through Open folder…'s action, trained with
//! Train, explored in colour; and the data section's preprocessing choices (size, grey or colour)
//! reload the folder and are remembered.

use std::path::{Path, PathBuf};

use burn::prelude::*;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use image::{Rgb, RgbImage};
use vae_explorer::app::{AppAction, PointRef, RunState, Settings, VaeApp};
use vae_explorer::checkpoint;
use vae_explorer::data::{DataSource, PreprocessingChoice};
use vae_explorer::device::DeviceChoice;
use vae_explorer::image_shape::ImageShape;
use vae_explorer::model::{Architecture, ConvLayout, ReconstructionLoss, ScaleFit, VaeConfig};
use vae_explorer::training::LossChoice;

use crate::support::{info_for, run_until};

/// Pictures per class in [`write_colour_folder`].
const PER_CLASS: usize = 9;
/// The class folders, in the order the loader names them (sorted).
const CLASSES: [&str; 3] = ["blue-triangles", "green-squares", "red-circles"];
/// Broken files [`write_colour_folder`] adds.
const BROKEN: [&str; 3] = ["empty.png", "truncated.png", "notes.png"];

/// One `side × side` picture of class `class` (index into [`CLASSES`]) on white, moved by `shift`.
fn shape(class: usize, side: u32, shift: u32) -> RgbImage {
    let centre = side as f32 / 2.0 + shift as f32 - 1.0;
    let half = side as f32 / 4.0;
    RgbImage::from_fn(side, side, |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - centre, y as f32 + 0.5 - centre);
        let inside = match class {
            0 => dy > -half && dy < half && dx.abs() < (dy + half) / 2.0,
            1 => dx.abs() < half && dy.abs() < half,
            _ => dx * dx + dy * dy < half * half,
        };
        let colour = [Rgb([30, 40, 220]), Rgb([30, 180, 40]), Rgb([220, 30, 30])][class.min(2)];
        if inside { colour } else { Rgb([255, 255, 255]) }
    })
}

/// Writes [`PER_CLASS`] coloured shapes of `side` pixels into each class folder of [`CLASSES`],
/// plus the [`BROKEN`] files: an empty one, a truncated PNG and text named `.png`.
fn write_colour_folder(dir: &Path, side: u32) {
    for (class, name) in CLASSES.iter().enumerate() {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).expect("class folder");
        for index in 0..PER_CLASS {
            shape(class, side, index as u32 % 3).save(folder.join(format!("{index}.png"))).expect("write a picture");
        }
    }
    std::fs::write(dir.join(CLASSES[0]).join(BROKEN[0]), b"").expect("write");
    let whole = std::fs::read(dir.join(CLASSES[1]).join("0.png")).expect("read");
    std::fs::write(dir.join(CLASSES[1]).join(BROKEN[1]), &whole[..whole.len() / 2]).expect("write");
    std::fs::write(dir.join(CLASSES[2]).join(BROKEN[2]), b"not a picture, only text\n").expect("write");
}

fn harness_with(settings: Settings, autosave: &Path) -> Harness<'static, VaeApp> {
    let autosave = autosave.to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, settings, Some(autosave)));
    harness.run_steps(2);
    harness
}

/// True when the views show the dataset of the picture folder `dir`.
fn shows_folder(app: &VaeApp, dir: &Path) -> bool {
    app.explorer().state.dataset.as_ref().is_some_and(|dataset| dataset.name == dir.display().to_string())
}

/// The shape of the images the views show.
fn shown_shape(app: &VaeApp) -> Option<ImageShape> {
    app.explorer().state.dataset.as_ref().map(|dataset| dataset.train.shape())
}

/// The largest difference between two colour channels of any pixel of planar RGB `images`.
fn colour_margin(images: &[f32], pixels_per_image: usize) -> f32 {
    let mut margin = 0.0f32;
    for image in images.chunks_exact(3 * pixels_per_image) {
        let (red, rest) = image.split_at(pixels_per_image);
        let (green, blue) = rest.split_at(pixels_per_image);
        for ((r, g), b) in red.iter().zip(green).zip(blue) {
            margin = margin.max((r - g).abs()).max((g - b).abs());
        }
    }
    margin
}

#[test]
fn a_colour_folder_trains_in_the_window_and_every_class_shows_in_colour() {
    const SIDE: usize = 16;
    let data = tempfile::tempdir().expect("temp dir");
    write_colour_folder(data.path(), SIDE as u32);
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings { device: DeviceChoice::Cpu, ..Settings::default() };
    let training = &mut settings.training;
    (training.model.architecture, training.model.latent_dim) = (Architecture::Conv, 3);
    (training.epochs, training.batch_size) = (2, 8);
    let mut harness = harness_with(settings, autosave.path());

    // What Open folder… produces once the dialog answers.
    harness.state_mut().apply(AppAction::OpenFolder(data.path().to_path_buf()));
    run_until(&mut harness, "the colour folder", |app| shows_folder(app, data.path()));
    let app = harness.state();
    assert!(matches!(&app.settings().data, DataSource::ImageFolder { dir, .. } if dir == data.path()));
    assert_eq!(shown_shape(app), Some(ImageShape { channels: 3, height: SIDE, width: SIDE }));
    let notice = app.notice().expect("a note on what was opened").to_string();
    assert!(notice.contains("3 classes") && notice.contains("skipped 3 file(s)"), "{notice}");
    for broken in BROKEN {
        assert!(notice.contains(broken), "{broken} is not named: {notice}");
    }
    assert!(harness.query_by_label_contains("skipped 3 file(s)").is_some(), "the status bar names the skipped files");

    // The conv layout is chosen in the left panel (new runs default to `direct`), and the run takes it.
    assert_eq!(harness.state().settings().conv_layout, ConvLayout::Direct);
    choose(&mut harness, "conv layout", "scaled");
    assert_eq!(harness.state().settings().conv_layout, ConvLayout::Scaled);

    harness.get_by_label("Train").click();
    let pixels = SIDE * SIDE;
    run_until(&mut harness, "the trained colour model in every view", |app| {
        let state = &app.explorer().state;
        assert_ne!(app.progress().state, RunState::Failed, "{:?}", app.progress().last_error);
        app.progress().state == RunState::Finished
            && state
                .model
                .as_ref()
                .is_some_and(|model| model.info.epochs_done == 2 && model.info.training.model.latent_dim == 3)
            && state.cloud.value.as_ref().is_some_and(|cloud| cloud.epochs_done == 2 && cloud.latent_dim == 3)
            && state.decoded.value.as_ref().is_some_and(|(latent, _)| latent.len() == 3)
            && state.grid.value.is_some()
    });
    let app = harness.state();
    let state = &app.explorer().state;
    let model = state.model.as_ref().expect("the trained model");
    assert_eq!(model.image_shape(), ImageShape { channels: 3, height: SIDE, width: SIDE });
    assert_eq!(model.info.training.model.conv_layout, ConvLayout::Scaled, "trained with the layout chosen");
    // The loss chooser left on auto: colour pictures train the calibrated decoder.
    assert_eq!(app.settings().loss_choice, LossChoice::Auto);
    let training = &model.info.training;
    assert_eq!((training.loss, training.scale_fit), (ReconstructionLoss::Mse, ScaleFit::Learned));
    let dataset = state.dataset.as_ref().expect("the dataset");
    assert_eq!(dataset.class_names, CLASSES);
    let cloud = state.cloud.value.as_ref().expect("the scatter");
    let mut labels = cloud.labels.clone();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels, [0, 1, 2], "the scatter holds every class of the folder");
    for class in CLASSES {
        assert!(harness.query_by_label(class).is_some(), "the legend names {class}");
    }
    let (_, decoded) = state.decoded.value.as_ref().expect("the sliders' image");
    assert_eq!(decoded.len(), 3 * pixels, "the sliders' image is RGB");
    let (_, grid) = state.grid.value.as_ref().expect("the decoder grid");
    assert!(!grid.is_empty() && grid.len() % (3 * pixels) == 0, "the decoder grid is RGB");
    let margin = colour_margin(decoded, pixels).max(colour_margin(grid, pixels));
    assert!(margin > 0.1, "no decoded pixel has colour: the largest channel difference is {margin}");
}

/// Picks `option` in the combo box named `combo`.
fn choose(harness: &mut Harness<'static, VaeApp>, combo: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    harness.run_steps(2);
    harness.get_by_label(option).click();
    harness.run_steps(2);
}

#[test]
fn preprocessing_chosen_in_the_data_section_reloads_the_folder_and_is_remembered() {
    let data = tempfile::tempdir().expect("temp dir");
    write_colour_folder(data.path(), 24);
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_with(Settings::default(), autosave.path());
    assert!(harness.query_by_role_and_label(Role::ComboBox, "image size").is_none(), "only for picture folders");

    harness.state_mut().apply(AppAction::OpenFolder(data.path().to_path_buf()));
    run_until(&mut harness, "the folder at its own size", |app| shows_folder(app, data.path()));
    assert_eq!(shown_shape(harness.state()), Some(ImageShape { channels: 3, height: 24, width: 24 }));

    choose(&mut harness, "image size", "16 px");
    choose(&mut harness, "channels", "grey");
    let grey_16 = ImageShape::grey(16, 16);
    run_until(&mut harness, "the folder reloaded as 16 × 16 grey", |app| {
        shows_folder(app, data.path()) && shown_shape(app) == Some(grey_16)
    });
    let chosen = PreprocessingChoice { image_size_px: Some(16), channels: Some(1), ..Default::default() };
    let settings = harness.state().settings().clone();
    assert_eq!(settings.image_preprocessing, chosen);
    let reopened = DataSource::ImageFolder { dir: data.path().to_path_buf(), preprocessing: chosen };
    assert_eq!(settings.data, reopened);
    assert_eq!(settings.data_choices().iter().filter(|source| source.to_string() == reopened.to_string()).count(), 1);
    drop(harness);

    // A new session restores the choice: the stored folder and a newly opened one load as 16 × 16 grey.
    let stored: Settings = serde_json::from_str(&serde_json::to_string(&settings).expect("store")).expect("restore");
    let mut harness = harness_with(stored, autosave.path());
    run_until(&mut harness, "the stored folder", |app| shows_folder(app, data.path()));
    assert_eq!(shown_shape(harness.state()), Some(grey_16));
    let other = tempfile::tempdir().expect("temp dir");
    write_colour_folder(other.path(), 32);
    harness.state_mut().apply(AppAction::OpenFolder(other.path().to_path_buf()));
    run_until(&mut harness, "the other folder", |app| shows_folder(app, other.path()));
    assert_eq!(shown_shape(harness.state()), Some(grey_16));
}

#[test]
fn an_imported_image_takes_the_models_own_preprocessing_not_the_windows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model_dir = dir.path().join("model");
    let config = VaeConfig { channels: 3, image_height: 16, image_width: 16, ..VaeConfig::new() };
    checkpoint::save(&model_dir, &config.init(&Device::flex()), &info_for(&config)).expect("save the model");
    let picture: PathBuf = dir.path().join("red.png");
    shape(2, 40, 0).save(&picture).expect("write a picture");
    let window_choice = PreprocessingChoice { image_size_px: Some(32), channels: Some(1), ..Default::default() };
    let settings = Settings { image_preprocessing: window_choice, ..Settings::default() };
    let mut harness = harness_with(settings, &dir.path().join("autosave"));
    harness.state_mut().open_model(model_dir);
    run_until(&mut harness, "the colour model", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| model.image_shape().channels == 3)
    });
    harness.state_mut().open_image(0, &picture);
    run_until(&mut harness, "the imported end", |app| app.explorer().state.ends[0].is_some());
    let end = harness.state().explorer().state.ends[0].as_ref().expect("end A");
    assert_eq!(end.pixels.len(), 3 * 16 * 16, "imported as the model's 16 × 16 RGB");
    assert!(colour_margin(&end.pixels, 16 * 16) > 0.5, "the red disc stays red");
}

#[test]
fn a_folder_opened_under_a_model_of_another_shape_is_guidance_and_no_old_view_stays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model_dir = dir.path().join("model");
    let config = VaeConfig { channels: 3, image_height: 16, image_width: 16, ..VaeConfig::new() };
    checkpoint::save(&model_dir, &config.init(&Device::flex()), &info_for(&config)).expect("save the model");
    let data = dir.path().join("pictures");
    write_colour_folder(&data, 16);
    let mut harness = harness_with(Settings::default(), &dir.path().join("autosave"));
    run_until(&mut harness, "the digits' scatter", |app| app.explorer().state.cloud.value.is_some());
    harness.state_mut().apply(AppAction::PickPoint { slot: 0, point: PointRef { train: false, index: 3 } });
    harness.run_steps(2);
    assert!(harness.state().explorer().state.ends[0].is_some(), "a digit as morph end A");

    // The bundled digits' model cannot read the folder's 16 × 16 RGB pictures: the normal first step.
    harness.state_mut().apply(AppAction::OpenFolder(data.clone()));
    run_until(&mut harness, "the folder under the digits' model", |app| shows_folder(app, &data));
    harness.run_steps(20);
    let app = harness.state();
    let state = &app.explorer().state;
    assert_eq!(app.progress().last_error, None, "guidance, not an error");
    let guidance = state.data_mismatch().expect("guidance on the mismatch");
    assert!(guidance.contains("this model reads 28×28 grey pictures") && guidance.contains("16×16 RGB"), "{guidance}");
    assert!(guidance.contains("train one on this data, or open a model made for it"), "{guidance}");
    assert!(state.cloud.value.is_none(), "the digits' points are not shown under the folder's legend");
    assert!(state.ends[0].is_none(), "a morph end picked from the digits is gone with them");
    let shown = harness.query_all_by_label_contains("this model reads 28×28 grey pictures").count();
    assert_eq!(shown, 2, "the status bar and the scatter's place say what to do");
    assert!(harness.query_by_label_contains("error:").is_none());

    harness.state_mut().open_model(model_dir);
    run_until(&mut harness, "the folder's model and its scatter", |app| {
        let state = &app.explorer().state;
        shows_folder(app, &data)
            && state.model.as_ref().is_some_and(|model| model.image_shape().channels == 3)
            && state.cloud.value.as_ref().is_some_and(|cloud| cloud.epochs_done == 0)
    });
    let app = harness.state();
    assert_eq!(app.progress().last_error, None);
    assert_eq!(app.explorer().state.data_mismatch(), None);
    for class in CLASSES {
        assert!(harness.query_by_label(class).is_some(), "the legend names {class}");
    }
}

#[test]
fn the_loss_chooser_starts_on_auto_and_a_chosen_loss_shows_its_scale() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = harness_with(Settings { device: DeviceChoice::Cpu, ..Settings::default() }, autosave.path());
    let auto_note = "grey pictures: bce · colour: mse, σ learned";
    assert_eq!(harness.state().settings().loss_choice, LossChoice::Auto);
    assert!(harness.query_by_label(auto_note).is_some(), "auto says what it picks");
    assert!(harness.query_by_label("learned").is_none(), "auto has no scale to set");

    choose(&mut harness, "reconstruction loss", "mse");
    let settings = harness.state().settings();
    assert_eq!(settings.loss_choice, LossChoice::Chosen(ReconstructionLoss::Mse));
    assert_eq!(settings.training.loss, ReconstructionLoss::Mse);
    assert!(harness.query_by_label(auto_note).is_none());
    assert!(harness.query_by_label("learned").is_some(), "mse offers its σ, fixed or learned");

    // Back to auto: the popup's entry is the last "auto" drawn (the device chooser shows one too).
    harness.get_by_role_and_label(Role::ComboBox, "reconstruction loss").click();
    harness.run_steps(2);
    harness.get_all_by_label("auto").last().expect("the popup's auto").click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings().loss_choice, LossChoice::Auto);
    assert!(harness.query_by_label(auto_note).is_some());
}
