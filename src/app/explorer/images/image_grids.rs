//! Prior samples and reconstructions, each shown as one tiled texture.

use egui::Vec2;

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::image_shape::ImageShape;
use crate::render;

/// The sample and reconstruction views' state.
#[derive(Default)]
pub struct ImageGrids {
    samples: CachedTexture,
    reconstructions: CachedTexture,
}

impl ImageGrids {
    /// Draws the 8 × 8 prior samples; returns true when "Resample" was clicked.
    pub fn samples_ui(
        &mut self,
        ui: &mut egui::Ui,
        samples: Option<(&[f32], u64)>,
        seed: &mut u64,
        shape: ImageShape,
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
            let texture = self.samples.get(ui.ctx(), "prior_samples", generation, || {
                texture_image(&render::prior_samples(images.to_vec(), shape))
            });
            let side = ui.available_width().min(ui.available_height()).max(64.0);
            ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)));
        }
        resample
    }

    /// Draws held-out originals (odd rows… even rows) beside their reconstructions.
    pub fn reconstructions_ui(&mut self, ui: &mut egui::Ui, pairs: Option<(&[f32], &[f32], u64)>, shape: ImageShape) {
        ui.label("held-out originals (upper row of each pair) and their reconstructions (lower row)");
        let Some((originals, reconstructions, generation)) = pairs else { return };
        let texture = self.reconstructions.get(ui.ctx(), "reconstructions", generation, || {
            texture_image(&render::reconstructions(originals, reconstructions, shape))
        });
        let [texture_width, texture_height] = texture.size().map(|side| side.max(1) as f32);
        let aspect = texture_height / texture_width;
        let width = ui.available_width().min(ui.available_height() / aspect).max(64.0);
        ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::new(width, width * aspect)));
    }
}
