//! The worker's side of a training run: reports forwarded to the UI as events, pause, resume
//! and stop applied between batches, model snapshots on a time budget, and the autosave.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

use super::{AUTOSAVE_INTERVAL, Command, Event, EventSender, SNAPSHOT_INTERVAL};
use crate::checkpoint;
use crate::inference::ModelSnapshot;
use crate::model::Vae;
use crate::training::{Control, EpochReport, StepReport, TrainingObserver};

/// Forwards reports as events and applies pause, resume and stop between batches.
pub(super) struct WorkerObserver<'a> {
    pub(super) commands: &'a Receiver<Command>,
    pub(super) events: &'a EventSender,
    pub(super) stopped: bool,
    pub(super) autosave_dir: Option<PathBuf>,
    /// Checkpoint description, kept up to date from the reports.
    pub(super) info: checkpoint::CheckpointInfo,
    /// When the views last got a model.
    pub(super) last_snapshot: Instant,
    /// When the model was last autosaved in this run.
    pub(super) last_autosave: Option<Instant>,
    /// The last epoch's model when it is not autosaved yet.
    pub(super) unsaved: Option<Arc<ModelSnapshot>>,
}

impl WorkerObserver<'_> {
    /// Saves the last epoch's model to the autosave folder (when there is one and the model is
    /// not saved yet); a failure is an event, and training goes on.
    pub(super) fn autosave(&mut self) {
        let (Some(dir), Some(snapshot)) = (&self.autosave_dir, self.unsaved.take()) else { return };
        self.last_autosave = Some(Instant::now());
        let Some(model) = snapshot.burn() else { return };
        if let Err(error) = checkpoint::save(dir, model, &snapshot.info) {
            self.events.send(Event::SaveFailed(format!("autosave failed: {error}")));
        }
    }

    /// Applies queued commands; while paused, waits for the next one.
    fn control(&mut self) -> Control {
        let mut paused = false;
        loop {
            let next = if paused {
                self.commands.recv().map_err(|_| TryRecvError::Disconnected)
            } else {
                self.commands.try_recv()
            };
            match next {
                Ok(Command::Pause) if !paused => {
                    paused = true;
                    self.events.send(Event::Paused);
                }
                Ok(Command::Resume) if paused => {
                    paused = false;
                    self.events.send(Event::Resumed);
                }
                Ok(Command::Stop) | Err(TryRecvError::Disconnected) => {
                    self.stopped = true;
                    return Control::Stop;
                }
                Ok(_) => {}
                Err(TryRecvError::Empty) => return Control::Continue,
            }
        }
    }
}

impl TrainingObserver for WorkerObserver<'_> {
    fn on_epoch_kl_per_dim(&mut self, kl_per_dim_nats: &[f64]) {
        self.info.kl_per_dim_nats = kl_per_dim_nats.to_vec();
    }

    fn on_step(&mut self, report: &StepReport, model: &Vae) -> Control {
        self.info.global_step = report.global_step;
        let mut delivered = self.events.offer(Event::Step(*report));
        // A model gone non-finite is never shown; the trainer reports the divergence.
        if self.last_snapshot.elapsed() >= SNAPSHOT_INTERVAL && model.is_finite() {
            self.last_snapshot = Instant::now();
            delivered &=
                self.events.send(Event::Model(Arc::new(ModelSnapshot::from_training(model, self.info.clone()))));
        }
        if !delivered {
            self.stopped = true;
            return Control::Stop;
        }
        self.control()
    }

    fn on_epoch(&mut self, report: &EpochReport, model: &Vae) -> Control {
        self.info.record_epoch(report);
        let snapshot = Arc::new(ModelSnapshot::from_training(model, self.info.clone()));
        self.last_snapshot = Instant::now();
        self.unsaved = Some(Arc::clone(&snapshot));
        if self.last_autosave.is_none_or(|saved| saved.elapsed() >= AUTOSAVE_INTERVAL) {
            self.autosave();
        }
        // The trainer hands over finite models only; checked again since a NaN model must never
        // reach the views.
        let delivered = self.events.send(Event::Epoch(*report))
            && (!snapshot.model.is_finite() || self.events.send(Event::Model(snapshot)));
        if !delivered {
            self.stopped = true;
            return Control::Stop;
        }
        self.control()
    }
}
