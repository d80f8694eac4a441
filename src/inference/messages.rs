//! Requests to the inference thread and its answers: plain data, no tensors.

use std::path::PathBuf;
use std::sync::Arc;

use super::exploration::{NeighboursFound, TraversalRequest};
use super::view_requests::ViewRequests;
use super::{InferenceError, ModelSnapshot, ModelSource};
use crate::data::{DataSource, Dataset};
use crate::drawing::{Drawing, EncodedDrawing};
pub use crate::latent::{GridRequest, LatentCloud, ScatterSource};
use crate::latent::{Interpolation, PlaneMethod};

/// Number of original / reconstruction pairs shown.
pub const RECONSTRUCTION_PAIRS: usize = 16;
/// Side of the prior sample grid.
pub const SAMPLE_GRID_SIDE: usize = 8;
/// Most training images encoded for the scatter.
pub const MAX_TRAIN_POINTS: usize = 60_000;
/// Most frames in a morph strip or a traversal (the window's, the command line's, their GIFs).
/// A strip too wide for one picture wraps into rows (see [`crate::render::strip_columns`]).
pub const MAX_MORPH_STEPS: usize = 300;

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
    /// Open a folder of ONNX graphs with these answers to what its graphs leave open, and serve it
    /// (the answers are kept in its description file, as the command line's flags are).
    OpenOnnx {
        /// The model folder.
        dir: PathBuf,
        /// The answers.
        choices: crate::onnx_model::OnnxChoices,
    },
    /// Load this dataset and use it for the scatter and reconstructions.
    LoadDataset(DataSource),
    /// Use this dataset, loaded elsewhere (the window's file thread), for the scatter and reconstructions.
    SetDataset(Arc<Dataset>),
    /// Save the served model as a checkpoint folder.
    SaveModel(PathBuf),
    /// The newest request of each latent view (see [`ViewRequests`]); kinds it does not hold
    /// stay as asked before.
    Views(Box<ViewRequests>),
    /// Lay a cloud out on a t-SNE or UMAP plane (served by the plane thread, not the view thread).
    Plane(PlaneRequest),
}

impl InferenceRequest {
    /// The view requests `requests` (boxed: they are far larger than the other requests).
    pub fn views(requests: ViewRequests) -> Self {
        Self::Views(Box::new(requests))
    }
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
