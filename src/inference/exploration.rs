//! Class directions and nearest training images on the inference thread: what the window's
//! direction and neighbour panels ask, computed as `export traversal` and `export neighbours` do.

use std::sync::Arc;

use super::ModelSnapshot;
use super::compute::decode;
use super::error::InferenceError;
use super::means_cache::MeansCache;
use super::messages::{InferenceResult, MAX_MORPH_STEPS};
use crate::data::Dataset;
use crate::latent::{Direction, Neighbour, class_mean, nearest_images, nearest_points};

/// Most nearest images one search returns (as `export neighbours --k`).
pub const MAX_NEIGHBOURS: usize = 64;

/// Which two means a direction joins.
#[derive(Clone, Debug, PartialEq)]
pub enum DirectionEnds {
    /// The mean held-out latents of two classes (as `export traversal --from-class --to-class`).
    Classes {
        /// Class index of the start.
        from: u8,
        /// Class index of the end.
        to: u8,
    },
    /// Two latent points (the morph's ends A and B): [latent_dim] each.
    Points {
        /// The start.
        from: Vec<f32>,
        /// The end.
        to: Vec<f32>,
    },
}

/// A direction and a traversal strip of `steps` frames along it, both ends included.
#[derive(Clone, Debug, PartialEq)]
pub struct TraversalRequest {
    /// What the direction joins.
    pub ends: DirectionEnds,
    /// Frames in the strip (2 to [`MAX_MORPH_STEPS`]).
    pub steps: usize,
}

/// The `k` training images nearest to a latent point's decoded image and to the point itself.
#[derive(Clone, Debug, PartialEq)]
pub struct NeighboursRequest {
    /// The query: [latent_dim].
    pub query: Vec<f32>,
    /// How many of each (1 to [`MAX_NEIGHBOURS`]).
    pub k: usize,
}

/// The answer to a [`NeighboursRequest`]; distances ascend in both lists.
#[derive(Clone, Debug, PartialEq)]
pub struct NeighboursFound {
    /// What was asked.
    pub request: NeighboursRequest,
    /// The query decoded: [pixels].
    pub decoded: Vec<f32>,
    /// Nearest training images to `decoded` in pixel space (squared L2, pixels in [0, 1]).
    pub by_pixels: Vec<Neighbour>,
    /// Nearest training images to the query in latent space, by encoder means (squared L2).
    pub by_latent: Vec<Neighbour>,
    /// The images of `by_pixels`: [by_pixels.len(), pixels] in [0, 1].
    pub pixel_images: Vec<f32>,
    /// The images of `by_latent`: [by_latent.len(), pixels] in [0, 1].
    pub latent_images: Vec<f32>,
    /// Class of each of `by_pixels`.
    pub pixel_labels: Vec<u8>,
    /// Class of each of `by_latent`.
    pub latent_labels: Vec<u8>,
}

/// Decodes the traversal strip of `request`; class means come from the held-out set's encoder means.
pub fn traversal(
    model: &Arc<ModelSnapshot>,
    dataset: Option<&Arc<Dataset>>,
    cache: &mut MeansCache,
    request: &TraversalRequest,
) -> Result<InferenceResult, InferenceError> {
    let steps = request.steps;
    if !(2..=MAX_MORPH_STEPS).contains(&steps) {
        return Err(InferenceError::MorphSteps { steps, max: MAX_MORPH_STEPS });
    }
    let latent_dim = model.latent_dim();
    let direction = match &request.ends {
        DirectionEnds::Points { from, to } => Direction { from: from.clone(), to: to.clone() },
        &DirectionEnds::Classes { from, to } => {
            let dataset = dataset.ok_or(InferenceError::NoDataset)?;
            let means = cache.means(model, dataset, false)?;
            let labels = &dataset.heldout.labels;
            let mean_of = |class: u8| {
                class_mean(&means, labels, latent_dim, class).ok_or_else(|| InferenceError::EmptyClass {
                    class: dataset.class_names.get(usize::from(class)).cloned().unwrap_or_else(|| class.to_string()),
                })
            };
            Direction { from: mean_of(from)?, to: mean_of(to)? }
        }
    };
    if direction.from.len() != latent_dim || direction.to.len() != latent_dim {
        return Err(InferenceError::LatentSize { given: direction.from.len(), latent_dim });
    }
    let strip = decode(&model.model, &direction.traversal(steps), latent_dim);
    Ok(InferenceResult::Traversal { request: request.clone(), direction, strip })
}

/// Finds the training images nearest to `request.query`, as `export neighbours` does.
pub fn neighbours(
    model: &Arc<ModelSnapshot>,
    dataset: Option<&Arc<Dataset>>,
    cache: &mut MeansCache,
    request: &NeighboursRequest,
) -> Result<InferenceResult, InferenceError> {
    let k = request.k;
    if !(1..=MAX_NEIGHBOURS).contains(&k) {
        return Err(InferenceError::NeighbourCount { k, max: MAX_NEIGHBOURS });
    }
    let latent_dim = model.latent_dim();
    if request.query.len() != latent_dim {
        return Err(InferenceError::LatentSize { given: request.query.len(), latent_dim });
    }
    let dataset = dataset.ok_or(InferenceError::NoDataset)?;
    let train_means = cache.means(model, dataset, true)?;
    let train = &dataset.train;
    let decoded = decode(&model.model, &request.query, latent_dim);
    let by_pixels = nearest_images(&decoded, &train.pixels, train.values_per_image(), k);
    let by_latent = nearest_points(&request.query, &train_means, latent_dim, k);
    let images_of = |found: &[Neighbour]| {
        let indices: Vec<usize> = found.iter().map(|neighbour| neighbour.index).collect();
        let mut pixels = Vec::new();
        train.write_batch(&indices, &mut pixels);
        let labels = indices.iter().map(|&index| train.labels.get(index).copied().unwrap_or_default()).collect();
        (pixels, labels)
    };
    let (pixel_images, pixel_labels) = images_of(&by_pixels);
    let (latent_images, latent_labels) = images_of(&by_latent);
    Ok(InferenceResult::Neighbours(Box::new(NeighboursFound {
        request: request.clone(),
        decoded,
        by_pixels,
        by_latent,
        pixel_images,
        latent_images,
        pixel_labels,
        latent_labels,
    })))
}
