//! The training worker: a named thread that owns the device, model and optimizer.
//!
//! The UI sends [`Command`]s and polls [`Event`]s; it never waits on the worker. The worker
//! wakes the UI through a callback (in the app, `egui::Context::request_repaint`).
//!
//! Every job runs under `catch_unwind`: a panic becomes an [`Event::Failed`] and the worker goes
//! on serving. A run that diverges ends in [`Event::Failed`] too, and no model with NaN or
//! infinite weights is ever sent, so the views keep the last good one.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use burn::prelude::Device;

use crate::data::DataSource;
use crate::device::{DeviceChoice, DeviceInfo, DevicePicker};
use crate::inference::ModelSnapshot;
use crate::lpips::Lpips;
use crate::training::{EpochReport, LossChoice, StepReport, Trainer, TrainingConfig};

mod observer;

use observer::WorkerObserver;

const COMMAND_CAPACITY: usize = 16;
/// Shortest time between two mid-epoch model snapshots sent to the views (every epoch end sends
/// one too). Each snapshot makes the inference thread re-encode the scatter and decode every view,
/// on the cores training runs on, so they come on a time budget rather than every so many steps.
const SNAPSHOT_INTERVAL: Duration = Duration::from_secs(3);
/// Shortest time between two autosaves during a run (the first epoch's model and the run's last
/// model are always saved). Saving blocks training, and an epoch of the bundled digits takes
/// about half a second: saving every epoch cost the window 3–4 % of its training speed.
const AUTOSAVE_INTERVAL: Duration = Duration::from_secs(20);
const EVENT_CAPACITY: usize = 1024;

/// What to train.
#[derive(Clone, Debug)]
pub struct TrainRequest {
    /// Model and optimisation settings.
    pub config: TrainingConfig,
    /// The loss to train with, resolved by the data's channels once loaded (a resumed model keeps
    /// its own).
    pub loss_choice: LossChoice,
    /// The data to train on.
    pub data: DataSource,
    /// Where to train.
    pub device: DeviceChoice,
    /// Continue this model (its config wins over `config`, except for the epoch count).
    pub resume: Option<Arc<ModelSnapshot>>,
    /// Save a checkpoint here at every epoch end.
    pub autosave_dir: Option<PathBuf>,
}

/// Orders from the UI to the worker.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant, reason = "a few commands per run; the request is sent once")]
pub enum Command {
    /// Start a new training run (ignored while one is running).
    Train(TrainRequest),
    /// Hold the running training after the current batch.
    Pause,
    /// Continue a paused training.
    Resume,
    /// End the running training after the current batch.
    Stop,
}

/// News from the worker to the UI.
#[derive(Clone, Debug)]
pub enum Event {
    /// Data loaded, device chosen, first step about to run.
    Started {
        /// The device in use.
        device: DeviceInfo,
        /// Dataset name.
        dataset: String,
        /// Training images.
        train_images: usize,
        /// Held-out images.
        heldout_images: usize,
        /// Steps in one epoch.
        steps_per_epoch: usize,
    },
    /// One step done (may be dropped when the UI falls behind).
    Step(StepReport),
    /// One epoch done, with its held-out loss.
    Epoch(EpochReport),
    /// A fresh inference copy of the model, for the latent views.
    Model(Arc<ModelSnapshot>),
    /// Saving the epoch's checkpoint failed; training goes on.
    SaveFailed(String),
    /// Training is held.
    Paused,
    /// Training goes on.
    Resumed,
    /// Training ended, by finishing its epochs or by a stop.
    Finished {
        /// Epochs completed in total.
        epochs_done: usize,
        /// True when a stop command ended it early.
        stopped: bool,
    },
    /// Training could not start, diverged, or its thread failed; the message says what to do.
    /// The run is over; the last [`Event::Model`] sent is the last good model.
    Failed(String),
}

/// The worker thread and its channels. Dropping it stops training and joins the thread.
pub struct Worker {
    commands: Option<SyncSender<Command>>,
    events: Option<Receiver<Event>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker thread. `wake` is called after every event is queued.
    pub fn spawn(wake: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (command_sender, command_receiver) = sync_channel(COMMAND_CAPACITY);
        let (event_sender, event_receiver) = sync_channel(EVENT_CAPACITY);
        let events = EventSender { sender: event_sender, wake: Box::new(wake) };
        let thread = std::thread::Builder::new().name("vae-training".to_string()).spawn(move || {
            let mut devices = DevicePicker::default();
            serve(&command_receiver, &events, &mut |request, commands, events| {
                train(request, &mut devices, commands, events);
            });
        })?;
        Ok(Self { commands: Some(command_sender), events: Some(event_receiver), thread: Some(thread) })
    }

    /// Queues a command; fails only when the worker is gone or flooded.
    pub fn send(&self, command: Command) -> Result<(), String> {
        let Some(commands) = &self.commands else {
            return Err("the training worker has shut down".to_string());
        };
        commands.try_send(command).map_err(|error| match error {
            TrySendError::Full(_) => "the training worker is busy; try again".to_string(),
            TrySendError::Disconnected(_) => "the training worker has stopped; restart the app".to_string(),
        })
    }

    /// Every event queued since the last call, oldest first, without waiting.
    pub fn drain_events(&self) -> Vec<Event> {
        self.events.as_ref().map(|events| events.try_iter().collect()).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(commands) = self.commands.take() {
            let _ignored = commands.try_send(Command::Stop);
        }
        self.events = None;
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// The worker's end of the event channel, waking the UI after each send.
struct EventSender {
    sender: SyncSender<Event>,
    wake: Box<dyn Fn() + Send>,
}

impl EventSender {
    /// Sends an event that must arrive; false when the UI is gone.
    fn send(&self, event: Event) -> bool {
        let delivered = self.sender.send(event).is_ok();
        (self.wake)();
        delivered
    }

    /// Sends an event that may be dropped when the UI is behind; false when the UI is gone.
    fn offer(&self, event: Event) -> bool {
        let gone = matches!(self.sender.try_send(event), Err(TrySendError::Disconnected(_)));
        (self.wake)();
        !gone
    }
}

/// Runs one training job per `Train` command until the UI is gone; a job that panics is
/// reported as [`Event::Failed`] and the next command is served as usual.
fn serve(
    commands: &Receiver<Command>,
    events: &EventSender,
    job: &mut dyn FnMut(TrainRequest, &Receiver<Command>, &EventSender),
) {
    while let Ok(command) = commands.recv() {
        if let Command::Train(request) = command
            && let Err(message) = run_guarded(|| job(request, commands, events))
        {
            events.send(Event::Failed(format!(
                "the training thread failed: {message}; the views keep the last good model and Train starts a new run"
            )));
        }
    }
}

/// Runs `job`, turning a panic into its message.
///
/// Whatever the job shared with the worker (the device picker, the channels) stays usable: the
/// channels are never left mid-message, and a device picker mid-way is at worst asked again.
fn run_guarded(job: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(AssertUnwindSafe(job)).map_err(|payload| crate::inference::panic_message(payload.as_ref()))
}

fn train(request: TrainRequest, devices: &mut DevicePicker, commands: &Receiver<Command>, events: &EventSender) {
    let dataset = match request.data.load() {
        Ok(dataset) => Arc::new(dataset),
        Err(error) => {
            events.send(Event::Failed(format!("cannot load the dataset: {error}")));
            return;
        }
    };
    let (device, device_info) = match devices.pick(request.device) {
        Ok(picked) => picked,
        Err(error) => {
            events.send(Event::Failed(error));
            return;
        }
    };
    let mut config = request.loss_choice.apply(request.config, dataset.train.channels, false);
    config.model.image_height = dataset.train.height;
    config.model.image_width = dataset.train.width;
    config.model.channels = dataset.train.channels;
    let started = match &request.resume {
        Some(snapshot) => match snapshot.burn() {
            Some(model) => Trainer::resume(model, &snapshot.info, config.epochs, Arc::clone(&dataset), &device),
            None => Err(crate::inference::InferenceError::NotOurs.to_string()),
        },
        None => Trainer::new(config, Arc::clone(&dataset), &device),
    };
    let mut trainer = match started {
        Ok(trainer) => trainer,
        Err(error) => {
            events.send(Event::Failed(error));
            return;
        }
    };
    // LPIPS is measured at every epoch end when its weights are there; without them the Runs
    // panel shows no LPIPS for this run.
    // A perceptual weight needs it: the run is refused with the line saying how to get it.
    let lpips = Lpips::check_shape(dataset.train.shape()).and_then(|()| Lpips::load(None, &Device::flex()));
    let lpips = match lpips {
        Ok(lpips) => Some(lpips),
        Err(error) if trainer.config().perceptual_weight > 0.0 => {
            events.send(Event::Failed(format!("the perceptual weight needs LPIPS: {error}")));
            return;
        }
        Err(_) => None,
    };
    if let Err(error) = trainer.set_lpips(lpips) {
        events.send(Event::Failed(error));
        return;
    }
    let batch_size = trainer.config().batch_size.min(dataset.train.len());
    events.send(Event::Started {
        device: device_info,
        dataset: dataset.name.clone(),
        train_images: dataset.train.len(),
        heldout_images: dataset.heldout.len(),
        steps_per_epoch: dataset.train.len().div_ceil(batch_size),
    });
    // The autosave folder is held for the whole run: another window or run saving there is refused.
    let (autosave_dir, _autosave_lock) = match request.autosave_dir.map(|dir| (lock_autosave(&dir), dir)) {
        Some((Ok(lock), dir)) => (Some(dir), Some(lock)),
        Some((Err(error), _)) => {
            events.send(Event::SaveFailed(format!("autosave is off for this run: {error}")));
            (None, None)
        }
        None => (None, None),
    };
    let mut observer = WorkerObserver {
        commands,
        events,
        stopped: false,
        autosave_dir,
        info: trainer.checkpoint_info(),
        last_snapshot: Instant::now(),
        last_autosave: None,
        unsaved: None,
    };
    let outcome = trainer.run(&mut observer);
    // The run's last good model, whether it finished, stopped or diverged.
    observer.autosave();
    match outcome {
        Ok(_) => events.send(Event::Finished { epochs_done: trainer.epochs_done(), stopped: observer.stopped }),
        Err(diverged) => {
            let saved = if observer.autosave_dir.is_some() { " (and the autosave) " } else { " " };
            events.send(Event::Failed(format!("{diverged}; the views{saved}keep the last good model")))
        }
    };
}

/// Creates the autosave folder when missing and locks it for a run.
fn lock_autosave(dir: &std::path::Path) -> Result<crate::folder_lock::FolderLock, String> {
    std::fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    crate::folder_lock::FolderLock::acquire(dir, "autosave of a window's run").map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests;
