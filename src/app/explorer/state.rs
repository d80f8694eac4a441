//! What the latent views show, built only from inference results (no tensors, no egui).

use std::sync::Arc;

use crate::data::Dataset;
use crate::drawing::{Drawing, EncodedDrawing};
use crate::image_shape::ImageShape;
use crate::inference::{
    GridRequest, InferenceResult, LatentCloud, ModelSnapshot, MorphRequest, NeighboursFound, TraversalRequest,
};
use crate::latent::Direction;

/// A decoded result with a generation number that changes whenever the data does.
#[derive(Clone, Debug)]
pub struct Versioned<T> {
    /// The data, once it has arrived.
    pub value: Option<T>,
    /// Bumped on every change.
    pub generation: u64,
}

impl<T> Default for Versioned<T> {
    fn default() -> Self {
        Self { value: None, generation: 0 }
    }
}

impl<T> Versioned<T> {
    /// Replaces the value.
    pub fn set(&mut self, value: T) {
        self.value = Some(value);
        self.generation += 1;
    }

    /// Drops the value (the generation still moves on, so nothing drawn from the old value is kept).
    pub fn clear(&mut self) {
        self.value = None;
        self.generation += 1;
    }
}

/// A point picked on the scatter: which set and which image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointRef {
    /// True for the training set.
    pub train: bool,
    /// Image index in that set.
    pub index: usize,
}

/// One end of a morph: an image and, once encoded, its latent mean.
#[derive(Clone, Debug, PartialEq)]
pub struct MorphEnd {
    /// Where the image came from, for people ("held-out #12 (7)", "cat.png").
    pub name: String,
    /// The image as the model sees it: planar [channels × height × width] in [0, 1].
    pub pixels: Vec<f32>,
    /// Its encoder mean, once known.
    pub mean: Option<Vec<f32>>,
    /// The dataset point it came from, if any.
    pub point: Option<PointRef>,
}

/// Everything the latent views draw.
#[derive(Default)]
pub struct ExplorerState {
    /// The model served by the inference thread.
    pub model: Option<Arc<ModelSnapshot>>,
    /// The dataset whose images the views show.
    pub dataset: Option<Arc<Dataset>>,
    /// Encoded points.
    pub cloud: Versioned<Arc<LatentCloud>>,
    /// The sliders' latent point and its image.
    pub decoded: Versioned<(Vec<f32>, Vec<f32>)>,
    /// The decoder sweep.
    pub grid: Versioned<(GridRequest, Vec<f32>)>,
    /// Prior samples and their seed.
    pub samples: Versioned<(u64, Vec<f32>)>,
    /// Held-out originals and reconstructions.
    pub reconstructions: Versioned<(Vec<f32>, Vec<f32>)>,
    /// The reconstruction of the point under the pointer.
    pub hovered: Versioned<(PointRef, Vec<f32>)>,
    /// Morph ends A and B.
    pub ends: [Option<MorphEnd>; 2],
    /// The decoded morph: request, frame at t, strip.
    pub morph: Versioned<(MorphRequest, Vec<f32>, Vec<f32>)>,
    /// The last cloud of each epoch of the current training run, for the evolution GIF.
    pub epoch_clouds: Vec<Arc<LatentCloud>>,
    /// The drawing canvas's newest answer: the drawing and, unless it was blank, its encoding.
    pub drawn: Versioned<(Drawing, Option<EncodedDrawing>)>,
    /// t-SNE/UMAP layouts received and the progress of the one being computed.
    pub planes: crate::app::explorer::scatter::planes::PlaneLayouts,
    /// The direction between two means and its decoded traversal strip: [steps, pixels].
    pub traversal: Versioned<(TraversalRequest, Direction, Vec<f32>)>,
    /// The nearest training images to a point.
    pub neighbours: Versioned<Box<NeighboursFound>>,
}

impl ExplorerState {
    /// Folds one inference result into the state.
    pub fn apply(&mut self, result: InferenceResult) {
        match result {
            InferenceResult::ModelReady(model) => {
                self.forget_views_of_another_shape(&model);
                self.model = Some(model);
            }
            InferenceResult::DatasetReady(dataset) => {
                if !self.dataset.as_ref().is_some_and(|shown| Arc::ptr_eq(shown, &dataset)) {
                    self.forget_views_of_other_data();
                }
                self.dataset = Some(dataset);
            }
            InferenceResult::Failed(_) | InferenceResult::Saved(_) => {}
            InferenceResult::Scatter(cloud) => {
                self.record_epoch(&cloud);
                self.cloud.set(cloud);
            }
            InferenceResult::Decoded { latent, image } => self.decoded.set((latent, image)),
            InferenceResult::Grid { request, images } => self.grid.set((request, images)),
            InferenceResult::Samples { seed, images } => self.samples.set((seed, images)),
            InferenceResult::Reconstructions { originals, reconstructions } => {
                self.reconstructions.set((originals, reconstructions));
            }
            InferenceResult::Reconstructed { train, index, image } => {
                self.hovered.set((PointRef { train, index }, image))
            }
            InferenceResult::Encoded { slot, pixels, mean } => {
                if let Some(Some(end)) = self.ends.get_mut(slot)
                    && end.pixels == pixels
                {
                    end.mean = Some(mean);
                }
            }
            InferenceResult::Morph { request, frame, strip } => self.morph.set((request, frame, strip)),
            InferenceResult::DrawingEncoded { drawing, encoded } => self.drawn.set((drawing, encoded)),
            InferenceResult::PlaneProgress { method, seed, cloud_fingerprint, fraction } => {
                let progress =
                    crate::app::explorer::scatter::planes::PlaneProgress { method, seed, cloud_fingerprint, fraction };
                self.planes.progress = Some(progress);
            }
            InferenceResult::Plane(layout) => self.planes.insert(layout),
            InferenceResult::Traversal { request, direction, strip } => {
                self.traversal.set((request, direction, strip));
            }
            InferenceResult::Neighbours(found) => self.neighbours.set(found),
        }
    }

    /// Clears the views computed by a model of another latent size or image shape than `model`:
    /// they would mix the old model's points and pictures with the new one's (and a plane of
    /// the old latent space cannot place the new points). Each is recomputed for `model`.
    fn forget_views_of_another_shape(&mut self, model: &ModelSnapshot) {
        let Some(old) = &self.model else { return };
        let new_image_shape = old.image_shape() != model.image_shape();
        if old.latent_dim() == model.latent_dim() && !new_image_shape {
            return;
        }
        self.cloud.clear();
        self.decoded.clear();
        self.grid.clear();
        self.samples.clear();
        self.hovered.clear();
        self.morph.clear();
        self.drawn.clear();
        self.traversal.clear();
        self.neighbours.clear();
        self.epoch_clouds.clear();
        if new_image_shape {
            self.reconstructions.clear();
        }
    }

    /// Clears what was drawn from the images of the dataset shown before: its points (under the
    /// new dataset's legend they would name the wrong classes) and their t-SNE/UMAP layouts, the
    /// tooltip's and the nearest images, the class directions and the morph ends picked from its
    /// points.
    fn forget_views_of_other_data(&mut self) {
        self.cloud.clear();
        self.hovered.clear();
        self.reconstructions.clear();
        self.neighbours.clear();
        self.traversal.clear();
        self.epoch_clouds.clear();
        // A t-SNE/UMAP layout of other images must not stand in for these.
        self.planes = Default::default();
        for end in &mut self.ends {
            if end.as_ref().is_some_and(|end| end.point.is_some()) {
                *end = None;
                self.morph.clear();
            }
        }
    }

    /// Guidance while the model shown cannot read the dataset shown (a normal state: a folder
    /// was opened and no model for it is open yet), naming both shapes and the two ways on.
    pub fn data_mismatch(&self) -> Option<String> {
        let (model, dataset) = (self.model.as_ref()?, self.dataset.as_ref()?);
        let (reads, holds) = (model.image_shape(), dataset.heldout.shape());
        (reads != holds).then(|| {
            format!(
                "this model reads {reads} pictures and {} holds {holds} ones: train one on this data, or open a \
                 model made for it",
                dataset.name
            )
        })
    }

    /// Keeps one cloud per epoch; a cloud of an earlier epoch or another source starts afresh.
    fn record_epoch(&mut self, cloud: &Arc<LatentCloud>) {
        let same_run = self.epoch_clouds.last().is_some_and(|last| {
            last.source == cloud.source && last.latent_dim == cloud.latent_dim && last.epochs_done <= cloud.epochs_done
        });
        if !same_run {
            self.epoch_clouds.clear();
        }
        if self.epoch_clouds.last().is_some_and(|last| last.epochs_done == cloud.epochs_done) {
            self.epoch_clouds.pop();
        }
        self.epoch_clouds.push(Arc::clone(cloud));
    }

    /// Latent size of the served model.
    pub fn latent_dim(&self) -> Option<usize> {
        self.model.as_ref().map(|model| model.latent_dim())
    }

    /// The image shape of the served model (channels, height, width).
    pub fn image_shape(&self) -> Option<ImageShape> {
        self.model.as_ref().map(|model| model.image_shape())
    }

    /// The encoder mean of a picked point, if the scatter holds it.
    pub fn mean_of(&self, point: PointRef) -> Option<Vec<f32>> {
        let cloud = self.cloud.value.as_ref()?;
        let train = cloud.source == crate::inference::ScatterSource::Train;
        if train != point.train {
            return None;
        }
        let position = cloud.indices.iter().position(|&index| index == point.index)?;
        Some(cloud.mean(position).to_vec())
    }

    /// The class name of a dataset image.
    pub fn label_name(&self, point: PointRef) -> Option<String> {
        let dataset = self.dataset.as_ref()?;
        let set = if point.train { &dataset.train } else { &dataset.heldout };
        let label = *set.labels.get(point.index)?;
        Some(dataset.class_names.get(usize::from(label)).cloned().unwrap_or_else(|| label.to_string()))
    }

    /// The pixels of a dataset image as floats in [0, 1], planar [channels × height × width].
    pub fn original(&self, point: PointRef) -> Option<Vec<f32>> {
        let dataset = self.dataset.as_ref()?;
        let set = if point.train { &dataset.train } else { &dataset.heldout };
        (point.index < set.len()).then(|| set.image(point.index).iter().map(|&byte| f32::from(byte) / 255.0).collect())
    }
}
