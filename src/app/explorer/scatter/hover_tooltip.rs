//! The scatter's tooltip: the hovered image beside its reconstruction.

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::app::explorer::state::{ExplorerState, PointRef};
use crate::render;

/// The tooltip of a hovered point: its original image beside its reconstruction.
pub fn hover_tooltip_ui(ui: &mut egui::Ui, state: &ExplorerState, texture: &mut CachedTexture, point: PointRef) {
    let Some(shape) = state.image_shape() else { return };
    let reconstruction = state.hovered.value.as_ref().filter(|(hovered, _)| *hovered == point).map(|(_, image)| image);
    let key = (point.index as u64) << 32 | u64::from(point.train) << 31 | state.hovered.generation & 0x7fff_ffff;
    let texture = texture.get(ui.ctx(), "hover_pair", key, || {
        let original = state.original(point).unwrap_or_default();
        texture_image(&render::image_pair(&original, reconstruction.map(Vec::as_slice).unwrap_or_default(), shape))
    });
    ui.label(format!("image {}: original | reconstruction", point.index));
    ui.add(egui::Image::new(texture).fit_to_exact_size(egui::vec2(170.0, 84.0)));
}
