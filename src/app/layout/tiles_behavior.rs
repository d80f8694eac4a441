//! How the views' tiles draw: a tab bar over every view (its handle for dragging, with a
//! "maximise" button at its right), and each pane drawn by the app's callback, whose actions are
//! collected for the app to apply.

use egui_tiles::{Behavior, SimplificationOptions, Tabs, Tile, TileId, Tiles, UiResponse};

use crate::app::actions::AppAction;
use crate::app::layout::view_pane::ViewPane;

/// The accessible label of the button that maximises a tab group's shown view (drawn as a small
/// window icon, so narrow tiles keep their room for the tabs; its hover says what it does).
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
        pane.tab_title().into()
    }

    fn on_tab_button(
        &mut self,
        tiles: &mut Tiles<ViewPane>,
        tile_id: TileId,
        button: egui::Response,
    ) -> egui::Response {
        match tiles.get(tile_id) {
            Some(Tile::Pane(pane)) => button.on_hover_text(format!("{} (drag the tab to move the view)", pane.title())),
            _ => button,
        }
    }

    fn tab_title_spacing(&self, _visuals: &egui::Visuals) -> f32 {
        6.0
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
        let hint = format!("maximise: show {} over the whole area (restore brings the tiles back)", pane.title());
        if maximise_button(ui).on_hover_text(hint).clicked() {
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

/// A button drawn as a window icon (egui's default fonts have no such glyph), named
/// [`MAXIMISE_LABEL`] for screen readers and tests.
fn maximise_button(ui: &mut egui::Ui) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(20.0, 16.0), egui::Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), MAXIMISE_LABEL));
    let visuals = ui.style().interact(&response);
    let painter = ui.painter();
    if response.hovered() {
        painter.rect_filled(rect, 2.0, visuals.weak_bg_fill);
    }
    let icon = egui::Rect::from_center_size(rect.center(), egui::vec2(11.0, 9.0));
    let stroke = egui::Stroke::new(1.2, visuals.fg_stroke.color);
    painter.rect_stroke(icon, 1.0, stroke, egui::StrokeKind::Inside);
    let title_bar = icon.top() + 2.5;
    painter.line_segment([egui::pos2(icon.left(), title_bar), egui::pos2(icon.right(), title_bar)], stroke);
    response
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
