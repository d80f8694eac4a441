//! A strip of decoded frames (the morph's, the direction's) as the window shows it: one row while
//! every frame stays at least [`MIN_FRAME_PT`] wide, else wrapped into even rows, so a 300-frame
//! strip stays readable and its texture stays far below the GPU's largest side.

use egui::Vec2;

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::image_shape::ImageShape;
use crate::render;

/// Narrowest a strip frame is drawn, in points, before the strip wraps into rows.
pub const MIN_FRAME_PT: f32 = 16.0;

/// Widest a strip frame is drawn, in points.
pub const MAX_FRAME_PT: f32 = 48.0;

/// Frames per row of a strip of `steps` frames shown `width_pt` points wide: all of them while
/// each is at least [`MIN_FRAME_PT`] wide, else the fewest rows that keep them so, filled evenly.
pub fn columns_for_width(steps: usize, width_pt: f32) -> usize {
    // A float count of whole frames, clamped to at least one before the cast.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let fitting = (width_pt / MIN_FRAME_PT).floor().max(1.0) as usize;
    let rows = steps.div_ceil(fitting).max(1);
    steps.div_ceil(rows).max(1)
}

/// Frames per row and size in points of a strip of `steps` frames shown in `available_width_pt`.
pub fn shown_size(steps: usize, available_width_pt: f32) -> (usize, Vec2) {
    let width = (available_width_pt - 8.0).max(MIN_FRAME_PT);
    let columns = columns_for_width(steps, width);
    let rows = steps.div_ceil(columns).max(1);
    let cell = (width / columns as f32).min(MAX_FRAME_PT);
    (columns, Vec2::new(cell * columns as f32, cell * rows as f32))
}

/// A strip's texture, drawn again only when its frames or its row length change.
#[derive(Default)]
pub struct StripView {
    texture: CachedTexture,
}

impl StripView {
    /// Shows the `steps` frames of `strip` (planar images of `shape`, decoded in `generation`) in
    /// the width left in `ui`, wrapped into rows when they would be narrower than [`MIN_FRAME_PT`];
    /// rows taller than the space left scroll.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        name: &str,
        generation: u64,
        strip: &[f32],
        shape: ImageShape,
        steps: usize,
    ) -> egui::Response {
        let (columns, size) = shown_size(steps, ui.available_width());
        // Steps are at most a few hundred, so the columns never reach the generation's bits.
        let key = generation.wrapping_shl(16) ^ columns as u64;
        let texture = self
            .texture
            .get(ui.ctx(), name, key, || texture_image(&render::morph_strip(strip.to_vec(), shape, steps, columns)));
        let image = egui::Image::new(texture).fit_to_exact_size(size);
        // Rows beyond the space left scroll, so a long strip never runs under the next panel.
        let room = ui.available_height().max(2.0 * MIN_FRAME_PT);
        if size.y <= room {
            return ui.add(image);
        }
        egui::ScrollArea::vertical().id_salt(name).max_height(room).show(ui, |ui| ui.add(image)).inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_strip_is_one_row_and_a_long_one_wraps_into_even_rows() {
        assert_eq!(columns_for_width(10, 600.0), 10);
        assert_eq!(columns_for_width(37, 600.0), 37, "600 points hold 37 frames of 16 points");
        // 300 frames in 600 points: 37 fit a row, so 9 rows of 34 (the last one 28).
        assert_eq!(columns_for_width(300, 600.0), 34);
        assert_eq!(columns_for_width(300, 1.0), 1, "a too narrow panel shows one frame per row");
        assert_eq!(columns_for_width(0, 600.0), 1);
    }
}
