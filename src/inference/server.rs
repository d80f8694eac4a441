//! The inference thread's loop: takes what the mailbox holds, loads, saves and computes the
//! views, each under `catch_unwind` so a failing job becomes an error result, not a dead thread.

use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use super::compute::{decode, encode_means, encode_pixels, encode_posteriors, prior_samples};
use super::error::InferenceError;
use super::mailbox::{DatasetChange, Inbox, Mailbox, ModelChange};
use super::messages::{
    InferenceResult, LatentCloud, MAX_MORPH_STEPS, MAX_TRAIN_POINTS, RECONSTRUCTION_PAIRS, SAMPLE_GRID_SIDE,
    ScatterSource,
};
use super::outbox::{Outbox, guarded};
use super::view_requests::{ReconstructRequest, ViewRequests};
use super::{ModelSnapshot, ModelSource};
use crate::checkpoint::CheckpointError;
use crate::data::{Dataset, ImageSet};
use crate::latent::{MAX_GRID_SIZE, Pca};
use crate::onnx_model::{OnnxError, open_questions};

/// The thread's model, dataset and memory of what the views asked.
#[derive(Default)]
pub struct Server {
    model: Option<Arc<ModelSnapshot>>,
    /// The dataset the views run on: the open one, brought to an ONNX model's image (see
    /// [`Dataset::brought_to`]) when it is IDX digits of another size.
    dataset: Option<Arc<Dataset>>,
    /// The dataset as opened.
    opened_dataset: Option<Arc<Dataset>>,
    /// The last request of each kind, recomputed when the model or dataset changes.
    last: ViewRequests,
    /// The scatter's last PCA basis: the next one keeps its axis order and signs (a stable map).
    previous_pca: Option<Pca>,
    /// Whole-set encoder means for class directions and neighbour searches.
    means_cache: super::means_cache::MeansCache,
}

impl Server {
    /// Serves until the mailbox is closed or the UI is gone.
    pub fn serve(&mut self, mailbox: &Mailbox, results: &SyncSender<InferenceResult>, wake: &dyn Fn()) {
        let outbox = Outbox { results, wake };
        while let Some(inbox) = mailbox.wait() {
            if !self.serve_inbox(inbox, &outbox) {
                return;
            }
        }
    }

    /// Serves one batch of requests; false when the UI is gone.
    fn serve_inbox(&mut self, inbox: Inbox, outbox: &Outbox<'_>) -> bool {
        let Inbox { model, dataset, saves, views } = inbox;
        let mut pending = views;
        let mut changed = false;
        if let Some(change) = model {
            match guarded("model load", || load_model(change)).and_then(|loaded| loaded) {
                Ok(model) => {
                    self.model = Some(model);
                    changed = true;
                }
                Err(error) => {
                    if !outbox.send(InferenceResult::Failed(error)) {
                        return false;
                    }
                }
            }
        }
        if let Some(change) = dataset {
            let loaded = match change {
                DatasetChange::Set(dataset) => Ok(Ok(dataset)),
                DatasetChange::Load(source) => guarded("dataset load", || source.load().map(Arc::new)),
            };
            match loaded {
                Ok(Ok(loaded)) => {
                    self.opened_dataset = Some(loaded);
                    changed = true;
                }
                Ok(Err(error)) => {
                    if !outbox.send(InferenceResult::Failed(InferenceError::LoadDataset(error))) {
                        return false;
                    }
                }
                Err(error) => {
                    if !outbox.send(InferenceResult::Failed(error)) {
                        return false;
                    }
                }
            }
        }
        for dir in saves {
            let saved = guarded("model save", || self.save(&dir)).and_then(|saved| saved);
            if !outbox.answer(saved.map(Some)) {
                return false;
            }
        }
        if changed {
            self.dataset = self.fitted_dataset();
        }
        if changed && !self.announce(&mut pending, outbox) {
            return false;
        }
        self.compute(pending, outbox)
    }

    /// Saves the served model into `dir`.
    fn save(&self, dir: &std::path::Path) -> Result<InferenceResult, InferenceError> {
        let model = self.model.as_ref().ok_or(InferenceError::NoModelToSave)?;
        let vae = model.burn().ok_or(InferenceError::NotOurs)?;
        crate::checkpoint::save(dir, vae, &model.info).map_err(InferenceError::SaveModel)?;
        Ok(InferenceResult::Saved(dir.to_path_buf()))
    }

    /// The opened dataset, brought to an ONNX model's image when IDX digits of another size (a
    /// model trained elsewhere reads 32×32 digits, say); as opened otherwise.
    fn fitted_dataset(&self) -> Option<Arc<Dataset>> {
        let opened = self.opened_dataset.clone()?;
        let Some(model) = self.model.as_deref().filter(|model| model.model.onnx().is_some()) else {
            return Some(opened);
        };
        if opened.heldout.shape() == model.image_shape() {
            return Some(opened);
        }
        Some(opened.brought_to(model.image_shape()).map(Arc::new).unwrap_or(opened))
    }

    /// After a model or dataset change: announce them and redo every view asked for before.
    fn announce(&mut self, pending: &mut ViewRequests, outbox: &Outbox<'_>) -> bool {
        if let Some(dataset) = &self.dataset
            && !outbox.send(InferenceResult::DatasetReady(Arc::clone(dataset)))
        {
            return false;
        }
        if let Some(model) = &self.model
            && !outbox.send(InferenceResult::ModelReady(Arc::clone(model)))
        {
            return false;
        }
        *pending = std::mem::take(pending).or(self.last.clone());
        pending.scatter = pending.scatter.or(Some(ScatterSource::Heldout));
        outbox.answer(guarded("reconstructions", || self.reconstructions()))
    }

    /// Computes each pending view in its own guarded job; false when the UI is gone.
    fn compute(&mut self, pending: ViewRequests, outbox: &Outbox<'_>) -> bool {
        let Some(model) = self.model.clone() else {
            self.remember(pending);
            return true;
        };
        let model = model.as_ref();
        let latent_dim = model.latent_dim();
        let classes = self.dataset.as_ref().map_or(0, |dataset| dataset.class_names.len());
        let pending = pending.fitting(latent_dim, model.image_shape().values(), classes);
        let mut answers = Vec::new();
        if let Some(latent) = pending.decode.as_ref() {
            answers.push(guarded("decoded point", || {
                let image = decode(&model.model, latent, latent_dim);
                Some(InferenceResult::Decoded { latent: latent.clone(), image })
            }));
        }
        if let Some(ReconstructRequest { train, index }) = pending.reconstruct
            && let Some(set) = self.set(train).filter(|set| index < set.len())
        {
            answers.push(guarded("reconstruction", || {
                let mean = encode_means(&model.model, set, &[index]);
                let image = decode(&model.model, &mean, latent_dim);
                Some(InferenceResult::Reconstructed { train, index, image })
            }));
        }
        if let Some(request) = pending.grid.as_ref() {
            let size = request.spec.size;
            answers.push(if (2..=MAX_GRID_SIZE).contains(&size) && request.is_square() {
                guarded("decoder sweep", || {
                    let latents = request.latents();
                    let images = decode(&model.model, &latents, latent_dim);
                    Some(InferenceResult::Grid { request: request.clone(), images })
                })
            } else {
                Err(InferenceError::GridSize { size, max: MAX_GRID_SIZE })
            });
        }
        for (slot, image) in pending.encode.iter().enumerate() {
            if let Some(image) = image.as_ref() {
                answers.push(guarded("morph end", || {
                    let mean = encode_pixels(&model.model, image, model.image_shape());
                    Some(InferenceResult::Encoded { slot, pixels: image.clone(), mean })
                }));
            }
        }
        if let Some(request) = pending.morph.as_ref() {
            let steps = request.steps;
            answers.push(if (2..=MAX_MORPH_STEPS).contains(&steps) {
                guarded("morph", || {
                    let frame_latent = request.interpolation.at(&request.from, &request.to, request.t);
                    let frame = decode(&model.model, &frame_latent, latent_dim);
                    let path = request.interpolation.path(&request.from, &request.to, steps);
                    let strip = decode(&model.model, &path, latent_dim);
                    Some(InferenceResult::Morph { request: request.clone(), frame, strip })
                })
            } else {
                Err(InferenceError::MorphSteps { steps, max: MAX_MORPH_STEPS })
            });
        }
        if let Some(seed) = pending.samples {
            answers.push(guarded("prior samples", || {
                let latents = prior_samples(SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE, latent_dim, seed);
                Some(InferenceResult::Samples { seed, images: decode(&model.model, &latents, latent_dim) })
            }));
        }
        // No dataset yet (it loads on the file thread), or one of another image shape (a normal
        // state the window explains): what needs its images waits for data the model reads.
        // They are remembered all the same, to be served once the data fits.
        let served = pending.clone();
        let data_fits = self.dataset.as_deref().is_some_and(|dataset| dataset.heldout.shape() == model.image_shape());
        let pending = if data_fits { pending } else { pending.without_data_views() };
        if let Some(source) = pending.scatter {
            let cloud = guarded("scatter", || self.scatter(model, source));
            if let Ok(Some(LatentCloud { pca: Some(pca), .. })) = &cloud {
                self.previous_pca = Some(pca.clone());
            }
            answers.push(cloud.map(|cloud| cloud.map(|cloud| InferenceResult::Scatter(Arc::new(cloud)))));
        }
        if let Some(drawing) = pending.drawing.as_ref() {
            answers.push(guarded("drawing", || Some(super::drawing_job::encode_drawing(model, drawing))));
        }
        if let Some(model) = self.model.clone() {
            let dataset = self.dataset.clone();
            if let Some(request) = pending.traversal.as_ref() {
                answers.push(
                    guarded("traversal", || {
                        super::exploration::traversal(&model, dataset.as_ref(), &mut self.means_cache, request)
                            .map(Some)
                    })
                    .and_then(|answer| answer),
                );
            }
            if let Some(request) = pending.neighbours.as_ref() {
                answers.push(
                    guarded("nearest images", || {
                        super::exploration::neighbours(&model, dataset.as_ref(), &mut self.means_cache, request)
                            .map(Some)
                    })
                    .and_then(|answer| answer),
                );
            }
        }
        self.remember(served);
        answers.into_iter().all(|answer| outbox.answer(answer))
    }

    /// Keeps `served` as the views to redo for the next model or dataset.
    fn remember(&mut self, served: ViewRequests) {
        self.last = served.or(std::mem::take(&mut self.last)).without_one_offs();
    }

    fn set(&self, train: bool) -> Option<&ImageSet> {
        let dataset = self.dataset.as_deref()?;
        Some(if train { &dataset.train } else { &dataset.heldout })
    }

    fn scatter(&self, model: &ModelSnapshot, source: ScatterSource) -> Option<LatentCloud> {
        let set = self.set(source == ScatterSource::Train)?;
        if set.shape() != model.image_shape() {
            return None;
        }
        let indices: Vec<usize> = (0..set.len().min(MAX_TRAIN_POINTS)).collect();
        let (means, log_vars) = encode_posteriors(&model.model, set, &indices);
        let latent_dim = model.latent_dim();
        let kl_per_dim_nats = crate::quality::kl_per_dim_nats(&means, &log_vars, latent_dim);
        let pca = if latent_dim > 2 { Pca::fit(&means, latent_dim) } else { None };
        let pca = match (pca, &self.previous_pca) {
            (Some(pca), Some(previous)) => Some(pca.aligned_to(previous)),
            (pca, _) => pca,
        };
        let labels: Vec<u8> = indices.iter().map(|&index| set.labels[index]).collect();
        let fingerprint = LatentCloud::fingerprint_of(source, &means, &labels);
        let epochs_done = model.info.epochs_done;
        Some(LatentCloud {
            source,
            latent_dim,
            means,
            labels,
            indices,
            pca,
            epochs_done,
            log_vars,
            kl_per_dim_nats,
            fingerprint,
        })
    }

    fn reconstructions(&self) -> Option<InferenceResult> {
        let model = self.model.as_ref()?;
        let set = self.set(false)?;
        if set.shape() != model.image_shape() {
            return None;
        }
        let indices: Vec<usize> = (0..set.len().min(RECONSTRUCTION_PAIRS)).collect();
        let mut originals = Vec::new();
        set.write_batch(&indices, &mut originals);
        let means = encode_means(&model.model, set, &indices);
        let reconstructions = decode(&model.model, &means, model.latent_dim());
        Some(InferenceResult::Reconstructions { originals, reconstructions })
    }
}

/// The model a change asks for.
fn load_model(change: ModelChange) -> Result<Arc<ModelSnapshot>, InferenceError> {
    match change {
        ModelChange::Set(model) => Ok(model),
        ModelChange::Load(source, choices) => match ModelSnapshot::load_with(&source, &choices) {
            Ok(model) => Ok(Arc::new(model)),
            Err(CheckpointError::Onnx(error @ OnnxError::NeedsChoice { .. })) => {
                let ModelSource::Folder(dir) = &source else {
                    return Err(InferenceError::OpenModel(CheckpointError::Onnx(error)));
                };
                match open_questions(dir, &choices, error.to_string()) {
                    Ok(Some(questions)) => Err(InferenceError::ChoicesNeeded(Box::new(questions))),
                    _ => Err(InferenceError::OpenModel(CheckpointError::Onnx(error))),
                }
            }
            Err(error) => Err(InferenceError::OpenModel(error)),
        },
    }
}

#[cfg(test)]
mod tests;
