//! The explorer's right half: the tabbed image views and their export row.

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::images::drawing_canvas::{CanvasAction, CanvasView};
use crate::app::explorer::images::morph_view::MorphAction;
use crate::app::explorer::views::{Explorer, ExplorerTab};
use crate::app::settings::view_settings::ViewSettings;
use crate::image_shape::ImageShape;

impl Explorer {
    /// Draws the tab bar, the export row and the shown tab.
    pub(super) fn tabs_ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut ViewSettings,
        shape: ImageShape,
        actions: &mut Vec<AppAction>,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut self.tab, ExplorerTab::Grid, "Decoder grid");
            ui.selectable_value(&mut self.tab, ExplorerTab::Samples, "Prior samples");
            ui.selectable_value(&mut self.tab, ExplorerTab::Reconstructions, "Reconstructions");
            ui.selectable_value(&mut self.tab, ExplorerTab::Morph, "Morph");
            ui.selectable_value(&mut self.tab, ExplorerTab::Draw, "Draw");
        });
        self.export_row_ui(ui, settings, actions);
        let state = &self.state;
        match self.tab {
            ExplorerTab::Grid => {
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
            ExplorerTab::Samples => {
                let samples =
                    state.samples.value.as_ref().map(|(_, images)| (images.as_slice(), state.samples.generation));
                self.grids.samples_ui(ui, samples, &mut settings.sample_seed, shape);
            }
            ExplorerTab::Reconstructions => {
                let pairs = state.reconstructions.value.as_ref().map(|(originals, reconstructions)| {
                    (originals.as_slice(), reconstructions.as_slice(), state.reconstructions.generation)
                });
                self.grids.reconstructions_ui(ui, pairs, shape);
            }
            ExplorerTab::Morph => {
                for action in self.morph.ui(ui, state, &mut settings.morph) {
                    actions.push(match action {
                        MorphAction::PickPoint(slot, point) => AppAction::PickPoint { slot, point },
                        MorphAction::OpenImage(slot) => AppAction::Ask(DialogRequest::ImageFile(slot)),
                        MorphAction::Swap => AppAction::SwapEnds,
                    });
                }
            }
            ExplorerTab::Draw => {
                let Some(model) = state.model.as_ref() else { return };
                let (paper, default_ink) = crate::drawing::canvas_colours(&model.info);
                let encoded = state
                    .drawn
                    .value
                    .as_ref()
                    .map(|(drawing, encoded)| (drawing, encoded.as_ref(), state.drawn.generation));
                let view = CanvasView { shape, paper, default_ink, encoded };
                for action in self.canvas.ui(ui, &view) {
                    actions.push(match action {
                        CanvasAction::UseAs(slot) => AppAction::UseDrawing(slot),
                    });
                }
            }
        }
    }

    /// Export buttons for the shown tab, with the scale of the exported picture.
    fn export_row_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, actions: &mut Vec<AppAction>) {
        let views: &[ExportView] = match self.tab {
            ExplorerTab::Grid => &[ExportView::DecoderGrid],
            ExplorerTab::Samples => &[ExportView::PriorSamples],
            ExplorerTab::Reconstructions => &[ExportView::Reconstructions],
            ExplorerTab::Morph => &[ExportView::MorphStrip, ExportView::MorphGif],
            ExplorerTab::Draw => return,
        };
        ui.horizontal(|ui| {
            for &view in views {
                if ui.small_button(format!("Export {}…", view.extension().to_uppercase())).clicked() {
                    actions.push(AppAction::Ask(DialogRequest::ExportFile(view)));
                }
            }
            let export = &mut settings.export;
            ui.add(egui::DragValue::new(&mut export.scale).range(1..=8).prefix("scale ×"));
            ui.add(egui::DragValue::new(&mut export.gutter_px).range(0..=8).prefix("gutter ").suffix(" px"));
            if self.tab == ExplorerTab::Morph {
                ui.add(egui::DragValue::new(&mut export.gif_fps).range(1.0..=50.0).prefix("GIF ").suffix(" fps"));
            }
        });
    }
}

/// A range with min ≤ max, and a little width.
fn ordered([low, high]: [f32; 2]) -> [f32; 2] {
    let (low, high) = if low <= high { (low, high) } else { (high, low) };
    if high - low < 1e-3 { [low, low + 1e-3] } else { [low, high] }
}
