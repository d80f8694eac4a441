//! The decoder sweep: an N × N grid of decoded images over a rectangle of the scatter's plane.

use egui::{DragValue, Slider, Vec2};

use super::image_texture::{CachedTexture, texture_image};
use super::view_settings::GridBase;
use crate::image_shape::ImageShape;
use crate::latent::{GridSpec, MAX_GRID_SIZE};
use crate::render;

/// The sweep's view state.
#[derive(Default)]
pub struct DecoderGrid {
    texture: CachedTexture,
    /// The cell (row, column) last under the pointer; kept when the pointer leaves.
    pub hovered_cell: Option<(usize, usize)>,
}

impl DecoderGrid {
    /// Draws the controls and the grid; returns true when the spec or base changed.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        spec: &mut GridSpec,
        base: &mut GridBase,
        shown: Option<(&GridSpec, &[f32], u64)>,
        image_shape: ImageShape,
    ) -> bool {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            changed |= ui.add(Slider::new(&mut spec.size, 2..=MAX_GRID_SIZE).text("cells")).changed();
            changed |= ui.add(DragValue::new(&mut spec.x_range[0]).speed(0.05).prefix("x from ")).changed();
            changed |= ui.add(DragValue::new(&mut spec.x_range[1]).speed(0.05).prefix("to ")).changed();
            changed |= ui.add(DragValue::new(&mut spec.y_range[0]).speed(0.05).prefix("y from ")).changed();
            changed |= ui.add(DragValue::new(&mut spec.y_range[1]).speed(0.05).prefix("to ")).changed();
            ui.label("other dimensions:");
            changed |= ui.selectable_value(base, GridBase::Zero, "zero").changed();
            changed |= ui.selectable_value(base, GridBase::Current, "current point").changed();
        });
        let Some((shown_spec, images, generation)) = shown else {
            ui.label("decoding…");
            return changed;
        };
        let texture = self.texture.get(ui.ctx(), "decoder_grid", generation, || {
            texture_image(&render::decoder_grid(images.to_vec(), image_shape, shown_spec.size))
        });
        let side = ui.available_width().min(ui.available_height()).max(64.0);
        let response =
            ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)).sense(egui::Sense::hover()));
        if let Some(pointer) = response.hover_pos() {
            let relative = (pointer - response.rect.min) / response.rect.size();
            let col = ((relative.x * shown_spec.size as f32) as usize).min(shown_spec.size - 1);
            let row = ((relative.y * shown_spec.size as f32) as usize).min(shown_spec.size - 1);
            let [x, y] = shown_spec.cell_center(row, col);
            self.hovered_cell = Some((row, col));
            response.on_hover_text(format!("cell ({row}, {col}): x = {x:.2}, y = {y:.2}"));
        }
        changed
    }
}
