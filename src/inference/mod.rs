//! Serving the latent views: a thread that encodes and decodes with the newest model snapshot.

mod compute;
mod drawing_job;
mod error;
mod exploration;
mod mailbox;
mod means_cache;
mod messages;
mod outbox;
mod plane_worker;
mod server;
mod service;
mod snapshot;
mod vae_model;
mod view_requests;

pub use compute::{decode, encode_means, encode_pixels, encode_posteriors, prior_samples};
pub use error::{InferenceError, panic_message};
pub use exploration::{DirectionEnds, MAX_NEIGHBOURS, NeighboursFound, NeighboursRequest, TraversalRequest};
pub use messages::{
    GridRequest, InferenceRequest, InferenceResult, LatentCloud, MAX_MORPH_STEPS, MAX_TRAIN_POINTS, MorphRequest,
    RECONSTRUCTION_PAIRS, SAMPLE_GRID_SIDE, ScatterSource,
};
pub use messages::{PlaneLayout, PlaneRequest};
pub use service::InferenceService;
pub use snapshot::{ModelSnapshot, ModelSource};
pub use vae_model::VaeModel;
pub use view_requests::{ReconstructRequest, ViewRequests};
