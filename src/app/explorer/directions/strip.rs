//! The direction and nearest-images panels, in a resizable strip below the latent sliders.

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::directions::direction_panel::DirectionAction;
use crate::app::explorer::directions::neighbour_panel::NeighbourAction;
use crate::app::explorer::views::Explorer;
use crate::app::settings::view_settings::ViewSettings;

impl Explorer {
    /// Draws the direction and nearest-images panels at the bottom of `ui` (call it before the
    /// sliders, so they fill what is left above it).
    pub fn exploration_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        if self.state.model.is_none() {
            return actions;
        }
        egui::Panel::bottom("directions_and_neighbours").resizable(true).default_size(360.0).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("directions_and_neighbours").show(ui, |ui| {
                for action in self.direction.ui(ui, &self.state, &mut settings.direction, &mut self.latent) {
                    match action {
                        DirectionAction::Export => {
                            actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::Traversal)));
                        }
                    }
                }
                ui.separator();
                for action in self.neighbour_panel.ui(ui, &self.state, &mut settings.neighbours) {
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
