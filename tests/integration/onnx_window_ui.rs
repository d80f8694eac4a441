//! An ONNX model in the window: opened like one of ours (here a 32×32 colour model, so the bundled
//! 28×28 digits are brought to its image), its scatter fills and its decoder grid is drawn, and
//! Train and Continue training are off (it cannot be trained here).

use egui_kittest::kittest::{NodeT, Queryable};
use vae_explorer::image_shape::ImageShape;

use crate::onnx_models::fixture;
use crate::support::{cpu_app_harness, run_until};

/// The size of the decoder grid's texture, once drawn.
fn grid_texture_size(harness: &egui_kittest::Harness<'_, vae_explorer::app::VaeApp>) -> Option<[usize; 2]> {
    let textures = harness.ctx.tex_manager();
    let textures = textures.read();
    textures.allocated().find(|(_, meta)| meta.name == "decoder_grid").map(|(_, meta)| meta.size)
}

#[test]
fn an_onnx_folder_opens_in_the_window_and_its_views_fill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(&dir.path().join("autosave"), [1280.0, 800.0]);
    run_until(&mut harness, "the bundled model's grid", |app| app.explorer().state.grid.value.is_some());
    harness.run_steps(3);
    let bundled_grid = grid_texture_size(&harness);

    harness.state_mut().open_model(fixture("colour_logits"));
    run_until(&mut harness, "the ONNX model", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| model.model.onnx().is_some())
    });
    run_until(&mut harness, "the scatter of its encoder means and its grid", |app| {
        let state = &app.explorer().state;
        let cloud = state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == 5 && !cloud.means.is_empty());
        let grid = state.grid.value.as_ref().is_some_and(|(_, images)| images.len() % (3 * 32 * 32) == 0);
        cloud && grid
    });
    harness.run_steps(3);
    let state = &harness.state().explorer().state;
    let dataset = state.dataset.as_ref().expect("data");
    assert_eq!(
        dataset.heldout.shape(),
        ImageShape { channels: 3, height: 32, width: 32 },
        "digits brought to the model"
    );
    let cloud = state.cloud.value.as_ref().expect("a cloud");
    assert_eq!(cloud.means.len(), cloud.labels.len() * 5);
    assert_eq!(cloud.log_vars.len(), cloud.means.len(), "σ views have the log-variances");
    assert!(cloud.means.iter().all(|value| value.is_finite()));
    let grid = grid_texture_size(&harness).expect("the decoder grid is drawn");
    assert_ne!(Some(grid), bundled_grid, "the grid was drawn again, in 32×32 cells");
    for name in ["Train", "Continue training"] {
        let button = harness.get_by_label(name);
        assert!(button.accesskit_node().is_disabled(), "{name} is off for an ONNX model");
    }
    assert!(harness.query_by_label_contains("model: onnx, latent 5").is_some(), "the status bar names it");
}
