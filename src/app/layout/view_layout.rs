//! The views' layout: the tiles the user arranged, the view maximised over them, and the check
//! that a stored layout still holds exactly this version's views (otherwise it is reset).

use std::collections::HashSet;

use egui_tiles::{Container, Tile, TileId, Tiles, Tree};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::app::layout::view_pane::ViewPane;

/// The egui id of the views' tile tree (its drag state and tab scroll offsets).
const TREE_ID: &str = "view_tiles";

/// How the views are laid out: plain data, changed by dragging tiles and by the app's actions.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewLayout {
    /// The tiles: every [`ViewPane`] once, in tab containers inside rows and columns.
    pub tree: Tree<ViewPane>,
    /// The view drawn over the whole area instead of the tiles, until restored.
    pub maximised: Option<ViewPane>,
}

impl Default for ViewLayout {
    /// The scatter and the image views side by side with the latent point beside them, the loss
    /// plot and the Runs table below.
    fn default() -> Self {
        let mut tiles = Tiles::default();
        let tabs = |tiles: &mut Tiles<ViewPane>, panes: &[ViewPane]| {
            let children = panes.iter().map(|&pane| tiles.insert_pane(pane)).collect();
            tiles.insert_tab_tile(children)
        };
        let scatter = tabs(&mut tiles, &[ViewPane::Scatter]);
        let images = tabs(
            &mut tiles,
            &[ViewPane::DecoderGrid, ViewPane::Samples, ViewPane::Reconstructions, ViewPane::Morph, ViewPane::Draw],
        );
        let point = tabs(&mut tiles, &[ViewPane::LatentPoint]);
        let directions = tabs(&mut tiles, &[ViewPane::Directions]);
        let loss = tabs(&mut tiles, &[ViewPane::Loss]);
        let runs = tabs(&mut tiles, &[ViewPane::Runs]);
        let side = linear(&mut tiles, false, &[(point, 0.5), (directions, 0.5)]);
        let pictures = linear(&mut tiles, true, &[(scatter, 0.38), (images, 0.38), (side, 0.24)]);
        let curves = linear(&mut tiles, true, &[(loss, 0.55), (runs, 0.45)]);
        let root = linear(&mut tiles, false, &[(pictures, 0.68), (curves, 0.32)]);
        Self { tree: Tree::new(egui::Id::unique(TREE_ID), root, tiles), maximised: None }
    }
}

/// Below this window width, in points, a fresh layout is [`ViewLayout::compact`].
pub const COMPACT_BELOW_WIDTH: f32 = 1100.0;

impl ViewLayout {
    /// The layout for a small window (800×600): the scatter and the image views as tabs of one
    /// group over the whole width, the latent point and directions beside the loss plot and the
    /// Runs table below, so every view gets the window's width rather than a third of it.
    pub fn compact() -> Self {
        let mut tiles = Tiles::default();
        let tabs = |tiles: &mut Tiles<ViewPane>, panes: &[ViewPane]| {
            let children = panes.iter().map(|&pane| tiles.insert_pane(pane)).collect();
            tiles.insert_tab_tile(children)
        };
        let pictures = tabs(
            &mut tiles,
            &[
                ViewPane::Scatter,
                ViewPane::DecoderGrid,
                ViewPane::Samples,
                ViewPane::Reconstructions,
                ViewPane::Morph,
                ViewPane::Draw,
            ],
        );
        let point = tabs(&mut tiles, &[ViewPane::LatentPoint, ViewPane::Directions]);
        let curves = tabs(&mut tiles, &[ViewPane::Loss, ViewPane::Runs]);
        let below = linear(&mut tiles, true, &[(point, 0.5), (curves, 0.5)]);
        let root = linear(&mut tiles, false, &[(pictures, 0.62), (below, 0.38)]);
        Self { tree: Tree::new(egui::Id::unique(TREE_ID), root, tiles), maximised: None }
    }

    /// The layout a window `width_points` wide starts with (and "reset layout" brings back).
    pub fn for_width(width_points: f32) -> Self {
        if width_points < COMPACT_BELOW_WIDTH { Self::compact() } else { Self::default() }
    }
}

/// A row (`horizontal`) or column of `children`, each with its share of the space.
fn linear(tiles: &mut Tiles<ViewPane>, horizontal: bool, children: &[(TileId, f32)]) -> TileId {
    let ids = children.iter().map(|&(id, _)| id).collect();
    let id = if horizontal { tiles.insert_horizontal_tile(ids) } else { tiles.insert_vertical_tile(ids) };
    if let Some(Tile::Container(Container::Linear(linear))) = tiles.get_mut(id) {
        for &(child, share) in children {
            linear.shares.set_share(child, share);
        }
    }
    id
}

impl ViewLayout {
    /// Draws `view` over the whole area until [`Self::restore`].
    pub fn maximise(&mut self, view: ViewPane) {
        self.maximised = Some(view);
    }

    /// Shows the tiles again.
    pub fn restore(&mut self) {
        self.maximised = None;
    }

    /// Brings `view`'s tab to the front of its tab group (a maximised other view stays maximised).
    pub fn show(&mut self, view: ViewPane) {
        self.tree.make_active(|_, tile| matches!(tile, Tile::Pane(pane) if *pane == view));
    }

    /// True when the tiles hold every view exactly once, all visible, in a tree egui_tiles can
    /// draw: every child there, none reached twice, shares finite and not negative. A stored
    /// layout that is not is reset by the settings check.
    pub fn fits(&self) -> bool {
        let Some(root) = self.tree.root else { return false };
        let tiles = &self.tree.tiles;
        let mut reached = HashSet::new();
        let mut panes = Vec::new();
        let mut next = vec![root];
        while let Some(id) = next.pop() {
            if !reached.insert(id) || !tiles.is_visible(id) {
                return false;
            }
            match tiles.get(id) {
                None => return false,
                Some(Tile::Pane(pane)) => panes.push(*pane),
                Some(Tile::Container(container)) => {
                    if !container_fits(container) {
                        return false;
                    }
                    next.extend(container.children().copied());
                }
            }
        }
        panes.sort();
        reached.len() == tiles.len() && panes == ViewPane::ALL
    }
}

fn container_fits(container: &Container) -> bool {
    let share_fits = |share: &f32| share.is_finite() && *share >= 0.0;
    match container {
        Container::Tabs(tabs) => tabs.active.is_none_or(|active| tabs.children.contains(&active)),
        Container::Linear(linear) => linear.shares.iter().all(|(_, share)| share_fits(share)),
        Container::Grid(grid) => grid.col_shares.iter().chain(&grid.row_shares).all(share_fits),
    }
}

/// The layout as stored: the tree and the maximised view.
#[derive(Serialize, Deserialize)]
struct StoredLayout {
    tree: Tree<ViewPane>,
    maximised: Option<ViewPane>,
}

/// Stored as one JSON text inside the settings, so a layout an older or newer version wrote
/// never stops the other settings from being read: it is read as text, and text that is not a
/// layout of these views becomes an empty one, which the settings check resets.
impl Serialize for ViewLayout {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let stored = StoredLayout { tree: self.tree.clone(), maximised: self.maximised };
        let text = serde_json::to_string(&stored).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for ViewLayout {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(match serde_json::from_str::<StoredLayout>(&text) {
            Ok(stored) => Self { tree: stored.tree, maximised: stored.maximised },
            Err(error) => {
                log::debug!("stored layout not read: {error}");
                Self { tree: Tree::empty(egui::Id::unique(TREE_ID)), maximised: None }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_layout_fits_and_survives_storage() {
        let layout = ViewLayout::default();
        assert!(layout.fits());
        let mut moved = layout.clone();
        moved.maximise(ViewPane::DecoderGrid);
        let text = ron::to_string(&moved).expect("stored");
        let back: ViewLayout = ron::from_str(&text).expect("read back");
        assert_eq!(back, moved);
        assert!(back.fits());
    }

    #[test]
    fn a_layout_missing_a_view_or_holding_an_unknown_one_does_not_fit() {
        let mut missing = ViewLayout::default();
        let morph = missing.tree.tiles.find_pane(&ViewPane::Morph).expect("a morph tile");
        missing.tree.remove_recursively(morph);
        assert!(!missing.fits());

        let mut twice = ViewLayout::default();
        let extra = twice.tree.tiles.insert_pane(ViewPane::Morph);
        assert!(!twice.fits(), "an unreachable tile");
        if let Some(root) = twice.tree.root
            && let Some(Tile::Container(container)) = twice.tree.tiles.get_mut(root)
        {
            container.add_child(extra);
        }
        assert!(!twice.fits(), "a view twice");

        let text = ron::to_string(&ViewLayout::default()).expect("stored").replace("Morph", "Spectrogram");
        let unknown: ViewLayout = ron::from_str(&text).expect("read as text");
        assert!(!unknown.fits());
        let garbage: ViewLayout = ron::from_str("\"{ not json\"").expect("read as text");
        assert!(!garbage.fits());
    }

    #[test]
    fn a_small_window_gets_the_compact_layout_which_fits() {
        assert!(ViewLayout::compact().fits());
        assert_eq!(ViewLayout::for_width(800.0), ViewLayout::compact());
        assert_eq!(ViewLayout::for_width(1280.0), ViewLayout::default());
        assert_ne!(ViewLayout::compact(), ViewLayout::default());
    }

    #[test]
    fn a_share_that_is_not_a_number_does_not_fit() {
        let mut layout = ViewLayout::default();
        let root = layout.tree.root.expect("a root");
        if let Some(Tile::Container(Container::Linear(linear))) = layout.tree.tiles.get_mut(root) {
            let first = linear.children[0];
            linear.shares.set_share(first, f32::NAN);
        }
        assert!(!layout.fits());
    }
}
