//! What each view's tile draws: the parts of the app a view reads or edits, borrowed for one
//! frame, and the one dispatch from a [`ViewPane`] to the code that draws it.

use crate::app::actions::AppAction;
use crate::app::explorer::views::Explorer;
use crate::app::layout::view_pane::ViewPane;
use crate::app::panels::loss_plot;
use crate::app::panels::runs::kept_runs::KeptRuns;
use crate::app::panels::runs::runs_panel::RunsPanel;
use crate::app::settings::view_settings::ViewSettings;
use crate::app::training_progress::TrainingProgress;

/// The app's parts the views draw from, borrowed for one frame.
pub struct PaneParts<'a> {
    /// The latent views.
    pub explorer: &'a mut Explorer,
    /// The latent views' choices.
    pub views: &'a mut ViewSettings,
    /// The loss plot's log scale.
    pub log_scale: &'a mut bool,
    /// The Runs table.
    pub runs: &'a mut RunsPanel,
    /// The run being trained (or last trained).
    pub progress: &'a TrainingProgress,
    /// The runs the window kept.
    pub kept: &'a KeptRuns,
    /// The runs the loss plot overlaid this frame.
    pub plotted_runs: &'a mut Vec<String>,
}

impl PaneParts<'_> {
    /// Draws `pane` into its tile; returns what the user asked.
    ///
    /// The view's widget ids come from the view alone: egui numbers widgets in drawing order, so
    /// without this scope a widget's id shifts whenever something drawn before it in the frame
    /// (another tile, a panel) gains or loses a widget, and a click or a screen reader's action
    /// aimed at it one frame misses it the next.
    pub fn ui(&mut self, ui: &mut egui::Ui, pane: ViewPane) -> Vec<AppAction> {
        let scope = egui::UiBuilder::new().scope_id(egui::Id::unique(("view pane", pane)));
        ui.scope_builder(scope, |ui| self.pane_ui(ui, pane)).inner
    }

    fn pane_ui(&mut self, ui: &mut egui::Ui, pane: ViewPane) -> Vec<AppAction> {
        match pane {
            ViewPane::Loss => {
                ui.horizontal_wrapped(|ui| {
                    ui.checkbox(self.log_scale, "log scale");
                    self.runs.metric_chooser_ui(ui);
                });
                let overlay = self.runs.overlay(self.progress);
                *self.plotted_runs = loss_plot::ui(ui, self.progress, *self.log_scale, &overlay);
                Vec::new()
            }
            ViewPane::Runs => self.runs.ui(ui, self.progress, self.kept),
            ViewPane::Scatter => self.explorer.scatter_view_ui(ui, self.views),
            ViewPane::LatentPoint => {
                // Scrolls rather than being cut in a short tile.
                egui::ScrollArea::vertical()
                    .id_salt("latent_point")
                    .auto_shrink(false)
                    .show(ui, |ui| self.explorer.sliders_ui(ui, self.views))
                    .inner
            }
            ViewPane::Directions => self.explorer.exploration_ui(ui, self.views),
            ViewPane::DecoderGrid
            | ViewPane::Samples
            | ViewPane::Reconstructions
            | ViewPane::Morph
            | ViewPane::Draw => self.explorer.image_view_ui(ui, self.views, pane),
        }
    }
}
