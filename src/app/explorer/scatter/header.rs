//! The scatter's choices: its plane (PCA, two dimensions, the two most active, t-SNE, UMAP and
//! their seed), what each point shows (mean, a sample, its 1-σ ellipse) and its colouring, and
//! the label of the evolution GIF's button.

use std::sync::Arc;

use crate::app::explorer::scatter::planes::PlaneProgress;
use crate::app::settings::view_settings::{PlaneChoice, PointColouring, SpreadMode, ViewSettings};
use crate::inference::LatentCloud;
use crate::latent::MAX_EMBEDDING_POINTS;

/// Highest seed offered (any u64 works; a bound keeps the drag value usable).
const MAX_SEED: u64 = 1_000_000;

/// The plane buttons, for a latent space of more than two dimensions.
pub fn plane_choice_ui(ui: &mut egui::Ui, plane: &mut PlaneChoice, seed: &mut u64, latent_dim: usize) {
    if latent_dim <= 2 {
        return;
    }
    ui.selectable_value(plane, PlaneChoice::Pca, "PCA");
    let (mut x, mut y) = match *plane {
        PlaneChoice::Dims { x, y } => (x, y),
        _ => (0, 1),
    };
    let mut changed = ui.selectable_label(matches!(plane, PlaneChoice::Dims { .. }), "dims").clicked();
    changed |= ui.add(egui::DragValue::new(&mut x).range(0..=latent_dim - 1).prefix("x z")).changed();
    changed |= ui.add(egui::DragValue::new(&mut y).range(0..=latent_dim - 1).prefix("y z")).changed();
    if changed {
        *plane = PlaneChoice::Dims { x, y };
    }
    ui.selectable_value(plane, PlaneChoice::MostActive, "most active")
        .on_hover_text("the two dimensions with the largest KL over the shown points");
    ui.selectable_value(plane, PlaneChoice::Tsne, "t-SNE")
        .on_hover_text(format!("a seeded t-SNE layout of the means (up to {MAX_EMBEDDING_POINTS} points)"));
    ui.selectable_value(plane, PlaneChoice::Umap, "UMAP")
        .on_hover_text(format!("a seeded UMAP layout of the means (up to {MAX_EMBEDDING_POINTS} points)"));
    if plane.layout_method().is_some() {
        ui.add(egui::DragValue::new(seed).range(0..=MAX_SEED).prefix("seed "))
            .on_hover_text("equal seeds give identical layouts");
    }
}

/// Means / one sample / ellipses, and class / σ colouring. `linear` is false in a t-SNE/UMAP plane,
/// where samples and ellipses cannot be drawn.
pub fn spread_choice_ui(ui: &mut egui::Ui, settings: &mut ViewSettings, linear: bool) {
    ui.horizontal_wrapped(|ui| {
        ui.label("points:");
        ui.selectable_value(&mut settings.spread, SpreadMode::Means, "means");
        ui.selectable_value(&mut settings.spread, SpreadMode::Sample, "one sample")
            .on_hover_text("one draw μ + σ·ε of each image's posterior (seeded: stable between frames)");
        ui.selectable_value(&mut settings.spread, SpreadMode::Ellipses, "1-σ ellipses")
            .on_hover_text("each image's posterior at one standard deviation, projected exactly (WᵀΣW)");
        ui.separator();
        ui.label("colour:");
        ui.selectable_value(&mut settings.colouring, PointColouring::Class, "class");
        ui.selectable_value(&mut settings.colouring, PointColouring::MeanSigma, "mean σ")
            .on_hover_text("the σ scatter: the encoder's mean posterior standard deviation of each image");
        if settings.spread == SpreadMode::Sample && settings.plane.layout_method().is_none() {
            ui.add(egui::DragValue::new(&mut settings.plane_seed).range(0..=MAX_SEED).prefix("seed "));
        }
    });
    if !linear {
        ui.weak(
            "This plane shows the means: samples, ellipses and the sweep rectangle are drawn in the PCA and \
             dimension planes only (the sweep uses the PCA plane).",
        );
    }
}

/// "t-SNE: 42 %" while a layout is computed; `waiting` when none has been reported yet.
pub fn plane_status_ui(ui: &mut egui::Ui, progress: Option<PlaneProgress>, name: &str, showing_stand_in: bool) {
    let text = match progress {
        Some(progress) if progress.fraction < 1.0 => {
            format!("{name}: computing, {:.0} % (seed {})", progress.fraction * 100.0, progress.seed)
        }
        _ => format!("{name}: computing…"),
    };
    let text = if showing_stand_in { format!("{text}; showing an earlier layout") } else { text };
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(text);
    });
}

/// The evolution GIF's frames, named by the epochs they show: "epochs 0–2" (the first frame,
/// epoch 0, is a snapshot taken before the first epoch ended), "epoch 3", or "no frames".
pub fn evolution_frames_label(clouds: &[Arc<LatentCloud>]) -> String {
    match (clouds.first(), clouds.last()) {
        (Some(first), Some(last)) if first.epochs_done != last.epochs_done => {
            format!("{} frames: epochs {}–{}", clouds.len(), first.epochs_done, last.epochs_done)
        }
        (Some(only), _) => format!("1 frame: epoch {}", only.epochs_done),
        _ => "no frames".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::ScatterSource;

    fn cloud_after(epochs_done: usize) -> Arc<LatentCloud> {
        Arc::new(LatentCloud {
            source: ScatterSource::Heldout,
            latent_dim: 2,
            means: vec![0.0, 0.0],
            labels: vec![0],
            indices: vec![0],
            pca: None,
            epochs_done,
            log_vars: Vec::new(),
            kl_per_dim_nats: Vec::new(),
            fingerprint: 0,
        })
    }

    #[test]
    fn the_evolution_gif_button_counts_frames_and_names_their_epochs() {
        let two_epochs = [cloud_after(0), cloud_after(1), cloud_after(2)];
        assert_eq!(evolution_frames_label(&two_epochs), "3 frames: epochs 0–2");
        assert_eq!(evolution_frames_label(&[cloud_after(4)]), "1 frame: epoch 4");
        assert_eq!(evolution_frames_label(&[]), "no frames");
    }
}
