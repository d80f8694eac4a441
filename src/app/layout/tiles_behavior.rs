//! How the views' tiles draw: a tab bar over every view (its handle for dragging, with a
//! "maximise" button at its right), and each pane drawn by the app's callback, whose actions are
//! collected for the app to apply.

use egui_tiles::{Behavior, SimplificationOptions, Tabs, Tile, TileId, Tiles, UiResponse};

use crate::app::actions::AppAction;
use crate::app::layout::view_pane::ViewPane;

/// The label of the button that maximises a tab group's shown view.
pub const MAXIMISE_LABEL: &str = "maximise";

/// The label of the button that shows the tiles again.
pub const RESTORE_LABEL: &str = "restore";

/// Draws the views' tiles with `draw`, which draws one view and returns what the user asked.
pub struct ViewTiles<'a, Draw> {
    /// Draws one view into its tile.
    pub draw: Draw,
    /// What the views and the tab bars asked for this frame.
    pub actions: &'a mut Vec<AppAction>,
}

impl<Draw: FnMut(&mut egui::Ui, ViewPane) -> Vec<AppAction>> Behavior<ViewPane> for ViewTiles<'_, Draw> {
    fn pane_ui(&mut self, ui: &mut egui::Ui, _tile_id: TileId, pane: &mut ViewPane) -> UiResponse {
        let pane = *pane;
        egui::Frame::new().inner_margin(4.0).show(ui, |ui| {
            self.actions.extend((self.draw)(ui, pane));
        });
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &ViewPane) -> egui::WidgetText {
        pane.title().into()
    }

    fn top_bar_right_ui(
        &mut self,
        tiles: &Tiles<ViewPane>,
        ui: &mut egui::Ui,
        _tile_id: TileId,
        tabs: &Tabs,
        _scroll_offset: &mut f32,
    ) {
        let Some(Tile::Pane(pane)) = tabs.active.and_then(|active| tiles.get(active)) else { return };
        let hint = format!("show {} over the whole area (restore brings the tiles back)", pane.title());
        if ui.small_button(MAXIMISE_LABEL).on_hover_text(hint).clicked() {
            self.actions.push(AppAction::MaximiseView(*pane));
        }
    }

    fn tab_bar_height(&self, _style: &egui::Style) -> f32 {
        22.0
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        3.0
    }

    fn min_size(&self) -> f32 {
        60.0
    }

    /// Every view keeps a tab bar, the handle it is dragged by.
    fn simplification_options(&self) -> SimplificationOptions {
        SimplificationOptions { all_panes_must_have_tabs: true, ..SimplificationOptions::default() }
    }
}

/// Draws the layout's maximised view with a header to restore the tiles, or else the tiles;
/// `draw` draws one view. Returns what the views and the tile headers asked for.
pub fn layout_ui(
    ui: &mut egui::Ui,
    layout: &mut crate::app::layout::view_layout::ViewLayout,
    mut draw: impl FnMut(&mut egui::Ui, ViewPane) -> Vec<AppAction>,
) -> Vec<AppAction> {
    let mut actions = Vec::new();
    if let Some(view) = layout.maximised {
        ui.horizontal(|ui| {
            ui.strong(view.title());
            if ui.small_button(RESTORE_LABEL).on_hover_text("show every view's tile again").clicked() {
                actions.push(AppAction::RestoreLayout);
            }
        });
        ui.separator();
        actions.extend(draw(ui, view));
        return actions;
    }
    let mut behavior = ViewTiles { draw, actions: &mut actions };
    layout.tree.ui(&mut behavior, ui);
    actions
}
