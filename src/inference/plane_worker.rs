//! The plane thread: lays scatter clouds out with t-SNE or UMAP (seconds to minutes of work) away
//! from both the UI and the view thread, one job at a time, newest job waiting, planes cached.
//!
//! A request for another method or seed stops the running layout (the user changed their mind);
//! a request for a newer cloud with the same method and seed (a new epoch while training) waits
//! for the running one to finish, so layouts never pile up and one always arrives.

use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::error::InferenceError;
use super::messages::{InferenceResult, PlaneLayout, PlaneRequest};
use super::outbox::guarded;
use crate::latent::{EmbeddingCache, EmbeddingKey, PlaneMethod, embed_plane};

/// Layouts kept; the oldest is dropped beyond this.
const CACHED_PLANES: usize = 8;

/// The UI's wake-up, shareable between threads.
pub type SharedWake = Arc<Mutex<Box<dyn Fn() + Send>>>;

#[derive(Default)]
struct Slot {
    /// The newest job not yet started.
    waiting: Option<PlaneRequest>,
    /// Method and seed of the job running now.
    running: Option<(PlaneMethod, u64)>,
    /// Set to stop the running job.
    stop: bool,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    arrived: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The plane thread and its one-job slot. Dropping it stops and joins the thread.
pub struct PlaneWorker {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl PlaneWorker {
    /// Starts the thread; results go to `results`, then `wake` is called.
    pub fn spawn(results: SyncSender<InferenceResult>, wake: SharedWake) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let inbox = Arc::clone(&shared);
        let thread =
            std::thread::Builder::new().name("vae-planes".to_string()).spawn(move || serve(&inbox, &results, &wake))?;
        Ok(Self { shared, thread: Some(thread) })
    }

    /// Queues `request` in place of any waiting one; stops the running job when it is for
    /// another method or seed. False once the thread has shut down.
    pub fn post(&self, request: PlaneRequest) -> bool {
        let mut slot = self.shared.lock();
        if slot.closed {
            return false;
        }
        if slot.running.is_some_and(|running| running != (request.method, request.seed)) {
            slot.stop = true;
        }
        slot.waiting = Some(request);
        self.shared.arrived.notify_one();
        true
    }
}

impl Drop for PlaneWorker {
    fn drop(&mut self) {
        {
            let mut slot = self.shared.lock();
            slot.closed = true;
            slot.stop = true;
        }
        self.shared.arrived.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// Takes the next job, or `None` once closed.
fn next_job(shared: &Shared) -> Option<PlaneRequest> {
    let mut slot = shared.lock();
    loop {
        if slot.closed {
            return None;
        }
        if let Some(job) = slot.waiting.take() {
            slot.running = Some((job.method, job.seed));
            slot.stop = false;
            return Some(job);
        }
        slot = shared.arrived.wait(slot).unwrap_or_else(std::sync::PoisonError::into_inner);
    }
}

fn serve(shared: &Shared, results: &SyncSender<InferenceResult>, wake: &SharedWake) {
    let mut cache = EmbeddingCache::default();
    let mut keys: Vec<EmbeddingKey> = Vec::new();
    let call_wake = || (wake.lock().unwrap_or_else(std::sync::PoisonError::into_inner))();
    while let Some(job) = next_job(shared) {
        let PlaneRequest { cloud, method, seed } = job;
        let key = EmbeddingKey { weights: format!("{:016x}", cloud.fingerprint), points: cloud.len(), method, seed };
        if keys.len() >= CACHED_PLANES && !keys.contains(&key) {
            // EmbeddingCache has no eviction: start afresh rather than grow without bound.
            cache = EmbeddingCache::default();
            keys.clear();
        }
        let mut shown = -1.0f32;
        let mut progress = |fraction: f32| {
            // A percent at a time; dropped when the UI has not drained the last ones.
            if fraction - shown >= 0.01 || fraction >= 1.0 {
                shown = fraction;
                let update =
                    InferenceResult::PlaneProgress { method, seed, cloud_fingerprint: cloud.fingerprint, fraction };
                if !matches!(results.try_send(update), Err(TrySendError::Disconnected(_))) {
                    call_wake();
                }
            }
            !shared.lock().stop
        };
        let answer = guarded("t-SNE/UMAP plane", || {
            cache
                .get_or_compute(key.clone(), || {
                    embed_plane(method, &cloud.means, cloud.latent_dim, seed, &mut progress)
                })
                .map(<[[f32; 2]]>::to_vec)
        });
        shared.lock().running = None;
        let result = match answer {
            Ok(Ok(coords)) => {
                if !keys.contains(&key) {
                    keys.push(key);
                }
                InferenceResult::Plane(Arc::new(PlaneLayout {
                    cloud_fingerprint: cloud.fingerprint,
                    source: cloud.source,
                    epochs_done: cloud.epochs_done,
                    method,
                    seed,
                    coords,
                }))
            }
            Ok(Err(crate::latent::EmbeddingError::Stopped)) => continue,
            Ok(Err(error)) => InferenceResult::Failed(InferenceError::Plane(error)),
            Err(error) => InferenceResult::Failed(error),
        };
        if results.send(result).is_err() {
            return;
        }
        call_wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::{LatentCloud, ScatterSource};
    use crate::latent::test_blobs;
    use std::time::{Duration, Instant};

    fn blob_cloud() -> Arc<LatentCloud> {
        let (means, labels) = test_blobs();
        let count = labels.len();
        let fingerprint = LatentCloud::fingerprint_of(ScatterSource::Heldout, &means, &labels);
        Arc::new(LatentCloud {
            source: ScatterSource::Heldout,
            latent_dim: 5,
            means,
            labels,
            indices: (0..count).collect(),
            pca: None,
            epochs_done: 0,
            log_vars: Vec::new(),
            kl_per_dim_nats: Vec::new(),
            fingerprint,
        })
    }

    fn next_plane(receiver: &std::sync::mpsc::Receiver<InferenceResult>) -> Arc<PlaneLayout> {
        let started = Instant::now();
        loop {
            assert!(started.elapsed() < Duration::from_secs(120), "no plane arrived");
            match receiver.recv_timeout(Duration::from_millis(50)) {
                Ok(InferenceResult::Plane(layout)) => return layout,
                Ok(InferenceResult::Failed(error)) => panic!("{error}"),
                _ => {}
            }
        }
    }

    #[test]
    fn a_plane_arrives_seeded_and_keeps_the_blobs_apart() {
        let (sender, receiver) = std::sync::mpsc::sync_channel(256);
        let wake: SharedWake = Arc::new(Mutex::new(Box::new(|| {})));
        let worker = PlaneWorker::spawn(sender, wake).expect("plane thread");
        let cloud = blob_cloud();
        worker.post(PlaneRequest { cloud: Arc::clone(&cloud), method: PlaneMethod::Tsne, seed: 3 });
        let first = next_plane(&receiver);
        assert_eq!((first.method, first.seed, first.coords.len()), (PlaneMethod::Tsne, 3, cloud.len()));
        assert_eq!(first.cloud_fingerprint, cloud.fingerprint);
        let agreement = crate::latent::knn_label_agreement(&first.coords, &cloud.labels, 5);
        assert!(agreement > 0.9, "{agreement}");
        worker.post(PlaneRequest { cloud: Arc::clone(&cloud), method: PlaneMethod::Tsne, seed: 3 });
        assert_eq!(next_plane(&receiver).coords, first.coords, "the same seed gives the same plane");
        worker.post(PlaneRequest { cloud, method: PlaneMethod::Umap, seed: 3 });
        assert_eq!(next_plane(&receiver).method, PlaneMethod::Umap);
    }
}
