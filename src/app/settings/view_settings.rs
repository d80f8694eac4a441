//! Persisted choices of the latent views.

use serde::{Deserialize, Serialize};

use crate::app::settings::exploration_settings::{DirectionSettings, NeighbourSettings};
use crate::inference::LatentCloud;
use crate::inference::ScatterSource;
use crate::latent::{GridSpec, Interpolation, Pca, PlaneMethod, Projection, Spacing};

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
    /// The two dimensions with the largest KL over the shown points.
    MostActive,
    /// A seeded t-SNE layout of the means (no way back to latent space: no sweep rectangle).
    Tsne,
    /// A seeded UMAP layout of the means (no way back to latent space: no sweep rectangle).
    Umap,
}

impl PlaneChoice {
    /// The projection for a latent space of `latent_dim` dimensions, given the cloud's PCA.
    pub fn projection(self, latent_dim: usize, pca: Option<&Pca>) -> Projection {
        let last = latent_dim.saturating_sub(1);
        match (self, pca) {
            _ if latent_dim <= 2 => Projection::Dims { x: 0, y: last.min(1) },
            (Self::Pca, Some(pca)) => Projection::Pca(pca.clone()),
            (Self::Dims { x, y }, _) => Projection::Dims { x: x.min(last), y: y.min(last) },
            (Self::Pca | Self::MostActive | Self::Tsne | Self::Umap, None) => Projection::Dims { x: 0, y: 1 },
            // t-SNE and UMAP have no inverse: the sweep and the sliders' marker use the PCA plane.
            (Self::Tsne | Self::Umap, Some(pca)) => Projection::Pca(pca.clone()),
            (Self::MostActive, Some(_)) => Projection::Dims { x: 0, y: 1 },
        }
    }

    /// The linear projection for `cloud`: as [`PlaneChoice::projection`], with the most active
    /// dimensions taken from the cloud's KL per dimension.
    pub fn cloud_projection(self, cloud: &LatentCloud) -> Projection {
        if self == Self::MostActive
            && cloud.latent_dim > 2
            && let Some([x, y]) = crate::quality::two_most_active_dims(&cloud.kl_per_dim_nats)
        {
            return Projection::Dims { x, y };
        }
        self.projection(cloud.latent_dim, cloud.pca.as_ref())
    }

    /// The non-linear layout this plane needs, if any.
    pub fn layout_method(self) -> Option<PlaneMethod> {
        match self {
            Self::Tsne => Some(PlaneMethod::Tsne),
            Self::Umap => Some(PlaneMethod::Umap),
            Self::Pca | Self::Dims { .. } | Self::MostActive => None,
        }
    }
}

/// What the scatter draws for each point's posterior q(z|x).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SpreadMode {
    /// The encoder means.
    #[default]
    Means,
    /// One sample μ + σ·ε per point (seeded: the same between frames).
    Sample,
    /// The 1-σ ellipse of each point (exact in linear planes).
    Ellipses,
}

/// How the scatter colours its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PointColouring {
    /// By class.
    #[default]
    Class,
    /// By the mean posterior standard deviation (the σ scatter).
    MeanSigma,
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
    /// Where the decoder grid's cells sit: evenly over its ranges, at the prior's quantiles, or at
    /// the percentiles of the scatter's encoder means.
    pub grid_spacing: Spacing,
    /// The latent sliders' order and range.
    pub sliders: SliderSettings,
    /// Means, samples or ellipses in the scatter.
    pub spread: SpreadMode,
    /// Colour by class or by mean σ.
    pub colouring: PointColouring,
    /// Seed of the t-SNE/UMAP layouts and of the scatter's posterior samples.
    pub plane_seed: u64,
    /// The direction panel.
    pub direction: DirectionSettings,
    /// The nearest-images panel.
    pub neighbours: NeighbourSettings,
}

/// How the latent sliders are ordered and what range they cover.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SliderSettings {
    /// Linear ±`radius`, the prior's quantiles, or the percentiles of the scatter's means.
    pub spacing: Spacing,
    /// Half-width of the linear range (clamped to [`MIN_SLIDER_RADIUS`, `MAX_SLIDER_RADIUS`] where used).
    pub radius: f32,
    /// Dimension order (z0, z1, …) instead of most active first, with nothing folded.
    pub natural_order: bool,
}

/// Smallest half-width of the sliders' linear range.
pub const MIN_SLIDER_RADIUS: f32 = 0.1;
/// Largest half-width of the sliders' linear range.
pub const MAX_SLIDER_RADIUS: f32 = 50.0;

impl Default for SliderSettings {
    fn default() -> Self {
        Self { spacing: Spacing::Linear, radius: 4.0, natural_order: false }
    }
}

impl SliderSettings {
    /// The linear range's half-width, clamped; a stored value that is not a number gives the default.
    pub fn sane_radius(&self) -> f32 {
        if self.radius.is_finite() { self.radius.clamp(MIN_SLIDER_RADIUS, MAX_SLIDER_RADIUS) } else { 4.0 }
    }
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
            grid_spacing: Spacing::Linear,
            sliders: SliderSettings::default(),
            spread: SpreadMode::Means,
            colouring: PointColouring::Class,
            plane_seed: 1,
            direction: DirectionSettings::default(),
            neighbours: NeighbourSettings::default(),
        }
    }
}
