//! The decoder sweep: an N × N grid of decoded images over the scatter's plane, its cells evenly
//! over a rectangle, at the prior's quantiles or at the percentiles of the scatter's means.

use egui::{DragValue, Slider, Vec2};

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::app::settings::view_settings::GridBase;
use crate::image_shape::ImageShape;
use crate::inference::GridRequest;
use crate::latent::{GridSpec, MAX_GRID_SIZE, Spacing};
use crate::render;

/// The sweep's view state.
#[derive(Default)]
pub struct DecoderGrid {
    texture: CachedTexture,
    /// The cell (row, column) last under the pointer; kept when the pointer leaves.
    pub hovered_cell: Option<(usize, usize)>,
    /// Where the grid's picture was last drawn, in points.
    pub drawn_rect: Option<egui::Rect>,
}

impl DecoderGrid {
    /// Draws the controls and the grid; returns true when the spec, spacing or base changed.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        spec: &mut GridSpec,
        base: &mut GridBase,
        spacing: &mut Spacing,
        shown: Option<(&GridRequest, &[f32], u64)>,
        image_shape: ImageShape,
    ) -> bool {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            changed |= ui.add(Slider::new(&mut spec.size, 2..=MAX_GRID_SIZE).text("cells")).changed();
            ui.label("spacing:");
            changed |= ui
                .selectable_value(spacing, Spacing::Linear, "linear")
                .on_hover_text("evenly over the ranges, ends included")
                .changed();
            changed |= ui
                .selectable_value(spacing, Spacing::Quantile, "prior quantiles")
                .on_hover_text("cells at Φ⁻¹((i + ½)/n) along each axis: every cell holds the same prior mass")
                .changed();
            changed |= ui
                .selectable_value(spacing, Spacing::Data, "data percentiles")
                .on_hover_text("cells at the (i + ½)/n percentiles of the scatter's points along each axis")
                .changed();
            if *spacing == Spacing::Linear {
                changed |= ui.add(DragValue::new(&mut spec.x_range[0]).speed(0.05).prefix("x from ")).changed();
                changed |= ui.add(DragValue::new(&mut spec.x_range[1]).speed(0.05).prefix("to ")).changed();
                changed |= ui.add(DragValue::new(&mut spec.y_range[0]).speed(0.05).prefix("y from ")).changed();
                changed |= ui.add(DragValue::new(&mut spec.y_range[1]).speed(0.05).prefix("to ")).changed();
            }
            ui.label("other dimensions:");
            changed |= ui.selectable_value(base, GridBase::Zero, "zero").changed();
            changed |= ui.selectable_value(base, GridBase::Current, "current point").changed();
        });
        let Some((request, images, generation)) = shown else {
            ui.label("decoding…");
            return changed;
        };
        let shown_spec = &request.spec;
        if request.spacing != *spacing {
            ui.weak(if *spacing == Spacing::Data { "waiting for the scatter's points…" } else { "decoding…" });
        }
        let texture = self.texture.get(ui.ctx(), "decoder_grid", generation, || {
            texture_image(&render::decoder_grid(images.to_vec(), image_shape, shown_spec.size))
        });
        let side = ui.available_width().min(ui.available_height()).max(64.0);
        let response =
            ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)).sense(egui::Sense::hover()));
        self.drawn_rect = Some(response.rect);
        if let Some(pointer) = response.hover_pos() {
            let relative = (pointer - response.rect.min) / response.rect.size();
            let col = ((relative.x * shown_spec.size as f32) as usize).min(shown_spec.size - 1);
            let row = ((relative.y * shown_spec.size as f32) as usize).min(shown_spec.size - 1);
            let [x, y] = request.cell_center(row, col);
            self.hovered_cell = Some((row, col));
            response.on_hover_text(format!("cell ({row}, {col}): x = {x:.2}, y = {y:.2}"));
        }
        changed
    }
}
