//! The training images nearest to a point (the sliders' point, the hovered decoder-grid cell or
//! the morph's frame): by pixels of its decoded image, and by latent means. Is the decoded image
//! just a copy of a training image?

use egui::Vec2;

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::app::explorer::state::ExplorerState;
use crate::app::settings::exploration_settings::{NeighbourQuery, NeighbourSettings};
use crate::inference::{MAX_NEIGHBOURS, NeighboursFound};
use crate::latent::Neighbour;
use crate::render;

/// What the user asked of the nearest-images panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeighbourAction {
    /// Export the picture.
    Export,
}

/// The nearest-images panel's view state.
#[derive(Default)]
pub struct NeighbourPanel {
    texture: CachedTexture,
}

impl NeighbourPanel {
    /// Draws the panel, editing `settings` in place.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        state: &ExplorerState,
        settings: &mut NeighbourSettings,
    ) -> Vec<NeighbourAction> {
        let mut actions = Vec::new();
        let Some(shape) = state.image_shape() else { return actions };
        ui.checkbox(&mut settings.shown, "Nearest training images");
        if !settings.shown {
            return actions;
        }
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut settings.query, NeighbourQuery::Sliders, "sliders' point");
            ui.selectable_value(&mut settings.query, NeighbourQuery::GridCell, "hovered grid cell");
            ui.selectable_value(&mut settings.query, NeighbourQuery::MorphFrame, "morph frame");
            ui.add(egui::DragValue::new(&mut settings.k).range(1..=MAX_NEIGHBOURS).prefix("k "));
        });
        settings.k = settings.k.clamp(1, MAX_NEIGHBOURS);
        let Some(found) = &state.neighbours.value else {
            ui.label(match settings.query {
                NeighbourQuery::Sliders => "searching…",
                NeighbourQuery::GridCell => "hover a cell of the decoder grid",
                NeighbourQuery::MorphFrame => "choose morph ends A and B",
            });
            return actions;
        };
        let k = found.request.k;
        let texture = self.texture.get(ui.ctx(), "nearest_images", state.neighbours.generation, || {
            texture_image(&render::neighbour_rows(&found.decoded, &found.pixel_images, &found.latent_images, shape, k))
        });
        let cell = ((ui.available_width() - 4.0) / (k + 1) as f32).clamp(8.0, 40.0);
        ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::new(cell * (k + 1) as f32, 2.0 * cell)));
        ui.small("first cell of each row: the decoded point; top row nearest by pixels, bottom row by latent mean");
        for line in describe(found, state) {
            ui.small(line);
        }
        if ui.button("Export nearest PNG…").clicked() {
            actions.push(NeighbourAction::Export);
        }
        actions
    }
}

/// "by pixels: #412 (3) 2.41, …" and "by latent: …", distances in L2 (pixels in [0, 1]).
pub fn describe(found: &NeighboursFound, state: &ExplorerState) -> [String; 2] {
    let name = |label: u8| {
        state
            .dataset
            .as_ref()
            .and_then(|dataset| dataset.class_names.get(usize::from(label)).cloned())
            .unwrap_or_else(|| label.to_string())
    };
    let list = |neighbours: &[Neighbour], labels: &[u8]| {
        neighbours
            .iter()
            .zip(labels)
            .map(|(neighbour, &label)| {
                format!("#{} ({}) {:.2}", neighbour.index, name(label), neighbour.squared_distance.sqrt())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    [
        format!("by pixels: {}", list(&found.by_pixels, &found.pixel_labels)),
        format!("by latent: {}", list(&found.by_latent, &found.latent_labels)),
    ]
}
