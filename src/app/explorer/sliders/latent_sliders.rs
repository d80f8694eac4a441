//! One slider per latent dimension and the image they decode to: most active dimension first (by
//! KL), collapsed ones greyed and folded away, each slider's range linear ±r, the prior's quantiles
//! or the data's percentiles; the KL strip above them.

use egui::{Slider, Vec2};

use crate::app::explorer::images::texture::{CachedTexture, texture_image};
use crate::app::explorer::sliders::kl_strip::{self, DimensionKl};
use crate::app::settings::view_settings::{MAX_SLIDER_RADIUS, MIN_SLIDER_RADIUS, SliderSettings};
use crate::image_shape::ImageShape;
use crate::inference::LatentCloud;
use crate::latent::Spacing;
use crate::latent::{DataRanges, SliderScale};
use crate::quality::dims_by_kl;
use crate::render;

/// Slider range on every dimension by default (linear ±4).
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

/// What the sliders show besides the point itself.
pub struct SliderView<'a> {
    /// The decoded point's image and its generation.
    pub decoded: Option<(&'a [f32], u64)>,
    /// The model's image shape.
    pub image_shape: ImageShape,
    /// True when a morph end A with a known mean exists.
    pub has_selection: bool,
    /// KL per dimension, when known.
    pub kl: Option<&'a DimensionKl>,
    /// The scatter's points and their generation (the data range).
    pub cloud: Option<(&'a LatentCloud, u64)>,
}

/// The sliders' view state.
#[derive(Default)]
pub struct LatentSliders {
    texture: CachedTexture,
    data_ranges: DataRanges,
}

/// The order the sliders are drawn in and which of them are folded away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SliderLayout {
    /// Dimensions shown open, in order.
    pub open: Vec<usize>,
    /// Collapsed dimensions, folded behind a header, in order.
    pub folded: Vec<usize>,
}

impl SliderLayout {
    /// Most active first and collapsed ones folded, unless `natural_order` or the KL is unknown
    /// (or of another size than `latent_dim`): then z0, z1, … with nothing folded.
    pub fn new(latent_dim: usize, kl: Option<&DimensionKl>, natural_order: bool) -> Self {
        let Some(kl) = kl.filter(|kl| kl.nats.len() == latent_dim && !natural_order) else {
            return Self { open: (0..latent_dim).collect(), folded: Vec::new() };
        };
        let collapsed = kl.collapsed();
        let (folded, open) = dims_by_kl(&kl.nats).into_iter().partition(|&dim| collapsed[dim]);
        Self { open, folded }
    }

    /// Every dimension in drawing order.
    pub fn order(&self) -> Vec<usize> {
        self.open.iter().chain(&self.folded).copied().collect()
    }
}

impl LatentSliders {
    /// Draws the decoded image, the KL strip and the sliders for `latent`, editing it in place.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        latent: &mut [f32],
        view: &SliderView<'_>,
        settings: &mut SliderSettings,
    ) -> Vec<SliderAction> {
        let mut actions = Vec::new();
        // At most 220 points, and under half of the tile's height, so the sliders below show too.
        let side = ui.available_width().min(220.0).min(ui.clip_rect().height() * 0.45).max(48.0);
        match view.decoded {
            Some((image, generation)) => {
                let texture = self.texture.get(ui.ctx(), "decoded_point", generation, || {
                    texture_image(&render::single_image(image.to_vec(), view.image_shape))
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
            if ui.add_enabled(view.has_selection, egui::Button::new("From selection")).clicked() {
                actions.push(SliderAction::SetFromSelection);
            }
            if ui.add_enabled(view.decoded.is_some(), egui::Button::new("Export PNG…")).clicked() {
                actions.push(SliderAction::Export);
            }
        });
        let layout = SliderLayout::new(latent.len(), view.kl, settings.natural_order);
        if let Some(kl) = view.kl.filter(|kl| kl.nats.len() == latent.len()) {
            kl_strip::ui(ui, kl, &layout.order());
        }
        self.data_ranges.update(view.cloud, latent.len());
        self.range_choice_ui(ui, settings);
        let radius = settings.sane_radius();
        let spacing = settings.spacing;
        let kl_of = |dim: usize| view.kl.and_then(|kl| kl.nats.get(dim).copied());
        egui::ScrollArea::vertical().id_salt("latent_sliders").show(ui, |ui| {
            for &dim in &layout.open {
                let scale = self.data_ranges.scale(spacing, radius, dim);
                if dimension_slider_ui(ui, &mut latent[dim], dim, scale, kl_of(dim)) {
                    actions.push(SliderAction::Changed);
                }
            }
            if !layout.folded.is_empty() {
                let title = format!("{} collapsed dimensions", layout.folded.len());
                egui::CollapsingHeader::new(title).id_salt("collapsed_sliders").default_open(false).show(ui, |ui| {
                    ui.multiply_opacity(0.45);
                    for &dim in &layout.folded {
                        let scale = self.data_ranges.scale(spacing, radius, dim);
                        if dimension_slider_ui(ui, &mut latent[dim], dim, scale, kl_of(dim)) {
                            actions.push(SliderAction::Changed);
                        }
                    }
                });
            }
        });
        actions.dedup();
        actions
    }

    /// The order toggle and the range choice: linear ±r, prior quantiles or the data's percentiles.
    fn range_choice_ui(&self, ui: &mut egui::Ui, settings: &mut SliderSettings) {
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut settings.natural_order, "natural order")
                .on_hover_text("z0, z1, … instead of the most active dimension first");
            ui.label("range:");
            ui.selectable_value(&mut settings.spacing, Spacing::Linear, "±r").on_hover_text("evenly from −r to r");
            if settings.spacing == Spacing::Linear {
                settings.radius = settings.sane_radius();
                ui.add(
                    egui::DragValue::new(&mut settings.radius)
                        .range(MIN_SLIDER_RADIUS..=MAX_SLIDER_RADIUS)
                        .speed(0.05)
                        .prefix("r "),
                );
            }
            ui.selectable_value(&mut settings.spacing, Spacing::Quantile, "quantiles").on_hover_text(
                "the prior's quantiles: equal moves cross equal prior mass, from Φ⁻¹(0.001) to Φ⁻¹(0.999)",
            );
            let data = ui.selectable_value(&mut settings.spacing, Spacing::Data, "data");
            if self.data_ranges.has_data() {
                data.on_hover_text("the percentiles of the scatter's encoder means along each dimension");
            } else {
                data.on_hover_text(
                    "the percentiles of the scatter's encoder means: waiting for the scatter (±r until then)",
                );
            }
        });
    }
}

/// One dimension's slider (labelled `z{dim}`, its KL on hover); true when the value changed.
fn dimension_slider_ui(
    ui: &mut egui::Ui,
    value: &mut f32,
    dim: usize,
    scale: SliderScale<'_>,
    kl: Option<f64>,
) -> bool {
    let hover = match kl {
        Some(nats) => kl_strip::bar_label(dim, nats),
        None => format!("z{dim}"),
    };
    let name = format!("z{dim}");
    match scale {
        SliderScale::Linear { radius } => {
            // Clamp only what the user edits: with the default clamping egui re-sets (and so rounds to 2
            // decimals) the value every frame, moving points placed by code (directions, picks).
            let slider =
                Slider::new(value, -radius..=radius).text(name).fixed_decimals(2).clamping(egui::SliderClamping::Edits);
            ui.add(slider).on_hover_text(hover).changed()
        }
        _ => {
            // The handle moves in probability (prior or data); the number shown is the latent value.
            let mut position = scale.position_of(*value);
            let slider = Slider::new(&mut position, 0.0..=1.0)
                .text(name)
                .custom_formatter(|position, _| format!("{:.2}", scale.value_at(position)))
                .custom_parser(|text| text.trim().parse::<f32>().ok().map(|typed| scale.position_of(typed)));
            let changed = ui.add(slider).on_hover_text(hover).changed();
            if changed {
                *value = scale.value_at(position);
            }
            changed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::explorer::sliders::kl_strip::KlSource;

    #[test]
    fn sliders_sort_by_kl_and_fold_the_collapsed_ones() {
        let kl = DimensionKl { nats: vec![0.5, 0.001, 3.0, 0.0, 1.0], source: KlSource::Heldout { epochs_done: 1 } };
        let layout = SliderLayout::new(5, Some(&kl), false);
        assert_eq!(layout, SliderLayout { open: vec![2, 4, 0], folded: vec![1, 3] });
        assert_eq!(layout.order(), vec![2, 4, 0, 1, 3]);
        let natural = SliderLayout::new(5, Some(&kl), true);
        assert_eq!(natural, SliderLayout { open: vec![0, 1, 2, 3, 4], folded: vec![] });
        // KL of another model's size is ignored.
        assert_eq!(SliderLayout::new(3, Some(&kl), false).open, vec![0, 1, 2]);
        assert_eq!(SliderLayout::new(2, None, false).open, vec![0, 1]);
    }
}
