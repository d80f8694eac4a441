//! The direction and nearest-images panels, one view scrolled in its tile.

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::directions::direction_panel::DirectionAction;
use crate::app::explorer::directions::neighbour_panel::NeighbourAction;
use crate::app::explorer::views::Explorer;
use crate::app::settings::view_settings::ViewSettings;

impl Explorer {
    /// Draws the direction and nearest-images panels, scrolling when the tile is short.
    pub fn exploration_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        if self.state.model.is_none() {
            ui.label(crate::app::explorer::views::NO_MODEL_YET);
            return actions;
        }
        egui::ScrollArea::vertical().id_salt("directions_and_neighbours").auto_shrink(false).show(ui, |ui| {
            // The scroll area numbers its content afresh as it starts or stops scrolling: each
            // panel's widgets take their ids from the panel, so a click (or a screen reader's
            // action) aimed at a checkbox while the view scrolls still lands on it.
            ui.scope_builder(stable_scope("direction panel"), |ui| {
                for action in self.direction.ui(ui, &self.state, &mut settings.direction, &mut self.latent) {
                    match action {
                        DirectionAction::Export => {
                            actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::Traversal)));
                        }
                    }
                }
            });
            ui.separator();
            ui.scope_builder(stable_scope("nearest images panel"), |ui| {
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

/// A scope whose widget ids depend on `name` alone, not on what was drawn before it.
fn stable_scope(name: &str) -> egui::UiBuilder {
    egui::UiBuilder::new().scope_id(egui::Id::unique(("exploration view", name)))
}
