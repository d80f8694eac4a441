//! Persisted choices of the latent views.

use serde::{Deserialize, Serialize};

use super::exploration_settings::{DirectionSettings, NeighbourSettings};
use crate::inference::ScatterSource;
use crate::latent::{GridSpec, Interpolation, Pca, Projection};

/// How the scatter maps latent points to the plane when the latent space has more than 2 dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PlaneChoice {
    /// First two principal components.
    #[default]
    Pca,
    /// Two chosen latent dimensions.
    Dims {
        /// Horizontal dimension.
        x: usize,
        /// Vertical dimension.
        y: usize,
    },
}

impl PlaneChoice {
    /// The projection for a latent space of `latent_dim` dimensions, given the cloud's PCA.
    pub fn projection(self, latent_dim: usize, pca: Option<&Pca>) -> Projection {
        let last = latent_dim.saturating_sub(1);
        match (self, pca) {
            _ if latent_dim <= 2 => Projection::Dims { x: 0, y: last.min(1) },
            (Self::Pca, Some(pca)) => Projection::Pca(pca.clone()),
            (Self::Dims { x, y }, _) => Projection::Dims { x: x.min(last), y: y.min(last) },
            (Self::Pca, None) => Projection::Dims { x: 0, y: 1 },
        }
    }
}

/// What the sweep holds fixed in the directions the plane does not show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum GridBase {
    /// Zero (the prior's mean).
    #[default]
    Zero,
    /// The sliders' current point.
    Current,
}

/// The morph's slider and strip.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MorphSettings {
    /// Position between A (0) and B (1).
    pub t: f32,
    /// Frames in the strip.
    pub steps: usize,
    /// Straight or spherical path.
    pub interpolation: Interpolation,
}

impl Default for MorphSettings {
    fn default() -> Self {
        Self { t: 0.5, steps: 10, interpolation: Interpolation::Linear }
    }
}

/// How pictures are exported.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportSettings {
    /// Nearest-neighbour scale, 1 to 8.
    pub scale: u32,
    /// Pixels between cells.
    pub gutter_px: u32,
    /// Frames per second of GIFs.
    pub gif_fps: f32,
}

impl Default for ExportSettings {
    fn default() -> Self {
        Self { scale: 4, gutter_px: 2, gif_fps: 12.0 }
    }
}

/// Persisted settings of the latent views.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// Which images the scatter encodes.
    pub scatter_source: ScatterSource,
    /// The scatter's plane.
    pub plane: PlaneChoice,
    /// The decoder sweep.
    pub grid: GridSpec,
    /// The sweep's other dimensions.
    pub grid_base: GridBase,
    /// Seed of the prior samples.
    pub sample_seed: u64,
    /// The morph.
    pub morph: MorphSettings,
    /// Picture export.
    pub export: ExportSettings,
    /// The direction panel.
    pub direction: DirectionSettings,
    /// The nearest-images panel.
    pub neighbours: NeighbourSettings,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            scatter_source: ScatterSource::Heldout,
            plane: PlaneChoice::Pca,
            grid: GridSpec::default(),
            grid_base: GridBase::Zero,
            sample_seed: 1,
            morph: MorphSettings::default(),
            export: ExportSettings::default(),
            direction: DirectionSettings::default(),
            neighbours: NeighbourSettings::default(),
        }
    }
}
