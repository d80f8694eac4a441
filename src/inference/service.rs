//! The inference thread: serves the latent views from the newest model, never blocking the UI.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;

use super::mailbox::Mailbox;
use super::messages::{InferenceRequest, InferenceResult};
use super::plane_worker::{PlaneWorker, SharedWake};
use super::server::Server;

/// Results waiting for the UI before the thread waits for it to drain them.
const RESULT_CAPACITY: usize = 64;

/// The inference thread, its mailbox and its results. Dropping it joins the thread.
pub struct InferenceService {
    mailbox: Arc<Mailbox>,
    results: Option<Receiver<InferenceResult>>,
    thread: Option<JoinHandle<()>>,
    /// The t-SNE/UMAP thread (dropped, and so joined, before the view thread).
    planes: Option<PlaneWorker>,
}

impl InferenceService {
    /// Starts the thread; `wake` is called after each result is queued.
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let mailbox = Arc::new(Mailbox::default());
        let (result_sender, result_receiver) = sync_channel(RESULT_CAPACITY);
        let wake: SharedWake = Arc::new(std::sync::Mutex::new(Box::new(wake)));
        let planes = PlaneWorker::spawn(result_sender.clone(), Arc::clone(&wake))?;
        let inbox = Arc::clone(&mailbox);
        let call_wake = move || (wake.lock().unwrap_or_else(std::sync::PoisonError::into_inner))();
        let thread = std::thread::Builder::new()
            .name("vae-inference".to_string())
            .spawn(move || Server::default().serve(&inbox, &result_sender, &call_wake))?;
        Ok(Self { mailbox, results: Some(result_receiver), thread: Some(thread), planes: Some(planes) })
    }

    /// Files a request. Of each kind only the newest waiting one is served, so nothing asked
    /// last is ever lost; false only when the thread has shut down.
    pub fn request(&self, request: InferenceRequest) -> bool {
        if let InferenceRequest::Plane(plane) = request {
            return self.planes.as_ref().is_some_and(|planes| planes.post(plane));
        }
        self.mailbox.post(request)
    }

    /// Every result queued since the last call, oldest first.
    pub fn drain_results(&self) -> Vec<InferenceResult> {
        self.results.as_ref().map(|results| results.try_iter().collect()).unwrap_or_default()
    }
}

impl Drop for InferenceService {
    fn drop(&mut self) {
        self.mailbox.close();
        // Unblocks a thread waiting to hand over a result.
        self.results = None;
        self.planes = None;
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}
