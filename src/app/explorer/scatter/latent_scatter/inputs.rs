//! What the scatter is given each frame (its points and overlays) and what it answers (the
//! user's hover, pick or drag).

use crate::app::explorer::state::PointRef;
use crate::app::settings::view_settings::{PointColouring, SpreadMode};
use crate::inference::{LatentCloud, PlaneLayout};
use crate::latent::{GridSpec, Projection};

/// What the user did on the scatter this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum ScatterAction {
    /// The pointer rests on this point.
    Hover(PointRef),
    /// Click: make this point A (or B with shift held).
    Pick {
        /// The point.
        point: PointRef,
        /// True for the morph's second image.
        second: bool,
    },
    /// The current-point marker was dragged here (plane coordinates).
    MoveMarker([f32; 2]),
}

/// The points to draw and how.
#[derive(Clone, Copy)]
pub struct ScatterData<'a> {
    /// Encoded points.
    pub cloud: &'a LatentCloud,
    /// Changes whenever `cloud` does.
    pub generation: u64,
    /// The plane.
    pub projection: &'a Projection,
    /// Name of each class.
    pub class_names: &'a [String],
    /// A t-SNE/UMAP layout of `cloud`, shown instead of `projection`.
    pub layout: Option<&'a PlaneLayout>,
    /// Means, samples or ellipses.
    pub spread: SpreadMode,
    /// Class or mean-σ colours.
    pub colouring: PointColouring,
    /// Seed of the posterior samples.
    pub seed: u64,
}

/// Overlays drawn on top of the points.
pub struct ScatterOverlays<'a> {
    /// The sweep's rectangle.
    pub grid: Option<&'a GridSpec>,
    /// The sliders' point, projected.
    pub marker: Option<[f32; 2]>,
    /// Picked points A and B, projected.
    pub picks: [Option<[f32; 2]>; 2],
    /// True when the marker may be dragged (2D latent spaces).
    pub marker_draggable: bool,
    /// The morph's path from A to B, projected.
    pub morph_path: Vec<[f32; 2]>,
    /// The morph's current frame on that path, projected.
    pub morph_marker: Option<[f32; 2]>,
    /// The drawing canvas's encoded point, projected.
    pub drawn: Option<[f32; 2]>,
    /// The direction panel's direction, from its first mean to its second, projected.
    pub direction_arrow: Option<[[f32; 2]; 2]>,
}
