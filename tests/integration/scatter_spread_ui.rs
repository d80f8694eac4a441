//! The scatter's posterior spread, σ colouring and extra planes, clicked in the window.

use burn::prelude::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::support::{info_for, run_until};
use vae_explorer::app::{PlaneChoice, PointColouring, PointRef, SpreadMode, VaeApp};
use vae_explorer::inference::LatentCloud;
use vae_explorer::latent::{PlaneMethod, Projection};
use vae_explorer::model::VaeConfig;

fn app_harness(autosave: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    super::support::cpu_app_harness(autosave.path(), [1400.0, 900.0])
}

fn cloud(app: &VaeApp) -> std::sync::Arc<LatentCloud> {
    app.explorer().state.cloud.value.clone().expect("cloud")
}

/// A harness serving an untrained MLP of latent size 4 (saved to `dir`), its scatter encoded.
fn latent_4_harness(autosave: &tempfile::TempDir, dir: &tempfile::TempDir) -> Harness<'static, VaeApp> {
    let config = VaeConfig { latent_dim: 4, ..VaeConfig::default() };
    let model = config.init(&Device::flex());
    vae_explorer::checkpoint::save(dir.path(), &model, &info_for(&config)).expect("save the model");
    let mut harness = app_harness(autosave);
    harness.state_mut().open_model(dir.path().to_path_buf());
    run_until(&mut harness, "the latent-4 scatter", |app| {
        app.explorer().state.cloud.value.as_ref().is_some_and(|cloud| cloud.latent_dim == 4)
    });
    harness
}

#[test]
fn ellipses_mode_draws_each_points_sigma_ellipse() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    assert_eq!(harness.state().explorer().scatter().ellipse_count(), 0, "means by default");
    harness.get_by_label("1-σ ellipses").click();
    run_until(&mut harness, "the ellipses", |app| app.explorer().scatter().ellipse_count() > 0);
    let app = harness.state();
    let cloud = cloud(app);
    assert_eq!(app.settings().views.spread, SpreadMode::Ellipses, "the choice is kept in the settings");
    assert_eq!(app.explorer().scatter().ellipse_count(), cloud.len());
    // Latent 2 shows dimensions 0 and 1: each ellipse's semi-axes are the point's two σ.
    for position in [0, 7, cloud.len() - 1] {
        let ellipse = app.explorer().scatter().ellipse_of(cloud.indices[position]).expect("an ellipse");
        let sigmas = cloud.log_var(position).expect("log-variances").iter().map(|log_var| (log_var / 2.0).exp());
        let (mut sigmas, mean) = (sigmas.collect::<Vec<f32>>(), cloud.mean(position));
        sigmas.sort_by(|a, b| b.total_cmp(a));
        assert!((ellipse.semi_axes[0] - sigmas[0]).abs() < 1e-5 && (ellipse.semi_axes[1] - sigmas[1]).abs() < 1e-5);
        assert_eq!(ellipse.center, [mean[0], mean[1]]);
    }
    harness.get_by_label("one sample").click();
    run_until(&mut harness, "the samples", |app| app.explorer().scatter().ellipse_count() == 0);
    let app = harness.state();
    let (drawn, _) = app.explorer().scatter().drawn_point(cloud.indices[0]).expect("point 0");
    let mean = cloud.mean(0);
    assert_ne!(drawn, [f64::from(mean[0]), f64::from(mean[1])], "a sample, not the mean");
    harness.step();
    let (again, _) = harness.state().explorer().scatter().drawn_point(cloud.indices[0]).expect("point 0");
    assert_eq!(drawn, again, "samples stay put between frames");
}

#[test]
fn sigma_colouring_shades_points_by_their_mean_sigma() {
    let autosave = tempfile::tempdir().expect("temp dir");
    let mut harness = app_harness(&autosave);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    assert!(harness.state().explorer().scatter().sigma_range().is_none());
    harness.get_by_label("mean σ").click();
    run_until(&mut harness, "the σ scale", |app| app.explorer().scatter().sigma_range().is_some());
    assert!(harness.query_by_label_contains("mean σ 0.").is_some(), "the scale's legend is shown");
    let app = harness.state();
    assert_eq!(app.settings().views.colouring, PointColouring::MeanSigma);
    let cloud = cloud(app);
    let sigmas = vae_explorer::latent::mean_sigma_per_point(&cloud.log_vars, cloud.latent_dim);
    let by = |pick: fn(f32, f32) -> bool| {
        (0..sigmas.len()).reduce(|best, position| if pick(sigmas[position], sigmas[best]) { position } else { best })
    };
    let (least, most) = (by(|a, b| a < b).expect("points"), by(|a, b| a > b).expect("points"));
    let colour = |position: usize| app.explorer().scatter().drawn_point(cloud.indices[position]).expect("drawn").1;
    let brightness = |colour: egui::Color32| u32::from(colour.r()) + u32::from(colour.g()) + u32::from(colour.b());
    assert!(brightness(colour(least)) < brightness(colour(most)), "small σ dark, large σ bright");
}

#[test]
fn the_tsne_plane_arrives_and_hover_and_click_still_pick() {
    let (autosave, dir) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    let mut harness = latent_4_harness(&autosave, &dir);
    harness.get_by_label("t-SNE").click();
    run_until(&mut harness, "the t-SNE layout", |app| {
        let cloud = cloud(app);
        app.explorer().state.planes.exact(&cloud, PlaneMethod::Tsne, app.settings().views.plane_seed).is_some()
    });
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.settings().views.plane, PlaneChoice::Tsne);
    let cloud = cloud(app);
    let layout = app.explorer().state.planes.exact(&cloud, PlaneMethod::Tsne, 1).expect("layout").clone();
    assert_eq!(layout.coords.len(), cloud.len());
    let position = 5;
    let index = cloud.indices[position];
    let (drawn, _) = app.explorer().scatter().drawn_point(index).expect("drawn");
    assert_eq!(drawn, layout.coords[position].map(f64::from), "the scatter draws the t-SNE coordinates");
    let screen = app.explorer().scatter().screen_position(index).expect("on screen");
    harness.hover_at(screen);
    harness.run_steps(2);
    let hovered = harness.state().explorer().hovered.expect("a hovered point");
    let (hovered_at, _) = harness.state().explorer().scatter().drawn_point(hovered.index).expect("drawn");
    assert_eq!(hovered_at, drawn, "the point under the pointer (or one drawn on the same spot)");
    // The point is inside the plot: the first fit of a plane cut off the top and bottom of a cloud
    // taller (for its width) than the plot, and a click on a point drawn there picked nothing.
    let frame = harness.state().explorer().scatter().plot_frame().expect("the plot's frame");
    let screen = harness.state().explorer().scatter().screen_position(hovered.index).expect("on screen");
    assert!(frame.contains(screen), "point {} at {screen:?} is outside the plot {frame:?}", hovered.index);
    harness.hover_at(screen);
    harness.step();
    // Press and release in one frame: a click, however long a frame takes on a busy machine.
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: screen,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run_steps(3);
    let end = harness.state().explorer().state.ends[0].clone().expect("A is picked in the t-SNE plane");
    assert_eq!(end.point, Some(PointRef { train: false, index: hovered.index }));
}

#[test]
fn every_point_is_inside_the_plot_in_a_wide_window() {
    let autosave = tempfile::tempdir().expect("temp dir");
    // A window much wider than tall, so the plot is too: the bundled model's cloud is taller than
    // that for its width, and the plot's 1:1 aspect used to cut off its top and bottom.
    let mut harness = super::support::cpu_app_harness(autosave.path(), [1600.0, 560.0]);
    run_until(&mut harness, "the scatter", |app| app.explorer().state.cloud.value.is_some());
    harness.run_steps(2);
    let app = harness.state();
    let scatter = app.explorer().scatter();
    let frame = scatter.plot_frame().expect("the plot's frame");
    assert!(frame.width() > 1.5 * frame.height(), "the plot must be wide for this test: {frame:?}");
    let cloud = cloud(app);
    let outside: Vec<_> = cloud
        .indices
        .iter()
        .filter_map(|&index| scatter.screen_position(index).filter(|screen| !frame.contains(*screen)))
        .collect();
    assert!(outside.is_empty(), "{} of {} points outside {frame:?}: {:?}", outside.len(), cloud.len(), outside.first());
}

#[test]
fn the_most_active_plane_shows_the_two_dimensions_of_largest_kl() {
    let (autosave, dir) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    let mut harness = latent_4_harness(&autosave, &dir);
    harness.get_by_label("most active").click();
    harness.run_steps(3);
    let app = harness.state();
    let cloud = cloud(app);
    let kl = vae_explorer::quality::kl_per_dim_nats(&cloud.means, &cloud.log_vars, 4);
    let mut order: Vec<usize> = (0..4).collect();
    order.sort_by(|&a, &b| kl[b].total_cmp(&kl[a]));
    assert!(kl[order[1]] > kl[order[2]], "distinct KLs: {kl:?}");
    let [x, y] = [order[0], order[1]];
    let projection = app.explorer().projection(&app.settings().views).expect("projection");
    assert_eq!(projection, Projection::Dims { x, y });
    let (drawn, _) = app.explorer().scatter().drawn_point(cloud.indices[3]).expect("drawn");
    assert_eq!(drawn, [f64::from(cloud.mean(3)[x]), f64::from(cloud.mean(3)[y])]);
}
