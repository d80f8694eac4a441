//! The image views, each in its own tile: the decoder sweep, prior samples, reconstructions,
//! morph and the drawing canvas, with the export row of the views that export.

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::images::drawing_canvas::{CanvasAction, CanvasView};
use crate::app::explorer::images::morph_view::MorphAction;
use crate::app::explorer::views::{Explorer, NO_MODEL_YET};
use crate::app::layout::view_pane::ViewPane;
use crate::app::settings::view_settings::ViewSettings;

impl Explorer {
    /// Draws image view `pane` (the decoder grid, samples, reconstructions, morph or drawing;
    /// any other view draws nothing) with its export row; returns what the user asked.
    pub fn image_view_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, pane: ViewPane) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let Some(shape) = self.state.image_shape() else {
            ui.label(NO_MODEL_YET);
            return actions;
        };
        export_row_ui(ui, settings, pane, &mut actions);
        let state = &self.state;
        match pane {
            ViewPane::DecoderGrid => {
                let shown = state
                    .grid
                    .value
                    .as_ref()
                    .map(|(request, images)| (request, images.as_slice(), state.grid.generation));
                let (spec, base, spacing) = (&mut settings.grid, &mut settings.grid_base, &mut settings.grid_spacing);
                self.grid.ui(ui, spec, base, spacing, shown, shape);
                settings.grid.x_range = ordered(settings.grid.x_range);
                settings.grid.y_range = ordered(settings.grid.y_range);
            }
            ViewPane::Samples => {
                let samples =
                    state.samples.value.as_ref().map(|(_, images)| (images.as_slice(), state.samples.generation));
                self.grids.samples_ui(ui, samples, &mut settings.sample_seed, shape);
            }
            ViewPane::Reconstructions => {
                let pairs = state.reconstructions.value.as_ref().map(|(originals, reconstructions)| {
                    (originals.as_slice(), reconstructions.as_slice(), state.reconstructions.generation)
                });
                self.grids.reconstructions_ui(ui, pairs, shape);
            }
            ViewPane::Morph => {
                // The strip and its controls scroll rather than being cut in a small tile.
                egui::ScrollArea::both().id_salt("morph").auto_shrink(false).show(ui, |ui| {
                    for action in self.morph.ui(ui, state, &mut settings.morph) {
                        actions.push(match action {
                            MorphAction::PickPoint(slot, point) => AppAction::PickPoint { slot, point },
                            MorphAction::OpenImage(slot) => AppAction::Ask(DialogRequest::ImageFile(slot)),
                            MorphAction::Swap => AppAction::SwapEnds,
                        });
                    }
                });
            }
            ViewPane::Draw => {
                let Some(model) = state.model.as_ref() else { return actions };
                let (paper, default_ink) = crate::drawing::canvas_colours(&model.info);
                let encoded = state
                    .drawn
                    .value
                    .as_ref()
                    .map(|(drawing, encoded)| (drawing, encoded.as_ref(), state.drawn.generation));
                let view = CanvasView { shape, paper, default_ink, encoded };
                egui::ScrollArea::both().id_salt("draw").auto_shrink(false).show(ui, |ui| {
                    for action in self.canvas.ui(ui, &view) {
                        actions.push(match action {
                            CanvasAction::UseAs(slot) => AppAction::UseDrawing(slot),
                        });
                    }
                });
            }
            _ => {}
        }
        actions
    }
}

/// Export buttons for image view `pane`, with the scale of the exported picture.
fn export_row_ui(ui: &mut egui::Ui, settings: &mut ViewSettings, pane: ViewPane, actions: &mut Vec<AppAction>) {
    let views: &[ExportView] = match pane {
        ViewPane::DecoderGrid => &[ExportView::DecoderGrid],
        ViewPane::Samples => &[ExportView::PriorSamples],
        ViewPane::Reconstructions => &[ExportView::Reconstructions],
        ViewPane::Morph => &[ExportView::MorphStrip, ExportView::MorphGif],
        _ => return,
    };
    ui.horizontal_wrapped(|ui| {
        for &view in views {
            if ui.small_button(format!("Export {}…", view.extension().to_uppercase())).clicked() {
                actions.push(AppAction::Ask(DialogRequest::ExportFile(view)));
            }
        }
        let export = &mut settings.export;
        ui.add(egui::DragValue::new(&mut export.scale).range(1..=8).prefix("scale ×"));
        ui.add(egui::DragValue::new(&mut export.gutter_px).range(0..=8).prefix("gutter ").suffix(" px"));
        if pane == ViewPane::Morph {
            ui.add(egui::DragValue::new(&mut export.gif_fps).range(1.0..=50.0).prefix("GIF ").suffix(" fps"));
        }
    });
}

/// A range with min ≤ max, and a little width.
fn ordered([low, high]: [f32; 2]) -> [f32; 2] {
    let (low, high) = if low <= high { (low, high) } else { (high, low) };
    if high - low < 1e-3 { [low, low + 1e-3] } else { [low, high] }
}
