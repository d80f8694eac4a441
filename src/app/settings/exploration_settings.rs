//! Persisted choices of the direction and nearest-images panels.

use serde::{Deserialize, Serialize};

/// What a direction joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum DirectionBetween {
    /// The mean held-out latents of two classes.
    #[default]
    Classes,
    /// The morph's ends A and B (two selections).
    MorphEnds,
}

/// The direction panel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DirectionSettings {
    /// Whether the panel is open (and its traversal computed).
    pub shown: bool,
    /// Classes or morph ends.
    pub between: DirectionBetween,
    /// Class index of the start.
    pub from_class: u8,
    /// Class index of the end.
    pub to_class: u8,
    /// Frames of the traversal strip, ends included.
    pub steps: usize,
}

impl Default for DirectionSettings {
    fn default() -> Self {
        Self { shown: true, between: DirectionBetween::Classes, from_class: 3, to_class: 8, steps: 10 }
    }
}

/// Whose nearest training images are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum NeighbourQuery {
    /// The sliders' point.
    #[default]
    Sliders,
    /// The decoder-grid cell last under the pointer.
    GridCell,
    /// The morph's current frame.
    MorphFrame,
}

/// The nearest-images panel.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NeighbourSettings {
    /// Whether the panel is open (and its search run; the first one encodes the training set).
    pub shown: bool,
    /// Whose neighbours.
    pub query: NeighbourQuery,
    /// How many of each kind (clamped to 1 to 64 when asked).
    pub k: usize,
}

impl Default for NeighbourSettings {
    fn default() -> Self {
        Self { shown: false, query: NeighbourQuery::Sliders, k: 8 }
    }
}
