//! An ONNX model in the window: opened like one of ours (here a 32×32 colour model, so the bundled
//! 28×28 digits are brought to its image), its scatter fills and its decoder grid is drawn, and
//! Train and Continue training are off (it cannot be trained here). Graphs that leave choices open
//! ask them in a form, whose answers are kept for the next open.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use vae_explorer::image_shape::ImageShape;
use vae_explorer::onnx_model::DESCRIPTION_FILE;

use crate::onnx_models::{copy_of, fixture};
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
    // Nothing says "click Train" while Train is off; the left panel says whose settings it shows.
    assert!(harness.query_by_label_contains("ready: click Train").is_none());
    assert!(harness.query_by_label_contains("inference only: explore this model").is_some());
    assert!(harness.query_by_label_contains("trained elsewhere (ONNX graphs)").is_some());
    assert!(harness.query_by_label("Model of ours to train").is_some());
}

/// Picks `option` in the combo box named `combo`.
fn choose(harness: &mut egui_kittest::Harness<'static, vae_explorer::app::VaeApp>, combo: &str, option: &str) {
    harness.get_by_role_and_label(Role::ComboBox, combo).click();
    harness.run_steps(2);
    harness.get_by_label(option).click();
    harness.run_steps(2);
}

#[test]
fn graphs_that_leave_choices_open_ask_them_in_a_form_and_the_answers_are_kept() {
    let model = copy_of("unnamed_flat");
    let description = model.path().join(DESCRIPTION_FILE);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(&dir.path().join("autosave"), [1280.0, 800.0]);
    run_until(&mut harness, "the bundled model", |app| app.explorer().state.model.is_some());

    // Cancel keeps the model shown and writes nothing.
    harness.state_mut().open_model(model.path().to_path_buf());
    run_until(&mut harness, "the form", |app| app.onnx_form().is_some());
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Button, "Cancel").click();
    harness.run_steps(2);
    assert!(harness.state().onnx_form().is_none(), "the form closed");
    assert!(harness.state().notice().is_some_and(|notice| notice.contains("did not open")));
    assert!(harness.state().explorer().state.model.as_ref().is_some_and(|model| model.burn().is_some()));
    assert!(!description.exists(), "nothing written");

    harness.state_mut().open_model(model.path().to_path_buf());
    run_until(&mut harness, "the form again", |app| app.onnx_form().is_some());
    harness.run_steps(2);
    let asked = harness.state().onnx_form().expect("the form").questions().clone();
    assert!(asked.layout.is_none(), "a flat input says its layout");
    let shape = asked.image_shape.as_ref().expect("the image is asked");
    assert_eq!((shape.values, shape.suggested), (Some(360), ImageShape::grey(18, 20)));
    let outputs = asked.outputs.as_ref().expect("the outputs are asked");
    assert_eq!(
        (outputs.names.as_slice(), outputs.mean, outputs.log_var),
        (["9", "10"].map(String::from).as_slice(), 0, 1)
    );
    assert!(asked.decoder_output.is_some(), "the decoder ends in no activation");
    assert!(harness.state().progress().last_error.is_none(), "a question, not an error");
    assert!(harness.query_by_label_contains("its graphs do not say everything").is_some(), "the form is shown");

    // A height that does not fit the 360 values is refused as it is typed.
    harness.get_by_role_and_label(Role::TextInput, "H").set_text_value_accesskit("19");
    harness.run_steps(2);
    assert!(harness.get_by_role_and_label(Role::Button, "Open").accesskit_node().is_disabled());
    assert!(harness.query_by_label_contains("C·H·W is 380, but the encoder reads 360 values").is_some());
    harness.get_by_role_and_label(Role::TextInput, "H").set_text_value_accesskit("18");
    harness.run_steps(2);
    choose(&mut harness, "decoder output", "logits");
    harness.get_by_role_and_label(Role::Button, "Open").click();
    run_until(&mut harness, "the model opened with the answers, its scatter filled", |app| {
        let state = &app.explorer().state;
        let onnx = state.model.as_ref().and_then(|model| model.model.onnx().cloned());
        let cloud = state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == 2 && !cloud.means.is_empty());
        onnx.is_some_and(|info| info.image_shape == ImageShape::grey(18, 20)) && cloud
    });
    harness.run_steps(3);
    assert!(harness.state().onnx_form().is_none(), "the form closed");
    assert!(harness.query_by_label_contains("model: onnx, latent 2, 18×20 grey").is_some(), "the status bar names it");
    assert!(harness.state().notice().is_some_and(|notice| notice.contains("the answers are kept in")));
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&description).expect("the answers are kept")).expect("JSON");
    assert_eq!(kept["decoder_output"], "logits");
    assert_eq!((kept["mean_output"].as_str(), kept["logvar_output"].as_str()), (Some("9"), Some("10")));

    // The next open asks nothing.
    harness.state_mut().open_model(fixture("colour_logits"));
    run_until(&mut harness, "another model", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| model.latent_dim() == 5)
    });
    harness.state_mut().open_model(model.path().to_path_buf());
    run_until(&mut harness, "the answered model again", |app| {
        assert!(app.onnx_form().is_none() && app.progress().last_error.is_none(), "asked again");
        app.explorer().state.model.as_ref().is_some_and(|model| model.latent_dim() == 2)
    });
}
