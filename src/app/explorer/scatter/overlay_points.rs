//! Where the scatter's overlays sit in its plane: a picked point inside a t-SNE/UMAP layout, and
//! the morph's path from A to B.

use crate::app::explorer::state::PointRef;
use crate::app::settings::view_settings::ViewSettings;
use crate::inference::{LatentCloud, PlaneLayout, ScatterSource};
use crate::latent::Projection;

/// Where dataset image `point` sits in `layout`, when the cloud holds it.
pub fn layout_position(cloud: &LatentCloud, layout: &PlaneLayout, point: PointRef) -> Option<[f32; 2]> {
    if point.train != (cloud.source == ScatterSource::Train) {
        return None;
    }
    let position = cloud.indices.iter().position(|&index| index == point.index)?;
    layout.coords.get(position).copied()
}

/// The morph's path A → B in the plane.
pub fn morph_path(settings: &ViewSettings, projection: &Projection, from: &[f32], to: &[f32]) -> Vec<[f32; 2]> {
    let steps = 32;
    let path = settings.morph.interpolation.path(from, to, steps);
    path.chunks_exact(from.len().max(1)).map(|point| projection.project(point)).collect()
}
