//! The inference thread: serves the latent views from the newest model, never blocking the UI.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use super::ModelSnapshot;
use super::compute::{decode, encode_means, encode_pixels, prior_samples};
use super::messages::{
    GridRequest, InferenceRequest, InferenceResult, LatentCloud, MAX_TRAIN_POINTS, MorphRequest, RECONSTRUCTION_PAIRS,
    SAMPLE_GRID_SIDE, ScatterSource,
};
use crate::data::{Dataset, ImageSet};
use crate::latent::Pca;

const REQUEST_CAPACITY: usize = 256;
const RESULT_CAPACITY: usize = 64;

/// The inference thread and its channels. Dropping it joins the thread.
pub struct InferenceService {
    requests: Option<SyncSender<InferenceRequest>>,
    results: Option<Receiver<InferenceResult>>,
    thread: Option<JoinHandle<()>>,
}

impl InferenceService {
    /// Starts the thread; `wake` is called after each result is queued.
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (request_sender, request_receiver) = sync_channel(REQUEST_CAPACITY);
        let (result_sender, result_receiver) = sync_channel(RESULT_CAPACITY);
        let thread = std::thread::Builder::new().name("vae-inference".to_string()).spawn(move || {
            let mut server =
                Server { model: None, dataset: None, pending: Pending::default(), last: Pending::default() };
            server.serve(&request_receiver, &result_sender, &wake);
        })?;
        Ok(Self { requests: Some(request_sender), results: Some(result_receiver), thread: Some(thread) })
    }

    /// Queues a request; false when the thread is gone or flooded (the next frame asks again).
    pub fn request(&self, request: InferenceRequest) -> bool {
        let Some(requests) = &self.requests else { return false };
        !matches!(requests.try_send(request), Err(TrySendError::Full(_) | TrySendError::Disconnected(_)))
    }

    /// Every result queued since the last call, oldest first.
    pub fn drain_results(&self) -> Vec<InferenceResult> {
        self.results.as_ref().map(|results| results.try_iter().collect()).unwrap_or_default()
    }
}

impl Drop for InferenceService {
    fn drop(&mut self) {
        self.requests = None;
        self.results = None;
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// The newest request of each kind.
#[derive(Default, Clone)]
struct Pending {
    scatter: Option<ScatterSource>,
    decode: Option<Vec<f32>>,
    grid: Option<GridRequest>,
    samples: Option<u64>,
    reconstruct: Option<(bool, usize)>,
    morph: Option<MorphRequest>,
    encode: [Option<Vec<f32>>; 2],
}

struct Server {
    model: Option<Arc<ModelSnapshot>>,
    dataset: Option<Arc<Dataset>>,
    pending: Pending,
    /// The last request of each kind, recomputed when the model or dataset changes.
    last: Pending,
}

impl Server {
    fn serve(&mut self, requests: &Receiver<InferenceRequest>, results: &SyncSender<InferenceResult>, wake: &dyn Fn()) {
        while let Ok(first) = requests.recv() {
            let mut changed = false;
            for request in std::iter::once(first).chain(requests.try_iter()) {
                if let InferenceRequest::SaveModel(dir) = request {
                    let saved = self.save(&dir);
                    if results.send(saved).is_err() {
                        return;
                    }
                    wake();
                    continue;
                }
                match self.take(request) {
                    Ok(made_change) => changed |= made_change,
                    Err(message) => {
                        if results.send(InferenceResult::LoadFailed(message)).is_err() {
                            return;
                        }
                        wake();
                    }
                }
            }
            if changed {
                self.refresh_all(results, wake);
            }
            let pending = std::mem::take(&mut self.pending);
            for result in self.compute(pending) {
                if results.send(result).is_err() {
                    return;
                }
                wake();
            }
        }
    }

    /// Files a request; true when it changes the model or dataset, an error when a load fails.
    fn take(&mut self, request: InferenceRequest) -> Result<bool, String> {
        match request {
            InferenceRequest::SetModel(model) => {
                self.model = Some(model);
                return Ok(true);
            }
            InferenceRequest::LoadModel(source) => {
                let model = ModelSnapshot::load(&source).map_err(|error| format!("cannot open the model: {error}"))?;
                self.model = Some(Arc::new(model));
                return Ok(true);
            }
            InferenceRequest::LoadDataset(source) => {
                let dataset = source.load().map_err(|error| format!("cannot load the dataset: {error}"))?;
                self.dataset = Some(Arc::new(dataset));
                return Ok(true);
            }
            InferenceRequest::Scatter(source) => self.pending.scatter = Some(source),
            InferenceRequest::Decode(latent) => self.pending.decode = Some(latent),
            InferenceRequest::Grid(grid) => self.pending.grid = Some(grid),
            InferenceRequest::Samples(seed) => self.pending.samples = Some(seed),
            InferenceRequest::Reconstruct { train, index } => self.pending.reconstruct = Some((train, index)),
            InferenceRequest::SaveModel(_) => {}
            InferenceRequest::Morph(morph) => self.pending.morph = Some(morph),
            InferenceRequest::Encode { slot, pixels } => {
                if let Some(pending) = self.pending.encode.get_mut(slot) {
                    *pending = Some(pixels);
                }
            }
        }
        Ok(false)
    }

    /// Saves the served model into `dir`.
    fn save(&self, dir: &std::path::Path) -> InferenceResult {
        let Some(model) = &self.model else {
            return InferenceResult::LoadFailed("there is no model to save yet: train or open one".to_string());
        };
        match crate::checkpoint::save(dir, &model.model, &model.info) {
            Ok(()) => InferenceResult::Saved(dir.to_path_buf()),
            Err(error) => InferenceResult::LoadFailed(format!("cannot save the model: {error}")),
        }
    }

    /// After a model or dataset change: announce the model and redo every view asked for before.
    fn refresh_all(&mut self, results: &SyncSender<InferenceResult>, wake: &dyn Fn()) {
        if let Some(dataset) = &self.dataset {
            let _ignored = results.send(InferenceResult::DatasetReady(Arc::clone(dataset)));
        }
        if let Some(model) = &self.model {
            let _ignored = results.send(InferenceResult::ModelReady(Arc::clone(model)));
        }
        wake();
        let last = self.last.clone();
        let pending = &mut self.pending;
        pending.scatter = pending.scatter.or(last.scatter).or(Some(ScatterSource::Heldout));
        pending.decode = pending.decode.take().or(last.decode);
        pending.grid = pending.grid.take().or(last.grid);
        pending.samples = pending.samples.or(last.samples);
        pending.morph = pending.morph.take().or(last.morph);
        if let Some(reconstructions) = self.reconstructions() {
            let _ignored = results.send(reconstructions);
            wake();
        }
    }

    fn compute(&mut self, pending: Pending) -> Vec<InferenceResult> {
        let Some(model) = self.model.clone() else {
            self.last = merge(pending, std::mem::take(&mut self.last));
            return Vec::new();
        };
        let latent_dim = model.latent_dim();
        let mut results = Vec::new();
        if let Some(latent) = &pending.decode
            && latent.len() == latent_dim
        {
            let image = decode(&model.model, latent, latent_dim);
            results.push(InferenceResult::Decoded { latent: latent.clone(), image });
        }
        if let Some((train, index)) = pending.reconstruct
            && let Some(set) = self.set(train)
            && index < set.len()
        {
            let mean = encode_means(&model.model, set, &[index]);
            let image = decode(&model.model, &mean, latent_dim);
            results.push(InferenceResult::Reconstructed { train, index, image });
        }
        if let Some(request) = &pending.grid
            && request.base.len() == latent_dim
        {
            let latents = request.spec.latents(&request.projection, &request.base);
            let images = decode(&model.model, &latents, latent_dim);
            results.push(InferenceResult::Grid { request: request.clone(), images });
        }
        for (slot, pixels) in pending.encode.iter().enumerate() {
            if let Some(pixels) = pixels
                && pixels.len() == model.image_shape().0 * model.image_shape().1
            {
                let mean = encode_pixels(&model.model, pixels, model.image_shape());
                results.push(InferenceResult::Encoded { slot, pixels: pixels.clone(), mean });
            }
        }
        if let Some(request) = &pending.morph
            && request.from.len() == latent_dim
            && request.to.len() == latent_dim
        {
            let frame_latent = request.interpolation.at(&request.from, &request.to, request.t);
            let frame = decode(&model.model, &frame_latent, latent_dim);
            let path = request.interpolation.path(&request.from, &request.to, request.steps);
            let strip = decode(&model.model, &path, latent_dim);
            results.push(InferenceResult::Morph { request: request.clone(), frame, strip });
        }
        if let Some(seed) = pending.samples {
            let latents = prior_samples(SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE, latent_dim, seed);
            results.push(InferenceResult::Samples { seed, images: decode(&model.model, &latents, latent_dim) });
        }
        if let Some(source) = pending.scatter
            && let Some(cloud) = self.scatter(&model, source)
        {
            results.push(InferenceResult::Scatter(Arc::new(cloud)));
        }
        self.last = merge(pending, std::mem::take(&mut self.last));
        results
    }

    fn set(&self, train: bool) -> Option<&ImageSet> {
        let dataset = self.dataset.as_deref()?;
        Some(if train { &dataset.train } else { &dataset.heldout })
    }

    fn scatter(&self, model: &ModelSnapshot, source: ScatterSource) -> Option<LatentCloud> {
        let set = self.set(source == ScatterSource::Train)?;
        if (set.height, set.width) != model.image_shape() {
            return None;
        }
        let indices: Vec<usize> = (0..set.len().min(MAX_TRAIN_POINTS)).collect();
        let means = encode_means(&model.model, set, &indices);
        let latent_dim = model.latent_dim();
        let pca = if latent_dim > 2 { Pca::fit(&means, latent_dim) } else { None };
        let labels = indices.iter().map(|&index| set.labels[index]).collect();
        Some(LatentCloud { source, latent_dim, means, labels, indices, pca, epochs_done: model.info.epochs_done })
    }

    fn reconstructions(&self) -> Option<InferenceResult> {
        let model = self.model.as_ref()?;
        let set = self.set(false)?;
        if (set.height, set.width) != model.image_shape() {
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

/// The newer of each kind.
fn merge(newer: Pending, older: Pending) -> Pending {
    Pending {
        scatter: newer.scatter.or(older.scatter),
        decode: newer.decode.or(older.decode),
        grid: newer.grid.or(older.grid),
        samples: newer.samples.or(older.samples),
        reconstruct: None,
        morph: newer.morph.or(older.morph),
        encode: [None, None],
    }
}
