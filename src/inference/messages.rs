//! Requests to the inference thread and its answers: plain data, no tensors.

use std::path::PathBuf;
use std::sync::Arc;

use super::exploration::{NeighboursFound, NeighboursRequest, TraversalRequest};
use super::{InferenceError, ModelSnapshot, ModelSource};
use crate::data::{DataSource, Dataset};
use crate::drawing::{Drawing, EncodedDrawing};
use crate::latent::{GridAxes, GridSpec, Interpolation, Pca, PlaneMethod, Projection, Spacing};

/// Number of original / reconstruction pairs shown.
pub const RECONSTRUCTION_PAIRS: usize = 16;
/// Side of the prior sample grid.
pub const SAMPLE_GRID_SIDE: usize = 8;
/// Most training images encoded for the scatter.
pub const MAX_TRAIN_POINTS: usize = 60_000;
/// Most frames in a morph strip.
pub const MAX_MORPH_STEPS: usize = 64;

/// Which images the scatter shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum ScatterSource {
    /// The held-out images.
    #[default]
    Heldout,
    /// Up to 60,000 training images.
    Train,
}

/// A decoder sweep to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRequest {
    /// Rectangle and resolution.
    pub spec: GridSpec,
    /// Plane of the scatter.
    pub projection: Projection,
    /// Latent values of the directions the plane does not show.
    pub base: Vec<f32>,
    /// How the cells were placed along each axis (linear over the spec's ranges, prior quantiles,
    /// data percentiles); shown beside the grid.
    pub spacing: Spacing,
    /// The cells' plane positions when they are not evenly over the spec's ranges (quantile and
    /// data spacing, computed by [`Spacing::axes`] as `export grid --spacing` does); `None`: evenly
    /// over `spec`'s ranges. `size` × `size` positions, or the request is refused.
    pub cells: Option<GridAxes>,
}

impl GridRequest {
    /// Plane position of cell (`row`, `col`); row 0 is the top, col 0 the left.
    pub fn cell_center(&self, row: usize, col: usize) -> [f32; 2] {
        match &self.cells {
            Some(cells) => cells.cell_center(row, col),
            None => self.spec.cell_center(row, col),
        }
    }

    /// Latent points of every cell, row by row: [size², latent] row-major. The caller checks the
    /// size first (see [`Self::is_square`]).
    pub fn latents(&self) -> Vec<f32> {
        match &self.cells {
            Some(cells) => cells.latents(&self.projection, &self.base),
            None => self.spec.latents(&self.projection, &self.base),
        }
    }

    /// True when the cells, if given, are `size` × `size`.
    pub fn is_square(&self) -> bool {
        self.cells.as_ref().is_none_or(|cells| cells.rows() == self.spec.size && cells.cols() == self.spec.size)
    }
}

/// A morph to decode: the frame at `t` and a strip of `steps` frames from A to B.
#[derive(Clone, Debug, PartialEq)]
pub struct MorphRequest {
    /// Latent point of A.
    pub from: Vec<f32>,
    /// Latent point of B.
    pub to: Vec<f32>,
    /// Position of the frame, 0 (A) to 1 (B).
    pub t: f32,
    /// Frames in the strip, A and B included.
    pub steps: usize,
    /// Straight or spherical path.
    pub interpolation: Interpolation,
}

/// What the UI asks of the inference thread. Of each kind only the newest waiting one is served
/// (saves are each served, in order).
#[derive(Clone, Debug)]
pub enum InferenceRequest {
    /// Use this model from now on; every view is recomputed.
    SetModel(Arc<ModelSnapshot>),
    /// Load a saved model and serve it.
    LoadModel(ModelSource),
    /// Load this dataset and use it for the scatter and reconstructions.
    LoadDataset(DataSource),
    /// Use this dataset, loaded elsewhere (the window's file thread), for the scatter and reconstructions.
    SetDataset(Arc<Dataset>),
    /// Save the served model as a checkpoint folder.
    SaveModel(PathBuf),
    /// Encode this set for the scatter.
    Scatter(ScatterSource),
    /// Decode one latent point (the sliders).
    Decode(Vec<f32>),
    /// Decode a grid (the sweep).
    Grid(GridRequest),
    /// Decode 8 × 8 prior samples with this seed.
    Samples(u64),
    /// Encode one image (a morph end): `pixels` is [height × width] in [0, 1].
    Encode {
        /// 0 for A, 1 for B.
        slot: usize,
        /// The image.
        pixels: Vec<f32>,
    },
    /// Decode a morph frame and strip.
    Morph(MorphRequest),
    /// Reconstruct one held-out (`false`) or training (`true`) image, for a tooltip.
    Reconstruct {
        /// True for the training set.
        train: bool,
        /// Image index in that set.
        index: usize,
    },
    /// Turn a drawing into the served model's input, encode it and decode its mean (the drawing
    /// canvas); redone when the model changes.
    EncodeDrawing(Drawing),
    /// Lay a cloud out on a t-SNE or UMAP plane (served by the plane thread, not the view thread).
    Plane(PlaneRequest),
    /// Decode a traversal strip along a class direction (or A → B).
    Traversal(TraversalRequest),
    /// Find the training images nearest to a latent point and its decoded image.
    Neighbours(NeighboursRequest),
}

/// A non-linear plane to compute for a cloud.
#[derive(Clone, Debug)]
pub struct PlaneRequest {
    /// The points to lay out (their means).
    pub cloud: Arc<LatentCloud>,
    /// t-SNE or UMAP (PCA is computed with the cloud).
    pub method: PlaneMethod,
    /// Seed of the layout: equal seeds give identical planes.
    pub seed: u64,
}

/// A cloud laid out on a non-linear plane.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneLayout {
    /// [`LatentCloud::fingerprint`] of the cloud laid out.
    pub cloud_fingerprint: u64,
    /// Which set the cloud encoded.
    pub source: ScatterSource,
    /// Epochs the encoding model had trained.
    pub epochs_done: usize,
    /// The method.
    pub method: PlaneMethod,
    /// The seed.
    pub seed: u64,
    /// Plane position of each cloud point: [n].
    pub coords: Vec<[f32; 2]>,
}

/// Encoded points for the scatter.
#[derive(Clone, Debug, PartialEq)]
pub struct LatentCloud {
    /// Which set was encoded.
    pub source: ScatterSource,
    /// Latent size.
    pub latent_dim: usize,
    /// Encoder means: [n, latent_dim] row-major.
    pub means: Vec<f32>,
    /// Class of each point.
    pub labels: Vec<u8>,
    /// Image index of each point in its set.
    pub indices: Vec<usize>,
    /// Principal components of the means (latent_dim ≥ 2).
    pub pca: Option<Pca>,
    /// Epochs the encoding model had trained.
    pub epochs_done: usize,
    /// Encoder log-variances: [n, latent_dim] row-major (empty when not encoded).
    pub log_vars: Vec<f32>,
    /// Mean KL(q(z|x) ‖ N(0, 1)) of each latent dimension over these points, in nats: [latent_dim]
    /// (the KL strip's source when the model's checkpoint recorded none).
    pub kl_per_dim_nats: Vec<f64>,
    /// A hash of the means and labels: equal clouds have equal fingerprints (keys cached planes).
    pub fingerprint: u64,
}

impl LatentCloud {
    /// The log-variances of point `index`, when encoded.
    pub fn log_var(&self, index: usize) -> Option<&[f32]> {
        self.log_vars.get(index * self.latent_dim..(index + 1) * self.latent_dim)
    }

    /// The hash [`LatentCloud::fingerprint`] holds, of `means`, `labels` and `source`.
    pub fn fingerprint_of(source: ScatterSource, means: &[f32], labels: &[u8]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        source.hash(&mut hasher);
        means.len().hash(&mut hasher);
        for value in means {
            value.to_bits().hash(&mut hasher);
        }
        labels.hash(&mut hasher);
        hasher.finish()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there is no point.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The mean of point `index`.
    pub fn mean(&self, index: usize) -> &[f32] {
        &self.means[index * self.latent_dim..(index + 1) * self.latent_dim]
    }
}

/// What the inference thread answers. Images are floats in [0, 1], row-major.
#[derive(Debug)]
pub enum InferenceResult {
    /// The model now served.
    ModelReady(Arc<ModelSnapshot>),
    /// The dataset now used.
    DatasetReady(Arc<Dataset>),
    /// A request could not be served (a load, a save, a view whose computation failed); the
    /// thread goes on serving.
    Failed(InferenceError),
    /// The served model was saved into this folder.
    Saved(PathBuf),
    /// The scatter's points.
    Scatter(Arc<LatentCloud>),
    /// One decoded point.
    Decoded {
        /// The latent point.
        latent: Vec<f32>,
        /// Its image: [pixels].
        image: Vec<f32>,
    },
    /// A decoded sweep.
    Grid {
        /// What was computed.
        request: GridRequest,
        /// [size², pixels].
        images: Vec<f32>,
    },
    /// Decoded prior samples.
    Samples {
        /// Their seed.
        seed: u64,
        /// [64, pixels].
        images: Vec<f32>,
    },
    /// Held-out originals and their reconstructions.
    Reconstructions {
        /// [16, pixels].
        originals: Vec<f32>,
        /// [16, pixels].
        reconstructions: Vec<f32>,
    },
    /// The encoder mean of a morph end.
    Encoded {
        /// 0 for A, 1 for B.
        slot: usize,
        /// The image that was encoded.
        pixels: Vec<f32>,
        /// Its mean: [latent].
        mean: Vec<f32>,
    },
    /// A decoded morph.
    Morph {
        /// What was computed.
        request: MorphRequest,
        /// The frame at `t`: [pixels].
        frame: Vec<f32>,
        /// The strip: [steps, pixels].
        strip: Vec<f32>,
    },
    /// One image's reconstruction.
    Reconstructed {
        /// True for the training set.
        train: bool,
        /// Image index in that set.
        index: usize,
        /// [pixels].
        image: Vec<f32>,
    },
    /// A drawing as the served model reads it, encoded and reconstructed.
    DrawingEncoded {
        /// The drawing that was encoded.
        drawing: Drawing,
        /// Its input, mean and reconstruction; `None` when nothing is drawn.
        encoded: Option<EncodedDrawing>,
    },
    /// How far the plane thread is with a t-SNE or UMAP plane (may be dropped when the UI lags).
    PlaneProgress {
        /// The method.
        method: PlaneMethod,
        /// The seed.
        seed: u64,
        /// [`LatentCloud::fingerprint`] of the cloud being laid out.
        cloud_fingerprint: u64,
        /// Fraction done, 0 to 1.
        fraction: f32,
    },
    /// A finished t-SNE or UMAP plane.
    Plane(Arc<PlaneLayout>),
    /// A decoded traversal: the direction and its strip.
    Traversal {
        /// What was computed.
        request: TraversalRequest,
        /// The means it joins.
        direction: crate::latent::Direction,
        /// [steps, pixels].
        strip: Vec<f32>,
    },
    /// The nearest training images to a latent point.
    Neighbours(Box<NeighboursFound>),
}
