//! The direction and nearest-images panels, in a resizable strip below the latent sliders.

use super::actions::{AppAction, DialogRequest};
use super::direction_panel::DirectionAction;
use super::explorer::Explorer;
use super::neighbour_panel::NeighbourAction;
use super::view_export::ExportView;
use super::view_settings::ViewSettings;

impl Explorer {
    /// Draws the direction and nearest-images panels at the bottom of `ui` (call it before the
    /// sliders, so they fill what is left above it).
    pub fn show_exploration(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        if self.state.model.is_none() {
            return actions;
        }
        egui::Panel::bottom("directions_and_neighbours").resizable(true).default_size(360.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("directions_and_neighbours").show(ui, |ui| {
                for action in self.direction.show(ui, &self.state, &mut settings.direction, &mut self.latent) {
                    match action {
                        DirectionAction::Export => {
                            actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::Traversal)));
                        }
                    }
                }
                ui.separator();
                for action in self.neighbour_panel.show(ui, &self.state, &mut settings.neighbours) {
                    match action {
                        NeighbourAction::Export => {
                            actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::Neighbours)));
                        }
                    }
                }
            });
        });
        actions
    }
}
