//! Prior samples and reconstructions, each shown as one tiled texture.

use egui::Vec2;

use super::image_texture::{CachedTexture, tiled_image};
use crate::export::interleave_rows;
use crate::inference::{RECONSTRUCTION_PAIRS, SAMPLE_GRID_SIDE};

/// Columns of the reconstruction view: originals on one row, their reconstructions below.
pub const PAIRS_PER_ROW: usize = 8;

/// The sample and reconstruction views' state.
#[derive(Default)]
pub struct ImageGrids {
    samples: CachedTexture,
    reconstructions: CachedTexture,
}

impl ImageGrids {
    /// Draws the 8 × 8 prior samples; returns true when "Resample" was clicked.
    pub fn show_samples(
        &mut self,
        ui: &mut egui::Ui,
        samples: Option<(&[f32], u64)>,
        seed: &mut u64,
        shape: (usize, usize),
    ) -> bool {
        let mut resample = false;
        ui.horizontal(|ui| {
            if ui.button("Resample").clicked() {
                *seed = seed.wrapping_add(1);
                resample = true;
            }
            resample |= ui.add(egui::DragValue::new(seed).prefix("seed ")).changed();
        });
        if let Some((images, generation)) = samples {
            let count = SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE;
            let texture = self.samples.get(ui.ctx(), "prior_samples", generation, || {
                tiled_image(images, count, SAMPLE_GRID_SIDE, shape.0, shape.1)
            });
            let side = ui.available_width().min(ui.available_height()).max(64.0);
            ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)));
        }
        resample
    }

    /// Draws held-out originals (odd rows… even rows) beside their reconstructions.
    pub fn show_reconstructions(
        &mut self,
        ui: &mut egui::Ui,
        pairs: Option<(&[f32], &[f32], u64)>,
        shape: (usize, usize),
    ) {
        ui.label("held-out originals (upper row of each pair) and their reconstructions (lower row)");
        let Some((originals, reconstructions, generation)) = pairs else { return };
        let texture = self.reconstructions.get(ui.ctx(), "reconstructions", generation, || {
            let interleaved = interleave_rows(originals, reconstructions, shape.0 * shape.1, PAIRS_PER_ROW);
            let rows = RECONSTRUCTION_PAIRS.div_ceil(PAIRS_PER_ROW) * 2;
            tiled_image(&interleaved, rows * PAIRS_PER_ROW, PAIRS_PER_ROW, shape.0, shape.1)
        });
        let width = ui.available_width().min(ui.available_height() * 2.0).max(64.0);
        ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::new(width, width / 2.0)));
    }
}
