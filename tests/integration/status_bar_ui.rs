//! The status bar says what the window reads and why its autosave is off (issue 27): the folder of
//! the data shown, as the CLI's `read ‹folder›: …` line, and a run's folder held by another writer.

use egui_kittest::kittest::Queryable;
use vae_explorer::app::{AppAction, RunState};
use vae_explorer::folder_lock::{FolderLock, LOCK_FILE};

use crate::image_folders::write_shape_folder;
use crate::support::{cpu_app_harness, run_until};

#[test]
fn the_status_bar_says_which_folder_the_window_reads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(&dir.path().join("runs"), [1280.0, 800.0]);
    run_until(&mut harness, "the bundled digits", |app| app.data_read().is_some());
    let bundled = harness.state().data_read().expect("read").to_string();
    assert!(bundled.starts_with("read MNIST 10k (bundled): "), "{bundled}");
    assert!(harness.query_by_label_contains(&bundled).is_some(), "shown in the status bar: {bundled}");

    let data = dir.path().join("pictures");
    write_shape_folder(&data);
    harness.state_mut().apply(AppAction::OpenFolder(data.clone()));
    let expected = format!("read {}: ", data.display());
    run_until(&mut harness, "the picture folder", |app| {
        app.data_read().is_some_and(|read| read.starts_with(&expected))
    });
    let read = harness.state().data_read().expect("read").to_string();
    assert!(read.contains("training and") && read.contains("held-out images of"), "{read}");
    assert!(harness.query_by_label_contains(&read).is_some(), "shown in the status bar: {read}");
    assert!(harness.query_by_label_contains(&bundled).is_none(), "the old folder is no longer said");
}

#[test]
fn an_autosave_refused_by_the_lock_is_said_with_its_holder_and_training_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(&dir.path().join("runs"), [1280.0, 800.0]);
    harness.state_mut().settings_mut().training.epochs = 1;
    run_until(&mut harness, "the bundled digits", |app| app.data_read().is_some());

    // Train, and take the run's folder before the training thread does (it first builds the model).
    harness.state_mut().apply(AppAction::Train);
    let run = harness.state().current_run_folder().expect("a run folder").to_path_buf();
    std::fs::create_dir_all(&run).expect("the run's folder");
    let _held = FolderLock::acquire(&run, "sweep").expect("the test holds the run's folder");

    run_until(&mut harness, "the end of the run", |app| app.progress().state == RunState::Finished);
    let error = harness.state().progress().last_error.clone().expect("the refusal is said");
    assert!(error.starts_with("autosave is off for this run: "), "{error}");
    assert!(error.contains("is being written by this process's sweep"), "the holder is named: {error}");
    assert!(harness.query_by_label_contains("autosave is off for this run").is_some(), "in the status bar");
    assert_eq!(harness.state().progress().epochs.len(), 1, "training went on");
    assert!(harness.state().explorer().state.model.is_some(), "the trained model is shown");
    let written: Vec<_> = std::fs::read_dir(&run).expect("list").flatten().map(|entry| entry.file_name()).collect();
    assert_eq!(written, [LOCK_FILE], "nothing was saved into the held folder");
}
