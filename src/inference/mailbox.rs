//! The inference thread's inbox: the newest request of each kind waits here, so a flood of
//! requests costs nothing and the last one asked is always the one served.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::messages::InferenceRequest;
use super::view_requests::ViewRequests;
use super::{ModelSnapshot, ModelSource};
use crate::data::{DataSource, Dataset};

/// A new model to serve: the newest wins.
#[derive(Debug)]
pub enum ModelChange {
    /// A snapshot from training.
    Set(Arc<ModelSnapshot>),
    /// A saved model to load, with answers to what an ONNX folder's graphs leave open.
    Load(ModelSource, crate::onnx_model::OnnxChoices),
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
    pub views: ViewRequests,
}

impl Inbox {
    fn is_empty(&self) -> bool {
        self.model.is_none() && self.dataset.is_none() && self.saves.is_empty() && self.views.is_empty()
    }

    /// Files a request, replacing an older one of its kind.
    fn file(&mut self, request: InferenceRequest) {
        match request {
            InferenceRequest::SetModel(model) => self.model = Some(ModelChange::Set(model)),
            InferenceRequest::LoadModel(source) => self.model = Some(ModelChange::Load(source, Default::default())),
            InferenceRequest::OpenOnnx { dir, choices } => {
                self.model = Some(ModelChange::Load(ModelSource::Folder(dir), choices));
            }
            InferenceRequest::LoadDataset(source) => self.dataset = Some(DatasetChange::Load(source)),
            InferenceRequest::SetDataset(dataset) => self.dataset = Some(DatasetChange::Set(dataset)),
            InferenceRequest::SaveModel(dir) => {
                if self.saves.last() != Some(&dir) {
                    self.saves.push(dir);
                }
            }
            InferenceRequest::Views(newer) => self.views = newer.or(std::mem::take(&mut self.views)),
            // The service hands planes to the plane thread; none reaches this mailbox.
            InferenceRequest::Plane(_) => {}
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
    use crate::drawing::Drawing;

    fn views(requests: ViewRequests) -> InferenceRequest {
        InferenceRequest::views(requests)
    }

    #[test]
    fn a_flood_keeps_the_newest_of_each_kind() {
        let mailbox = Mailbox::default();
        for index in 0..10_000 {
            assert!(mailbox.post(views(ViewRequests { decode: Some(vec![index as f32]), ..ViewRequests::default() })));
            assert!(mailbox.post(views(ViewRequests { samples: Some(index), ..ViewRequests::default() })));
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
            assert!(mailbox.post(views(ViewRequests { drawing: Some(drawing.clone()), ..ViewRequests::default() })));
        }
        let inbox = mailbox.wait().expect("requests");
        assert_eq!(inbox.views.drawing.as_ref(), Some(&drawing));
        let remembered = ViewRequests::default().or(inbox.views).without_one_offs();
        assert_eq!(remembered.drawing, Some(drawing), "redone when the model changes");
    }

    #[test]
    fn saves_are_kept_in_order_and_a_closed_mailbox_refuses() {
        let mailbox = Mailbox::default();
        mailbox.post(InferenceRequest::SaveModel(PathBuf::from("a")));
        mailbox.post(InferenceRequest::SaveModel(PathBuf::from("b")));
        assert_eq!(mailbox.wait().expect("saves").saves, [PathBuf::from("a"), PathBuf::from("b")]);
        mailbox.close();
        assert!(!mailbox.post(views(ViewRequests { samples: Some(1), ..ViewRequests::default() })));
        assert!(mailbox.wait().is_none());
    }
}
