//! No run is lost: every Train keeps its own folder in the runs folder, the Runs panel lists them
//! all after a restart, "Open last session" names and opens the newest, and a run is deleted
//! only after the panel asked.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{RunState, VaeApp};

use crate::support::{cpu_app_harness, run_until};

/// The runs the panel lists from folders (not the run being trained).
fn kept_names(app: &VaeApp, runs_dir: &Path) -> Vec<String> {
    let runs = app.runs().runs(app.progress());
    runs.iter()
        .filter(|run| run.folder().is_some_and(|dir| dir.parent() == Some(runs_dir)))
        .map(|run| run.name.clone())
        .collect()
}

/// Steps frames until a widget labelled `label` is drawn (at most 50 frames).
fn step_until_shown(harness: &mut Harness<'static, VaeApp>, label: &str) {
    for _ in 0..50 {
        if harness.query_by_label(label).is_some() {
            // Clicks land where the widget was when it was looked up: the panel settles first.
            harness.run_steps(3);
            return;
        }
        harness.step();
    }
    panic!("{label} was not shown");
}

fn train(harness: &mut Harness<'static, VaeApp>, latent_dim: usize) {
    harness.state_mut().settings_mut().training.model.latent_dim = latent_dim;
    harness.get_by_label("Train").click();
    run_until(harness, &format!("the run of latent {latent_dim}"), |app| {
        app.progress().state == RunState::Finished
            && app.explorer().state.model.as_ref().is_some_and(|model| model.latent_dim() == latent_dim)
    });
}

#[test]
fn runs_are_kept_across_train_train_and_a_restart_and_deleted_only_when_confirmed() {
    let runs_dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(runs_dir.path(), [1280.0, 900.0]);
    harness.state_mut().settings_mut().training.epochs = 1;
    harness.run_steps(2);
    train(&mut harness, 2);
    train(&mut harness, 3);
    run_until(&mut harness, "both runs listed", |app| kept_names(app, runs_dir.path()).len() == 2);
    let names = kept_names(harness.state(), runs_dir.path());
    assert!(names.iter().any(|name| name.ends_with("_mlp_latent-2")), "{names:?}");
    assert!(names.iter().any(|name| name.ends_with("_mlp_latent-3")), "{names:?}");
    drop(harness);

    // A restart lists both, and "Open last session" says which one it opens: the newest.
    let mut harness = cpu_app_harness(runs_dir.path(), [1280.0, 900.0]);
    run_until(&mut harness, "both runs after the restart", |app| {
        kept_names(app, runs_dir.path()).len() == 2 && app.file_jobs_in_flight() == 0
    });
    harness.run_steps(2);
    let newest = names.iter().max().expect("two runs").clone();
    assert!(newest.ends_with("_mlp_latent-3"), "{newest}");
    let label = format!("Last session: {newest}: mlp, latent 3, 1 epochs");
    assert!(harness.query_by_label(&label).is_some(), "the panel names what it opens: {label}");
    harness.get_by_label("Open last session").click();
    run_until(&mut harness, "the newest run opened, its views in", |app| {
        let state = &app.explorer().state;
        state.model.as_ref().is_some_and(|model| model.latent_dim() == 3 && model.info.epochs_done == 1)
            && state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == 3)
            && app.file_jobs_in_flight() == 0
    });
    // Clicks land where the widget was when it was looked up: the window settles first.
    harness.run_steps(5);

    // Delete asks first: Keep leaves both runs, Delete removes one folder.
    harness.get_all_by_label("delete…").next().expect("a delete link").click();
    step_until_shown(&mut harness, "Keep");
    assert!(harness.query_by_label_contains("This cannot be undone").is_some(), "the question names the cost");
    harness.get_by_label("Keep").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Keep").is_none(), "the question is gone");
    assert_eq!(std::fs::read_dir(runs_dir.path()).expect("list").count(), 2, "kept after Keep");
    harness.get_all_by_label("delete…").next().expect("a delete link").click();
    step_until_shown(&mut harness, "Delete");
    harness.get_by_label("Delete").click();
    run_until(&mut harness, "one run left", |app| kept_names(app, runs_dir.path()).len() == 1);
    assert_eq!(std::fs::read_dir(runs_dir.path()).expect("list").count(), 1);
    assert_eq!(harness.state().progress().last_error, None);
}

/// Saves an untrained 28×28 model with one epoch's history as the kept run `runs_dir/name`.
fn save_kept_run(runs_dir: &Path, name: &str) {
    let config = vae_explorer::model::VaeConfig::new();
    let model = config.init(&burn::prelude::Device::flex());
    let info = vae_explorer::checkpoint::CheckpointInfo { epochs_done: 1, ..crate::support::info_for(&config) };
    vae_explorer::checkpoint::save(&runs_dir.join(name), &model, &info).expect("save a run");
}

/// Opens "rename…" on the first run listed and types `name` into the question's field.
fn type_new_name(harness: &mut Harness<'static, VaeApp>, name: &str) {
    harness.get_all_by_label("rename…").next().expect("a rename link").click();
    step_until_shown(harness, "Cancel");
    let field = harness.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    harness.step();
    harness.get_by_role(egui::accesskit::Role::TextInput).type_text(name);
    harness.run_steps(2);
}

#[test]
fn a_kept_run_is_renamed_in_the_panel_never_onto_another_and_a_path_is_no_name() {
    let runs_dir = tempfile::tempdir().expect("temp dir");
    let first = "2026-12-06_10-00-00_mlp_latent-2";
    save_kept_run(runs_dir.path(), first);
    save_kept_run(runs_dir.path(), "baseline");
    let mut harness = cpu_app_harness(runs_dir.path(), [1280.0, 900.0]);
    run_until(&mut harness, "both runs listed", |app| kept_names(app, runs_dir.path()).len() == 2);
    harness.run_steps(3);

    // A path is no name: the question says why and Rename does nothing.
    type_new_name(&mut harness, "../elsewhere");
    assert!(harness.query_by_label_contains("is not one folder name").is_some(), "the name is refused as typed");
    harness.get_by_label("Rename").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Cancel").is_some(), "the question stays open");
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);

    // The name of another run: refused on the file thread, both runs untouched.
    type_new_name(&mut harness, "baseline");
    harness.get_by_label("Rename").click();
    run_until(&mut harness, "the refusal", |app| app.progress().last_error.is_some());
    let error = harness.state().progress().last_error.clone().unwrap_or_default();
    assert!(error.contains("already exists"), "{error}");
    assert_eq!(crate::support::entries(runs_dir.path()), [first, "baseline"]);

    // A new name: the folder is renamed and the panel lists the run under it.
    type_new_name(&mut harness, "wide prior");
    harness.get_by_label("Rename").click();
    run_until(&mut harness, "the renamed run listed", |app| {
        kept_names(app, runs_dir.path()).contains(&"wide prior".to_string()) && app.file_jobs_in_flight() == 0
    });
    assert_eq!(crate::support::entries(runs_dir.path()), ["baseline", "wide prior"]);
    assert!(runs_dir.path().join("wide prior").join("checkpoint.json").is_file());
    let notice = harness.state().notice().unwrap_or_default().to_string();
    assert!(notice.contains(&format!("renamed the run {first} to wide prior")), "{notice}");
    harness.run_steps(2);
    assert!(harness.query_by_label("wide prior").is_some(), "the panel shows the new name");
    assert!(harness.query_by_label(first).is_none());
}
