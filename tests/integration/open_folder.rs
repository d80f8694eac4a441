//! The window's Open folder…: the folder is read on the file thread, the status bar tells what
//! came in, and the views and the dataset list take it.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{Settings, VaeApp};
use vae_explorer::data::DataSource;

use crate::support::{write_images, write_labels};

const PATIENCE: Duration = Duration::from_secs(120);

#[test]
fn an_opened_idx_folder_loads_off_the_ui_thread_and_is_selected() {
    let data = tempfile::tempdir().expect("temp dir");
    write_images(&data.path().join("train-images-idx3-ubyte.gz"), 60, 28, true);
    write_labels(&data.path().join("train-labels-idx1-ubyte.gz"), 60, true);
    let autosave = tempfile::tempdir().expect("temp dir");
    let autosave_dir = autosave.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, Settings::default(), Some(autosave_dir)));
    harness.run_steps(2);

    harness.state_mut().open_folder(data.path().to_path_buf());
    // The call returns at once: the folder is a job on the file thread.
    assert!(harness.state().file_jobs_in_flight() >= 1);
    let source = DataSource::Folder(data.path().to_path_buf());
    let started = Instant::now();
    while harness.state().explorer().state.dataset.as_ref().is_none_or(|dataset| dataset.name != source.to_string()) {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for the folder's images");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
    let app = harness.state();
    assert_eq!(app.settings().data, source);
    assert!(app.settings().data_choices().contains(&source));
    let notice = app.notice().expect("a note on what was opened").to_string();
    let dataset = app.explorer().state.dataset.as_ref().expect("the dataset");
    assert_eq!(dataset.train.len() + dataset.heldout.len(), 60);
    let expected = format!(
        "{} training and {} held-out images (28×28 grey), 10 classes",
        dataset.train.len(),
        dataset.heldout.len()
    );
    assert!(notice.contains(&expected), "{notice}");
    assert!(harness.query_by_label_contains("held-out images (28×28 grey)").is_some());
}

#[test]
fn a_dataset_without_classes_says_so_in_the_legend() {
    let data = tempfile::tempdir().expect("temp dir");
    write_images(&data.path().join("train-images-idx3-ubyte"), 40, 28, false);
    let mut labels = Vec::new();
    for word in [0x0000_0801u32, 40] {
        labels.extend_from_slice(&word.to_be_bytes());
    }
    labels.extend([0u8; 40]);
    std::fs::write(data.path().join("train-labels-idx1-ubyte"), labels).expect("write labels");
    let autosave = tempfile::tempdir().expect("temp dir");
    let autosave_dir = autosave.path().to_path_buf();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, Settings::default(), Some(autosave_dir)));
    harness.run_steps(2);
    assert!(harness.query_by_label("no classes").is_none());

    harness.state_mut().open_folder(data.path().to_path_buf());
    let started = Instant::now();
    // The bundled model encodes the folder's 28 × 28 images: wait for a scatter of all its held-out points.
    while harness.state().explorer().state.cloud.value.as_ref().is_none_or(|cloud| cloud.len() > 10) {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for the folder's scatter");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
    assert!(harness.query_by_label("no classes").is_some(), "the legend names no classes");
}
