//! The views' tiles: maximising the decoder grid draws it larger and restore brings the tiles
//! back; a tab dragged onto another view joins it; the layout is remembered through the
//! window's stored settings, and a stored layout that does not hold this version's views is reset.

use std::collections::HashMap;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{
    HIDE_CONTROLS_LABEL, MAXIMISE_LABEL, RESET_LAYOUT_LABEL, RESTORE_LABEL, SHOW_CONTROLS_LABEL, Settings, VaeApp,
    ViewLayout, ViewPane,
};

use crate::support::{cpu_app_harness, run_until};

/// eframe's storage, in memory.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// The settings as eframe stores them when the window closes and reads them at the next start.
fn stored_and_read_back(app: &mut VaeApp) -> Settings {
    let mut storage = MemoryStorage::default();
    eframe::App::save(app, &mut storage);
    let key = storage.0.keys().next().expect("the app stored its settings").clone();
    eframe::get_value::<Settings>(&storage, &key).expect("the stored settings read back")
}

fn app_with(settings: Settings, size: [f32; 2]) -> Harness<'static, VaeApp> {
    Harness::builder().with_size(size).build_eframe(move |cc| VaeApp::with_settings(&cc.egui_ctx, settings, None))
}

/// Steps until the bundled model and digits are read: the views and the status bar's texts show
/// them.
fn settle_status_bar(harness: &mut Harness<'static, VaeApp>) {
    run_until(harness, "the bundled model and digits", |app| {
        app.data_read().is_some() && app.explorer().state.model.is_some()
    });
}

fn grid_side(app: &VaeApp) -> f32 {
    app.explorer().decoder_grid_rect().map_or(0.0, |rect| rect.width())
}

/// The maximise button in the tab bar of the tab titled `title`.
fn maximise_button_of<'a>(harness: &'a Harness<'static, VaeApp>, title: &str) -> egui_kittest::Node<'a> {
    let tab = harness.get_by_label(title).rect();
    harness
        .get_all_by_label(MAXIMISE_LABEL)
        .filter(|button| (button.rect().center().y - tab.center().y).abs() < 12.0 && button.rect().left() > tab.left())
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .expect("a maximise button in the tab's bar")
}

#[test]
fn maximising_the_decoder_grid_draws_it_larger_and_restore_brings_the_tiles_back() {
    let runs_dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(runs_dir.path(), [1280.0, 800.0]);
    run_until(&mut harness, "the bundled model's grid", |app| {
        app.explorer().state.grid.value.is_some() && grid_side(app) > 0.0
    });
    let tiled = grid_side(harness.state());
    assert!(tiled > 150.0, "the grid fills its tile: {tiled} points");

    maximise_button_of(&harness, "Grid").click();
    harness.run_steps(3);
    assert_eq!(harness.state().settings().layout.maximised, Some(ViewPane::DecoderGrid));
    let maximised = grid_side(harness.state());
    assert!(maximised > tiled * 1.4, "maximised {maximised} points, tiled {tiled}");
    assert!(harness.query_by_label("Runs").is_none(), "the other views' tiles are hidden");

    harness.get_by_label(RESTORE_LABEL).click();
    harness.run_steps(3);
    assert_eq!(harness.state().settings().layout.maximised, None);
    let restored = grid_side(harness.state());
    // Within 5 %: a status line that wraps once more meanwhile (a notice arriving) shortens the tiles a little.
    assert!((restored - tiled).abs() < tiled * 0.05, "restored {restored} points, tiled {tiled}");
    assert!(harness.query_by_label("Runs").is_some());
}

#[test]
fn a_dragged_tab_joins_the_view_it_is_dropped_on_and_the_layout_is_remembered_across_a_restart() {
    let mut harness = app_with(Settings::default(), [1280.0, 800.0]);
    harness.run_steps(3);
    // Drag the Runs tab onto the middle of the scatter's tile: it becomes a tab there.
    let from = harness.get_by_label("Runs").rect().center();
    let tiles = &harness.state().settings().layout.tree.tiles;
    let scatter_tabs = tiles.find_pane(&ViewPane::Scatter).and_then(|id| tiles.parent_of(id)).expect("its tabs");
    // The middle of the tile below its tab bar is where egui_tiles adds a tab.
    let to = tiles.rect(scatter_tabs).expect("laid out").center() + egui::vec2(0.0, 11.0);
    harness.event(egui::Event::PointerMoved(from));
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.step();
    for step in 1..=10 {
        harness.event(egui::Event::PointerMoved(from + (to - from) * (step as f32 / 10.0)));
        harness.step();
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(3);
    let tiles = &harness.state().settings().layout.tree.tiles;
    let parent = |pane| tiles.find_pane(&pane).and_then(|id| tiles.parent_of(id));
    assert!(parent(ViewPane::Runs).is_some());
    assert_eq!(parent(ViewPane::Runs), parent(ViewPane::Scatter), "Runs is a tab beside the scatter");
    assert!(harness.state().settings().layout.fits());

    // The shown tab, the maximised view and the moved tab come back after a restart through the stored settings.
    harness.get_by_label("Reconstructions").click();
    harness.run_steps(2);
    maximise_button_of(&harness, "Reconstructions").click();
    harness.run_steps(2);
    let layout = harness.state().settings().layout.clone();
    assert_eq!(layout.maximised, Some(ViewPane::Reconstructions));
    let stored = stored_and_read_back(harness.state_mut());
    drop(harness);
    assert_eq!(stored.layout, layout);
    let mut harness = app_with(stored, [1280.0, 800.0]);
    harness.run_steps(3);
    assert_eq!(harness.state().settings().layout, layout);
    assert!(harness.state().notice().is_none(), "{:?}", harness.state().notice());
    settle_status_bar(&mut harness);
    harness.get_by_label(RESTORE_LABEL).click();
    harness.run_steps(3);
    let tiles = &harness.state().settings().layout.tree.tiles;
    let parent = |pane| tiles.find_pane(&pane).and_then(|id| tiles.parent_of(id));
    assert_eq!(parent(ViewPane::Runs), parent(ViewPane::Scatter));

    // "reset layout" puts every view back where it was at the first start.
    harness.get_by_label(RESET_LAYOUT_LABEL).click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings().layout, ViewLayout::default());
}

#[test]
fn a_stored_layout_of_other_views_is_reset_with_a_note_and_the_window_draws() {
    let mut harness = app_with(Settings::default(), [800.0, 600.0]);
    harness.run_steps(2);
    let stored = stored_and_read_back(harness.state_mut());
    drop(harness);
    // A layout written by a version with another view than Morph, and one missing the Draw view.
    let mut storage = MemoryStorage::default();
    eframe::set_value(&mut storage, "settings", &stored);
    let text = storage.get_string_for_test("settings");
    assert!(text.contains(r#"\"Morph\""#), "the layout is stored as text inside the settings");
    let renamed = text.replace(r#"\"Morph\""#, r#"\"Spectrogram\""#);
    let mut missing = stored.clone();
    let draw = missing.layout.tree.tiles.find_pane(&ViewPane::Draw).expect("a Draw tile");
    missing.layout.tree.remove_recursively(draw);

    for settings in [ron::from_str::<Settings>(&renamed).expect("the other settings still read"), missing] {
        assert!(!settings.layout.fits());
        let mut harness = app_with(settings, [800.0, 600.0]);
        harness.run_steps(3);
        assert_eq!(harness.state().settings().layout, ViewLayout::default());
        let notice = harness.state().notice().unwrap_or_default().to_string();
        assert!(notice.contains("layout"), "{notice}");
        assert!(harness.query_by_label("Grid").is_some(), "the views' tiles are drawn");
    }
}

impl MemoryStorage {
    fn get_string_for_test(&self, key: &str) -> String {
        self.0.get(key).cloned().expect("a stored value")
    }
}

#[test]
fn at_1280_by_800_every_image_tab_and_the_direction_controls_sit_inside_their_tiles() {
    let runs_dir = tempfile::tempdir().expect("temp dir");
    let mut harness = cpu_app_harness(runs_dir.path(), [1280.0, 800.0]);
    run_until(&mut harness, "the direction strip", |app| app.explorer().state.traversal.value.is_some());
    // Every tab of the image views shows left of its bar's maximise button (none scrolled behind an arrow).
    let images_bar_end = maximise_button_of(&harness, "Grid").rect().left();
    for title in ["Grid", "Samples", "Reconstructions", "Morph", "Draw"] {
        let tab = harness.get_by_label(title).rect();
        assert!(
            tab.right() <= images_bar_end,
            "the {title} tab ends at {} past the bar's end {images_bar_end}",
            tab.right()
        );
    }
    // The direction panel's slider value and buttons end inside its tile (the maximise button ends the tile).
    let directions_edge = maximise_button_of(&harness, "Directions").rect().right();
    for label in ["Start at first mean", "Export strip PNG…"] {
        let right = harness.get_by_label(label).rect().right();
        assert!(right <= directions_edge + 1.0, "{label} ends at {right}, the tile at {directions_edge}");
    }
}

#[test]
fn a_small_window_resets_to_the_compact_layout_and_the_settings_panel_folds_away() {
    let mut harness = app_with(Settings::default(), [800.0, 600.0]);
    settle_status_bar(&mut harness);
    harness.get_by_label(RESET_LAYOUT_LABEL).click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings().layout, ViewLayout::compact());
    let scatter_width = |harness: &Harness<'static, VaeApp>| {
        let tiles = &harness.state().settings().layout.tree.tiles;
        tiles.find_pane(&ViewPane::Scatter).and_then(|id| tiles.rect(id)).expect("the scatter laid out").width()
    };
    let beside_settings = scatter_width(&harness);
    assert!(harness.query_by_label("Train").is_some());

    harness.get_by_label(HIDE_CONTROLS_LABEL).click();
    harness.run_steps(2);
    assert!(harness.state().settings().controls_hidden);
    assert!(harness.query_by_label("Train").is_none(), "the settings panel is folded away");
    let alone = scatter_width(&harness);
    assert!(alone > beside_settings + 150.0, "the views take the panel's width: {alone} against {beside_settings}");
    assert!(stored_and_read_back(harness.state_mut()).controls_hidden, "remembered");

    harness.get_by_label(SHOW_CONTROLS_LABEL).click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Train").is_some());
}

#[test]
fn the_status_bar_buttons_stay_put_when_its_texts_wrap_onto_more_lines() {
    let mut harness = app_with(Settings::default(), [800.0, 600.0]);
    harness.run_steps(1);
    let before = harness.get_by_label(RESET_LAYOUT_LABEL).rect();
    settle_status_bar(&mut harness);
    let after = harness.get_by_label(RESET_LAYOUT_LABEL).rect();
    let summary = harness
        .get_all_by_label_contains("model: ")
        .map(|node| node.rect())
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .expect("the status bar names the model shown");
    assert!(
        summary.bottom() < after.top(),
        "at 800 px the bar's texts wrap, their first line above the buttons: {summary:?} against {after:?}"
    );
    assert!(
        (after.center() - before.center()).length() < 0.5,
        "the buttons stay where they were: {before:?} then {after:?}"
    );
    assert!(after.bottom() > 590.0, "on the window's bottom line: {after:?}");
    harness.get_by_label(HIDE_CONTROLS_LABEL).click();
    harness.run_steps(2);
    assert!(harness.state().settings().controls_hidden, "a click on the button lands on it");
}
