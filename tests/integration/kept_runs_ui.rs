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
