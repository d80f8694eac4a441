//! The window's active-dimension views: the KL strip (one bar per dimension, live while training),
//! sliders sorted by KL with collapsed ones folded, and the decoder grid's principled spacings,
//! whose export is the same picture as `export grid --spacing`.

use std::path::Path;
use std::process::Command;

use burn::prelude::*;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use vae_explorer::app::{ExportView, KlSource, VaeApp, export_view};
use vae_explorer::checkpoint;
use vae_explorer::latent::{Spacing, normal_quantile};
use vae_explorer::model::VaeConfig;
use vae_explorer::quality::dims_by_kl;

use crate::support::{info_for, run_until};

fn harness(autosave: &Path) -> Harness<'static, VaeApp> {
    super::support::cpu_app_harness(autosave, [1280.0, 800.0])
}

/// Labels of the KL strip's bars, in drawing order.
fn kl_bars(harness: &Harness<'_, VaeApp>) -> Vec<String> {
    harness
        .query_all_by_label_contains("KL of z")
        .filter_map(|node| node.accesskit_node().label().map(|label| label.to_string()))
        .collect()
}

/// Labels of the latent sliders (z0, z1, …) shown, in drawing order.
fn latent_sliders(harness: &Harness<'_, VaeApp>) -> Vec<String> {
    harness
        .query_all_by_role(Role::Slider)
        .filter_map(|node| node.accesskit_node().label().map(|label| label.to_string()))
        .filter(|label| label.strip_prefix('z').is_some_and(|digits| digits.parse::<usize>().is_ok()))
        .collect()
}

fn names(dims: &[usize]) -> Vec<String> {
    dims.iter().map(|dim| format!("z{dim}")).collect()
}

#[test]
fn sliders_are_sorted_by_kl_and_collapsed_ones_are_folded_away() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("model");
    let config = VaeConfig { latent_dim: 5, ..VaeConfig::new() };
    let mut info = info_for(&config);
    info.epochs_done = 4;
    info.kl_per_dim_nats = vec![0.5, 0.001, 3.0, 0.0, 1.0];
    checkpoint::save(&model, &config.init(&Device::flex()), &info).expect("save the model");
    let mut harness = harness(&dir.path().join("autosave"));
    harness.state_mut().open_model(model);
    run_until(&mut harness, "the five-dimensional model", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| model.latent_dim() == 5)
    });
    harness.run_steps(2);

    let bars = kl_bars(&harness);
    assert_eq!(bars.len(), 5, "{bars:?}");
    assert_eq!(bars[0], "KL of z2: 3.000 nats, active");
    assert_eq!(bars[4], "KL of z3: 0.000 nats, collapsed (< 0.01 nats)");
    assert!(harness.query_by_label("3 of 5 dimensions active").is_some());
    assert!(harness.query_by_label_contains("(held-out, epoch 4)").is_some());
    assert_eq!(latent_sliders(&harness), names(&[2, 4, 0]), "collapsed z1 and z3 are folded");

    // Unfolded, the five sliders need more room than the Latent point tile has at 1280×800.
    harness.state_mut().apply(vae_explorer::app::AppAction::MaximiseView(vae_explorer::app::ViewPane::LatentPoint));
    harness.run_steps(2);
    harness.get_by_label("2 collapsed dimensions").click();
    harness.run_steps(2);
    assert_eq!(latent_sliders(&harness), names(&[2, 4, 0, 1, 3]));

    harness.get_by_label("natural order").click();
    harness.run_steps(2);
    assert_eq!(latent_sliders(&harness), names(&[0, 1, 2, 3, 4]));
    assert!(harness.query_by_label("2 collapsed dimensions").is_none());
    assert!(harness.state().settings().views.sliders.natural_order);

    // Quantile range: the handle moves in prior probability; three quarters of the way along is
    // Φ⁻¹(0.001 + 0.998 · 0.75).
    harness.get_by_label("quantiles").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Slider, "z2").set_value_accesskit(0.75);
    harness.run_steps(2);
    let expected = normal_quantile(0.001 + 0.998 * 0.75) as f32;
    let latent = harness.state().explorer().latent.clone();
    assert!((latent[2] - expected).abs() < 1e-5, "{latent:?} against {expected}");
    assert_eq!(harness.state().settings().views.sliders.spacing, Spacing::Quantile);
}

#[test]
fn the_kl_strip_shows_one_bar_per_dimension_and_follows_an_epoch_of_training() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(autosave.path());
    // The bundled model recorded no KL: the strip computes it from the scatter's points.
    run_until(&mut harness, "the bundled model's scatter", |app| app.explorer().state.cloud.value.is_some());
    harness.run_steps(2);
    assert_eq!(kl_bars(&harness).len(), 2);
    assert!(harness.query_by_label("2 of 2 dimensions active").is_some());
    assert!(harness.query_by_label_contains("held-out points shown)").is_some());

    let training = &mut harness.state_mut().settings_mut().training;
    training.model.latent_dim = 8;
    training.epochs = 1;
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    run_until(&mut harness, "the model after one epoch", |app| {
        app.explorer().state.model.as_ref().is_some_and(|model| {
            model.latent_dim() == 8 && model.info.epochs_done == 1 && model.info.kl_per_dim_nats.len() == 8
        })
    });
    harness.run_steps(3);
    let model = harness.state().explorer().state.model.clone().expect("the trained model");
    let kl = vae_explorer::app::DimensionKl::of(&harness.state().explorer().state).expect("a KL");
    assert_eq!(kl.source, KlSource::Heldout { epochs_done: 1 });
    assert_eq!(kl.nats, model.info.kl_per_dim_nats);

    let bars = kl_bars(&harness);
    assert_eq!(bars.len(), 8, "{bars:?}");
    let order = dims_by_kl(&kl.nats);
    let top = order[0];
    assert_eq!(bars[0], vae_explorer::app::kl_bar_label(top, kl.nats[top]));
    assert!(harness.query_by_label_contains("(held-out, epoch 1)").is_some());
    let active_count = kl.nats.iter().filter(|&&nats| nats >= 0.01).count();
    assert!(harness.query_by_label(&format!("{active_count} of 8 dimensions active")).is_some());
    let active: Vec<usize> = order.iter().copied().filter(|&dim| kl.nats[dim] >= 0.01).collect();
    assert_eq!(latent_sliders(&harness), names(&active), "KL {:?}", kl.nats);
}

fn cli_grid(spacing: &str, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .args(["export", "grid", "--spacing", spacing, "--size", "20", "--scale", "4", "--gutter", "2", "--out"])
        .arg(out)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{spacing}: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn quantile_and_data_spacing_move_the_grid_cells_and_export_as_the_command_line_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("autosave"));
    run_until(&mut harness, "the linear sweep and the scatter", |app| {
        let state = &app.explorer().state;
        state.cloud.value.is_some() && state.grid.value.is_some()
    });
    let linear = harness.state().explorer().state.grid.value.clone().expect("grid");
    assert_eq!(linear.0.spacing, Spacing::Linear);
    assert_eq!(linear.0.cell_center(0, 0), [-4.0, 4.0]);

    harness.get_by_label("prior quantiles").click();
    run_until(&mut harness, "the quantile sweep", |app| {
        app.explorer().state.grid.value.as_ref().is_some_and(|(request, _)| request.spacing == Spacing::Quantile)
    });
    let (request, images) = harness.state().explorer().state.grid.value.clone().expect("grid");
    let expected: Vec<f32> = (0..20).map(|index| normal_quantile((index as f64 + 0.5) / 20.0) as f32).collect();
    let cells = request.cells.clone().expect("quantile cells");
    assert_eq!((cells.x.clone(), cells.y.clone()), (expected.clone(), expected.clone()));
    assert_eq!(request.cell_center(0, 0), [expected[0], expected[19]]);
    assert!(images != linear.1, "the quantile cells decode to the linear cells' images");
    assert_eq!(harness.state().settings().views.grid_spacing, Spacing::Quantile);
    same_as_command_line(&harness, "quantile", dir.path());

    harness.get_by_label("data percentiles").click();
    run_until(&mut harness, "the data sweep", |app| {
        app.explorer().state.grid.value.as_ref().is_some_and(|(request, _)| request.spacing == Spacing::Data)
    });
    same_as_command_line(&harness, "data", dir.path());
}

/// The window's export of the shown sweep has the same pixels as `export grid --spacing`.
fn same_as_command_line(harness: &Harness<'_, VaeApp>, spacing: &str, dir: &Path) {
    let from_window = dir.join(format!("window-{spacing}.png"));
    let app = harness.state();
    export_view(ExportView::DecoderGrid, &app.explorer().state, &app.settings().views, &from_window)
        .expect("the window's export");
    let from_cli = dir.join(format!("cli-{spacing}.png"));
    cli_grid(spacing, &from_cli);
    let window_image = image::open(&from_window).expect("window PNG").to_rgb8();
    let cli_image = image::open(&from_cli).expect("CLI PNG").to_rgb8();
    assert_eq!(window_image.dimensions(), cli_image.dimensions());
    assert!(window_image.as_raw() == cli_image.as_raw(), "{spacing}: the two exports differ in their pixels");
}
