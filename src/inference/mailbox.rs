//! The inference thread's inbox: the newest request of each kind waits here, so a flood of
//! requests costs nothing and the last one asked is always the one served.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::exploration::{NeighboursRequest, TraversalRequest};
use super::messages::{GridRequest, InferenceRequest, MorphRequest, ScatterSource};
use super::{ModelSnapshot, ModelSource};
use crate::data::{DataSource, Dataset};
use crate::drawing::Drawing;

/// The newest view request of each kind.
#[derive(Default, Clone, Debug)]
pub struct Pending {
    /// Which set to encode for the scatter.
    pub scatter: Option<ScatterSource>,
    /// The sliders' latent point.
    pub decode: Option<Vec<f32>>,
    /// The decoder sweep.
    pub grid: Option<GridRequest>,
    /// Seed of the prior samples.
    pub samples: Option<u64>,
    /// Training set (`true`) or held-out, and the image to reconstruct.
    pub reconstruct: Option<(bool, usize)>,
    /// The morph.
    pub morph: Option<MorphRequest>,
    /// Images of morph ends A and B to encode.
    pub encode: [Option<Vec<f32>>; 2],
    /// The drawing canvas's drawing, to encode.
    pub drawing: Option<Drawing>,
    /// The direction's traversal strip.
    pub traversal: Option<TraversalRequest>,
    /// The nearest training images to a point.
    pub neighbours: Option<NeighboursRequest>,
}

impl Pending {
    /// The newer of each kind; one-off requests (reconstruct, encode) are not kept.
    pub fn merged_over(self, older: Pending) -> Pending {
        Pending {
            scatter: self.scatter.or(older.scatter),
            decode: self.decode.or(older.decode),
            grid: self.grid.or(older.grid),
            samples: self.samples.or(older.samples),
            reconstruct: None,
            morph: self.morph.or(older.morph),
            encode: [None, None],
            drawing: self.drawing.or(older.drawing),
            traversal: self.traversal.or(older.traversal),
            neighbours: self.neighbours.or(older.neighbours),
        }
    }
}

/// A new model to serve: the newest wins.
#[derive(Debug)]
pub enum ModelChange {
    /// A snapshot from training.
    Set(Arc<ModelSnapshot>),
    /// A saved model to load.
    Load(ModelSource),
}

/// A new dataset to use: the newest wins.
#[derive(Debug)]
pub enum DatasetChange {
    /// A dataset loaded elsewhere.
    Set(Arc<Dataset>),
    /// A dataset to load.
    Load(DataSource),
}

/// Everything asked since the thread last looked.
#[derive(Default, Debug)]
pub struct Inbox {
    /// The newest model asked for.
    pub model: Option<ModelChange>,
    /// The newest dataset asked for.
    pub dataset: Option<DatasetChange>,
    /// Folders to save the served model into, in order (each is answered).
    pub saves: Vec<PathBuf>,
    /// The newest view request of each kind.
    pub views: Pending,
}

impl Inbox {
    fn is_empty(&self) -> bool {
        let views = &self.views;
        self.model.is_none()
            && self.dataset.is_none()
            && self.saves.is_empty()
            && views.scatter.is_none()
            && views.decode.is_none()
            && views.grid.is_none()
            && views.samples.is_none()
            && views.reconstruct.is_none()
            && views.morph.is_none()
            && views.encode.iter().all(Option::is_none)
            && views.drawing.is_none()
            && views.traversal.is_none()
            && views.neighbours.is_none()
    }

    /// Files a request, replacing an older one of its kind.
    fn file(&mut self, request: InferenceRequest) {
        let views = &mut self.views;
        match request {
            InferenceRequest::SetModel(model) => self.model = Some(ModelChange::Set(model)),
            InferenceRequest::LoadModel(source) => self.model = Some(ModelChange::Load(source)),
            InferenceRequest::LoadDataset(source) => self.dataset = Some(DatasetChange::Load(source)),
            InferenceRequest::SetDataset(dataset) => self.dataset = Some(DatasetChange::Set(dataset)),
            InferenceRequest::SaveModel(dir) => {
                if self.saves.last() != Some(&dir) {
                    self.saves.push(dir);
                }
            }
            InferenceRequest::Scatter(source) => views.scatter = Some(source),
            InferenceRequest::Decode(latent) => views.decode = Some(latent),
            InferenceRequest::Grid(grid) => views.grid = Some(grid),
            InferenceRequest::Samples(seed) => views.samples = Some(seed),
            InferenceRequest::Reconstruct { train, index } => views.reconstruct = Some((train, index)),
            InferenceRequest::Morph(morph) => views.morph = Some(morph),
            InferenceRequest::Encode { slot, pixels } => {
                if let Some(pending) = views.encode.get_mut(slot) {
                    *pending = Some(pixels);
                }
            }
            InferenceRequest::EncodeDrawing(drawing) => views.drawing = Some(drawing),
            // The service hands planes to the plane thread; none reaches this mailbox.
            InferenceRequest::Plane(_) => {}
            InferenceRequest::Traversal(traversal) => views.traversal = Some(traversal),
            InferenceRequest::Neighbours(neighbours) => views.neighbours = Some(neighbours),
        }
    }
}

#[derive(Default)]
struct Shared {
    inbox: Inbox,
    closed: bool,
}

/// A mutex-guarded inbox and a condition variable the thread sleeps on.
#[derive(Default)]
pub struct Mailbox {
    shared: Mutex<Shared>,
    arrived: Condvar,
}

impl Mailbox {
    /// Files a request and wakes the thread; false once the mailbox is closed.
    pub fn post(&self, request: InferenceRequest) -> bool {
        let mut shared = self.lock();
        if shared.closed {
            return false;
        }
        shared.inbox.file(request);
        self.arrived.notify_one();
        true
    }

    /// Waits for requests and takes them all; `None` once the mailbox is closed.
    pub fn wait(&self) -> Option<Inbox> {
        let mut shared = self.lock();
        loop {
            if shared.closed {
                return None;
            }
            if !shared.inbox.is_empty() {
                return Some(std::mem::take(&mut shared.inbox));
            }
            shared = self.arrived.wait(shared).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Ends the thread's wait for good.
    pub fn close(&self) {
        self.lock().closed = true;
        self.arrived.notify_all();
    }

    /// The lock; a panic while holding it left plain data behind, which is still usable.
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_keeps_the_newest_of_each_kind() {
        let mailbox = Mailbox::default();
        for index in 0..10_000 {
            assert!(mailbox.post(InferenceRequest::Decode(vec![index as f32])));
            assert!(mailbox.post(InferenceRequest::Samples(index)));
        }
        let inbox = mailbox.wait().expect("requests");
        assert_eq!(inbox.views.decode, Some(vec![9_999.0]));
        assert_eq!(inbox.views.samples, Some(9_999));
    }

    #[test]
    fn of_many_drawings_only_the_newest_waits_and_it_is_kept_for_the_next_model() {
        let mailbox = Mailbox::default();
        let mut drawing = Drawing::default();
        assert!(drawing.begin([0.5, 0.1], 0.05, false));
        for step in 0..100 {
            drawing.extend([0.5, 0.1 + step as f32 * 0.008]);
            assert!(mailbox.post(InferenceRequest::EncodeDrawing(drawing.clone())));
        }
        let inbox = mailbox.wait().expect("requests");
        assert_eq!(inbox.views.drawing.as_ref(), Some(&drawing));
        let remembered = Pending::default().merged_over(inbox.views);
        assert_eq!(remembered.drawing, Some(drawing), "redone when the model changes");
    }

    #[test]
    fn saves_are_kept_in_order_and_a_closed_mailbox_refuses() {
        let mailbox = Mailbox::default();
        mailbox.post(InferenceRequest::SaveModel(PathBuf::from("a")));
        mailbox.post(InferenceRequest::SaveModel(PathBuf::from("b")));
        assert_eq!(mailbox.wait().expect("saves").saves, [PathBuf::from("a"), PathBuf::from("b")]);
        mailbox.close();
        assert!(!mailbox.post(InferenceRequest::Samples(1)));
        assert!(mailbox.wait().is_none());
    }
}
