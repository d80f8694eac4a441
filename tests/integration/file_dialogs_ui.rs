//! The in-window file browser: what every Open…, Save… and Export… shows where the desktop has
//! no dialog of its own (no XDG portal, no zenity), and the other ways folders come in (the
//! command line, dropping a folder on the window).

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{AppAction, VaeApp, WindowPaths};

use crate::image_folders::write_shape_folder;
use crate::support::{cpu_app_harness, run_until, step_until_label};

/// The app with only the in-window browser, starting in `start`.
fn browser_harness(autosave: &Path, start: &Path) -> Harness<'static, VaeApp> {
    let mut harness = cpu_app_harness(autosave, [1280.0, 800.0]);
    let dialogs = harness.state_mut().dialogs_mut();
    dialogs.set_in_window_only(true);
    dialogs.set_start_dir(start.to_path_buf());
    harness.run_steps(2);
    harness
}

fn browser_is_open(harness: &mut Harness<'static, VaeApp>) -> bool {
    harness.state_mut().dialogs_mut().browser_is_open()
}

#[test]
fn open_folder_in_the_in_window_browser_opens_the_chosen_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("pictures");
    write_shape_folder(&data);
    let mut harness = browser_harness(&dir.path().join("autosave"), dir.path());

    harness.get_by_label("Open folder…").click();
    harness.run_steps(3);
    assert!(browser_is_open(&mut harness), "the in-window browser is open");
    assert!(harness.query_by_label_contains("Open a dataset folder").is_some(), "titled for what it asks");
    // The folder is listed on a thread of its own.
    step_until_label(&mut harness, "pictures/");
    harness.get_by_label("pictures/").click();
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    harness.run_steps(2);
    assert!(!browser_is_open(&mut harness));
    run_until(&mut harness, "the chosen folder", |app| {
        app.explorer().state.dataset.as_ref().is_some_and(|dataset| dataset.name == data.display().to_string())
    });
    assert_eq!(harness.state().progress().last_error, None);
}

#[test]
fn export_png_in_the_in_window_browser_writes_the_file_and_cancel_does_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = browser_harness(&dir.path().join("autosave"), dir.path());
    run_until(&mut harness, "the decoded point", |app| app.explorer().state.decoded.value.is_some());

    // The sliders' Export PNG… (the first of the window's, in the right panel).
    harness.get_all_by_label("Export PNG…").next().expect("an export button").click();
    harness.run_steps(3);
    assert!(browser_is_open(&mut harness));
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!browser_is_open(&mut harness), "Cancel closes it");
    assert!(harness.state().notice().is_none_or(|notice| !notice.contains("exported")));

    harness.get_all_by_label("Export PNG…").next().expect("an export button").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("file name").is_some(), "a file name to save under");
    harness.get_by_label("Save").click();
    let pngs = || {
        let entries = std::fs::read_dir(dir.path()).expect("list");
        entries.flatten().filter(|entry| entry.path().extension().is_some_and(|ext| ext == "png")).count()
    };
    run_until(&mut harness, "the exported file", |app| app.file_jobs_in_flight() == 0 && pngs() == 1);
    let notice = harness.state().notice().expect("a note on the export").to_string();
    assert!(notice.contains("exported") && notice.contains(dir.path().to_str().expect("utf-8")), "{notice}");
    assert_eq!(harness.state().progress().last_error, None);
}

#[test]
fn folders_dropped_or_named_on_the_command_line_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("pictures");
    write_shape_folder(&data);
    let model = dir.path().join("model");
    std::fs::create_dir_all(&model).expect("model folder");
    std::fs::write(model.join(vae_explorer::checkpoint::DESCRIPTION_FILE), b"{}").expect("a description");
    let image = dir.path().join("a.png");
    std::fs::write(&image, b"").expect("a file");
    let dropped = VaeApp::dropped_paths(vec![data.clone(), model.clone(), image.clone()], false);
    let expected = vec![
        AppAction::OpenFolder(data.clone()),
        AppAction::OpenModel(model.clone()),
        AppAction::ImportImage { slot: 0, path: image },
    ];
    assert_eq!(dropped, expected);
    let named = WindowPaths { data: Some(data.clone()), model: Some(model.clone()) };
    assert_eq!(named.actions(), vec![AppAction::OpenFolder(data.clone()), AppAction::OpenModel(model)]);

    // A folder dropped on the real window (as the platform hands it to egui) opens as the dataset.
    let mut harness = cpu_app_harness(&dir.path().join("autosave"), [1280.0, 800.0]);
    harness.run_steps(2);
    harness.input_mut().dropped_files.push(std::sync::Arc::new(DroppedPath(data.clone())));
    run_until(&mut harness, "the dropped folder", |app| {
        app.explorer().state.dataset.as_ref().is_some_and(|dataset| dataset.name == data.display().to_string())
    });
    assert_eq!(harness.state().progress().last_error, None);
}

/// A path dropped on the window, as eframe's platform integration hands it to egui.
#[derive(Debug)]
struct DroppedPath(std::path::PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}
