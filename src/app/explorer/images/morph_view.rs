//! The morph: two chosen images, a slider from one to the other, and a strip of steps.

use egui::{Slider, Vec2};

use crate::app::explorer::images::strip::{self, StripView};
use crate::app::explorer::images::texture::{CachedTexture, content_key, texture_image};
use crate::app::explorer::state::{ExplorerState, PointRef};
use crate::app::settings::view_settings::MorphSettings;
use crate::inference::MAX_MORPH_STEPS;
use crate::latent::Interpolation;
use crate::render;

/// Images shown per row of the dataset browser.
const BROWSER_THUMBNAILS: usize = 8;

/// What the user asked of the morph view.
#[derive(Clone, Debug, PartialEq)]
pub enum MorphAction {
    /// Make a dataset image end A (0) or B (1).
    PickPoint(usize, PointRef),
    /// Open an image file as end A (0) or B (1).
    OpenImage(usize),
    /// Swap A and B.
    Swap,
}

/// The morph view's state.
#[derive(Default)]
pub struct MorphView {
    browse_class: u8,
    browse_start: usize,
    ends: [CachedTexture; 2],
    frame: CachedTexture,
    strip: StripView,
    browser: CachedTexture,
}

impl MorphView {
    /// Draws the view; edits `settings` in place and returns what was asked.
    pub fn ui(&mut self, ui: &mut egui::Ui, state: &ExplorerState, settings: &mut MorphSettings) -> Vec<MorphAction> {
        let mut actions = Vec::new();
        let Some(shape) = state.image_shape() else { return actions };
        ui.horizontal(|ui| {
            for (slot, name) in ["A", "B"].into_iter().enumerate() {
                ui.vertical(|ui| {
                    ui.strong(name);
                    match &state.ends[slot] {
                        Some(end) => {
                            let key = content_key(&end.pixels);
                            let texture = self.ends[slot].get(ui.ctx(), name, key, || {
                                texture_image(&render::single_image(end.pixels.clone(), shape))
                            });
                            ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(56.0)));
                            ui.small(&end.name);
                        }
                        None => {
                            ui.allocate_space(Vec2::splat(56.0));
                            ui.small(if slot == 0 { "click a point" } else { "shift-click a point" });
                        }
                    }
                    if ui.small_button(format!("Open image as {name}…")).clicked() {
                        actions.push(MorphAction::OpenImage(slot));
                    }
                });
            }
            if ui.button("Swap").clicked() {
                actions.push(MorphAction::Swap);
            }
        });
        self.browser_ui(ui, state, &mut actions);
        ui.horizontal(|ui| {
            ui.add(Slider::new(&mut settings.t, 0.0..=1.0).text("t").fixed_decimals(2));
            ui.selectable_value(&mut settings.interpolation, Interpolation::Linear, "linear");
            ui.selectable_value(&mut settings.interpolation, Interpolation::Spherical, "spherical");
            ui.add(egui::DragValue::new(&mut settings.steps).range(2..=MAX_MORPH_STEPS).prefix("steps "));
        });
        let Some((request, frame, strip)) = &state.morph.value else {
            ui.label("choose A and B to morph");
            return actions;
        };
        let generation = state.morph.generation;
        let steps = request.steps;
        let strip_height = strip::shown_size(steps, ui.available_width()).1.y;
        let side = (ui.available_height() - 70.0 - strip_height).clamp(64.0, 220.0);
        let texture = self
            .frame
            .get(ui.ctx(), "morph_frame", generation, || texture_image(&render::single_image(frame.clone(), shape)));
        ui.add(egui::Image::new(texture).fit_to_exact_size(Vec2::splat(side)));
        self.strip.show(ui, "morph_strip", generation, strip, shape, steps);
        actions
    }

    /// A row of held-out images of one class: click for A, shift-click for B.
    fn browser_ui(&mut self, ui: &mut egui::Ui, state: &ExplorerState, actions: &mut Vec<MorphAction>) {
        let Some(dataset) = &state.dataset else { return };
        let set = &dataset.heldout;
        // The dataset's own shape: the browser shows the data even when it does not fit the model.
        let shape = set.shape();
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                ui.label("browse held-out:");
                let class_name = |label: u8| dataset.class_names.get(usize::from(label)).cloned().unwrap_or_default();
                egui::ComboBox::from_id_salt("browse_class").selected_text(class_name(self.browse_class)).show_ui(
                    ui,
                    |ui| {
                        for label in 0..dataset.class_names.len().min(256) as u8 {
                            ui.selectable_value(&mut self.browse_class, label, class_name(label));
                        }
                    },
                );
                let members = set.labels.iter().filter(|&&label| label == self.browse_class).count();
                ui.add(
                    egui::DragValue::new(&mut self.browse_start).range(0..=members.saturating_sub(1)).prefix("from "),
                );
            });
            let indices: Vec<usize> = (0..set.len())
                .filter(|&index| set.labels[index] == self.browse_class)
                .skip(self.browse_start)
                .take(BROWSER_THUMBNAILS)
                .collect();
            let key = (u64::from(self.browse_class) << 32) | self.browse_start as u64 | (set.len() as u64) << 40;
            let texture = self.browser.get(ui.ctx(), "browser", key, || {
                let mut pixels = Vec::new();
                set.write_batch(&indices, &mut pixels);
                texture_image(&render::thumbnail_row(pixels, shape, BROWSER_THUMBNAILS))
            });
            let size = Vec2::new(36.0 * BROWSER_THUMBNAILS as f32, 36.0);
            let response = ui.add(egui::Image::new(texture).fit_to_exact_size(size).sense(egui::Sense::click()));
            if response.clicked()
                && let Some(pointer) = response.interact_pointer_pos()
            {
                let column = ((pointer.x - response.rect.min.x) / 36.0) as usize;
                if let Some(&index) = indices.get(column) {
                    let slot = usize::from(ui.input(|input| input.modifiers.shift));
                    actions.push(MorphAction::PickPoint(slot, PointRef { train: false, index }));
                }
            }
            response.on_hover_text("click: make A, shift-click: make B");
        });
    }
}
