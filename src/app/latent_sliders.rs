//! One slider per latent dimension and the image they decode to.

use egui::{Slider, Vec2};

use super::image_texture::{CachedTexture, texture_image};
use crate::image_shape::ImageShape;
use crate::render;

/// Slider range on every dimension.
pub const SLIDER_RANGE: std::ops::RangeInclusive<f32> = -4.0..=4.0;

/// What the user asked of the sliders this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum SliderAction {
    /// The point changed (drag or button); decode it.
    Changed,
    /// Draw the point from the prior N(0, I).
    SampleFromPrior,
    /// Take the selected point's encoder mean.
    SetFromSelection,
    /// Export the decoded image.
    Export,
}

/// The sliders' view state.
#[derive(Default)]
pub struct LatentSliders {
    texture: CachedTexture,
}

impl LatentSliders {
    /// Draws the decoded image and the sliders for `latent`, editing it in place.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        latent: &mut [f32],
        decoded: Option<(&[f32], u64)>,
        image_shape: ImageShape,
        has_selection: bool,
    ) -> Vec<SliderAction> {
        let mut actions = Vec::new();
        let side = ui.available_width().min(220.0);
        match decoded {
            Some((image, generation)) => {
                let texture = self.texture.get(ui.ctx(), "decoded_point", generation, || {
                    texture_image(&render::single_image(image.to_vec(), image_shape))
                });
                ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)));
            }
            None => {
                ui.allocate_space(Vec2::splat(side));
            }
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Sample prior").clicked() {
                actions.push(SliderAction::SampleFromPrior);
            }
            if ui.button("Reset to zero").clicked() {
                latent.iter_mut().for_each(|value| *value = 0.0);
                actions.push(SliderAction::Changed);
            }
            if ui.add_enabled(has_selection, egui::Button::new("From selection")).clicked() {
                actions.push(SliderAction::SetFromSelection);
            }
            if ui.add_enabled(decoded.is_some(), egui::Button::new("Export PNG…")).clicked() {
                actions.push(SliderAction::Export);
            }
        });
        egui::ScrollArea::vertical().id_salt("latent_sliders").show(ui, |ui| {
            for (dimension, value) in latent.iter_mut().enumerate() {
                let slider = Slider::new(value, SLIDER_RANGE).text(format!("z{dimension}")).fixed_decimals(2);
                if ui.add(slider).changed() {
                    actions.push(SliderAction::Changed);
                }
            }
        });
        actions.dedup();
        actions
    }
}
