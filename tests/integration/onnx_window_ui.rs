//! An ONNX model in the window: opened like one of ours, its scatter fills and its decoder grid is
//! drawn, and Train and Continue training are off (it cannot be trained here).

use egui_kittest::kittest::{NodeT, Queryable};

use crate::onnx_models::fixture;
use crate::support::{cpu_app_harness, run_until};

#[test]
fn an_onnx_folder_opens_in_the_window_and_its_views_fill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(&dir.path().join("autosave"), [1280.0, 800.0]);
    harness.run_steps(2);
    harness.state_mut().open_model(fixture("conv_bn"));
    run_until(&mut harness, "the ONNX model", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| model.model.onnx().is_some())
    });
    run_until(&mut harness, "the scatter of its encoder means", |app| {
        let state = &app.explorer().state;
        state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == 4 && !cloud.means.is_empty())
            && state.grid.value.is_some()
    });
    harness.run_steps(3);
    let state = &harness.state().explorer().state;
    let cloud = state.cloud.value.as_ref().expect("a cloud");
    assert_eq!(cloud.means.len(), cloud.labels.len() * 4);
    assert_eq!(cloud.log_vars.len(), cloud.means.len(), "σ views have the log-variances");
    assert!(cloud.means.iter().all(|value| value.is_finite()));
    let textures = harness.ctx.tex_manager();
    assert!(textures.read().allocated().any(|(_, meta)| meta.name == "decoder_grid"), "the decoder grid is drawn");
    for name in ["Train", "Continue training"] {
        let button = harness.get_by_label(name);
        assert!(button.accesskit_node().is_disabled(), "{name} is off for an ONNX model");
    }
    assert!(harness.query_by_label_contains("model: onnx, latent 4").is_some(), "the status bar names it");
}
