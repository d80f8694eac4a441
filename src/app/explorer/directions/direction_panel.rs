//! The direction between two means (two classes, or morph ends A and B): a slider that moves the
//! sliders' point along it, and the traversal strip from one mean to the other.

use egui::Slider;

use crate::app::explorer::images::strip::StripView;
use crate::app::explorer::state::ExplorerState;
use crate::app::settings::exploration_settings::{DirectionBetween, DirectionSettings};
use crate::inference::{DirectionEnds, MAX_MORPH_STEPS};

/// Range of the direction slider: 1 moves the point by the whole way from one mean to the other.
pub const DIRECTION_AMOUNT_RANGE: std::ops::RangeInclusive<f32> = -2.0..=2.0;

/// Room beside the direction slider for its value box and spacing, in points.
const SLIDER_VALUE_WIDTH: f32 = 64.0;

/// What the user asked of the direction panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectionAction {
    /// Export the traversal strip.
    Export,
}

/// The direction panel's view state.
#[derive(Default)]
pub struct DirectionPanel {
    strip: StripView,
    /// How far the sliders' point has been moved along the direction since it was last placed.
    amount: f32,
}

impl DirectionPanel {
    /// Draws the panel; moves `latent` along the shown direction when its slider moves.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        state: &ExplorerState,
        settings: &mut DirectionSettings,
        latent: &mut [f32],
    ) -> Vec<DirectionAction> {
        let mut actions = Vec::new();
        let Some(shape) = state.image_shape() else { return actions };
        ui.checkbox(&mut settings.shown, "Direction between two means");
        if !settings.shown {
            return actions;
        }
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut settings.between, DirectionBetween::Classes, "two classes");
            ui.selectable_value(&mut settings.between, DirectionBetween::MorphEnds, "morph A to B");
            ui.add(egui::DragValue::new(&mut settings.steps).range(2..=MAX_MORPH_STEPS).prefix("steps "));
        });
        if settings.between == DirectionBetween::Classes {
            let class_names = state.dataset.as_ref().map(|dataset| dataset.class_names.clone()).unwrap_or_default();
            if class_names.is_empty() {
                ui.label("open a labelled dataset to pick classes");
            } else {
                distinct_ends(settings, class_names.len());
                ui.horizontal_wrapped(|ui| {
                    class_combo_ui(ui, "from class", &mut settings.from_class, &class_names);
                    class_combo_ui(ui, "to class", &mut settings.to_class, &class_names);
                });
            }
        }
        let Some((request, direction, strip)) = &state.traversal.value else {
            ui.label(match settings.between {
                // The class means need a model that reads the data shown (see the status bar).
                DirectionBetween::Classes if state.data_mismatch().is_some() => "—",
                DirectionBetween::Classes => "computing the class means…",
                DirectionBetween::MorphEnds => "choose morph ends A and B",
            });
            return actions;
        };
        let ends = match &request.ends {
            DirectionEnds::Classes { from, to } => {
                format!("class {} to class {}", class_label(state, *from), class_label(state, *to))
            }
            DirectionEnds::Points { .. } => "A to B".to_string(),
        };
        ui.small(format!("{ends}: {:.3} apart in latent space", direction.length()));
        let steps = request.steps;
        self.strip.show(ui, "direction_strip", state.traversal.generation, strip, shape, steps);
        let before = self.amount;
        let label = ui
            .horizontal_wrapped(|ui| {
                let label = ui.label("along direction");
                ui.small("moves the point (1 = the whole way from one mean to the other)");
                label
            })
            .inner;
        // The slider and its value fill the tile's width and no more (a wider one would widen the
        // rows below it past the tile's edge).
        ui.spacing_mut().slider_width = (ui.available_width() - SLIDER_VALUE_WIDTH).max(40.0);
        let slider = Slider::new(&mut self.amount, DIRECTION_AMOUNT_RANGE).fixed_decimals(2);
        if ui.add(slider).labelled_by(label.id).changed() && latent.len() == direction.from.len() {
            let moved = direction.moved(latent, self.amount - before);
            latent.copy_from_slice(&moved);
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Start at first mean").clicked() && latent.len() == direction.from.len() {
                latent.copy_from_slice(&direction.from);
                self.amount = 0.0;
            }
            if ui.button("Export strip PNG…").clicked() {
                actions.push(DirectionAction::Export);
            }
        });
        actions
    }
}

/// Brings the chosen classes into a dataset of `class_count` classes; two ends that only become
/// the same class by that (3 → 8 on a folder of two classes) become its first two classes, as a
/// direction from a class to itself is no direction.
fn distinct_ends(settings: &mut DirectionSettings, class_count: usize) {
    let last = u8::try_from(class_count.saturating_sub(1)).unwrap_or(u8::MAX);
    let (from, to) = (settings.from_class.min(last), settings.to_class.min(last));
    let clamped = (from, to) != (settings.from_class, settings.to_class);
    (settings.from_class, settings.to_class) = if clamped && from == to && last >= 1 { (0, 1) } else { (from, to) };
}

/// A combo box labelled `label` choosing one of `class_names` (indices above 255 are not offered).
fn class_combo_ui(ui: &mut egui::Ui, label: &str, class: &mut u8, class_names: &[String]) {
    let last = u8::try_from(class_names.len().saturating_sub(1)).unwrap_or(u8::MAX);
    *class = (*class).min(last);
    let name = |index: u8| class_names.get(usize::from(index)).cloned().unwrap_or_else(|| index.to_string());
    egui::ComboBox::new(("direction", label), label).width(48.0).selected_text(name(*class)).show_ui(ui, |ui| {
        for index in 0..=last {
            ui.selectable_value(class, index, name(index));
        }
    });
}

/// A class's name in the shown dataset, or its index.
fn class_label(state: &ExplorerState, class: u8) -> String {
    state
        .dataset
        .as_ref()
        .and_then(|dataset| dataset.class_names.get(usize::from(class)).cloned())
        .unwrap_or_else(|| class.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_clamped_onto_one_class_become_the_first_two_and_chosen_ends_stay() {
        let mut settings = DirectionSettings { from_class: 3, to_class: 8, ..DirectionSettings::default() };
        distinct_ends(&mut settings, 2);
        assert_eq!((settings.from_class, settings.to_class), (0, 1));
        let mut settings = DirectionSettings { from_class: 1, to_class: 8, ..DirectionSettings::default() };
        distinct_ends(&mut settings, 5);
        assert_eq!((settings.from_class, settings.to_class), (1, 4));
        let mut settings = DirectionSettings { from_class: 2, to_class: 2, ..DirectionSettings::default() };
        distinct_ends(&mut settings, 10);
        assert_eq!((settings.from_class, settings.to_class), (2, 2), "the user's own choice stays");
        let mut settings = DirectionSettings { from_class: 3, to_class: 8, ..DirectionSettings::default() };
        distinct_ends(&mut settings, 1);
        assert_eq!((settings.from_class, settings.to_class), (0, 0), "one class has no second");
    }
}
