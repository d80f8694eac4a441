//! The UI's record of the current training run, built only from worker events.

use crate::device::DeviceInfo;
use crate::training::{EpochReport, LossParts};
use crate::worker::Event;

/// Where the run stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Nothing started yet.
    Idle,
    /// Train was clicked; data and device are being prepared.
    Starting,
    /// Steps are running.
    Running,
    /// Held by the user.
    Paused,
    /// Ended by finishing its epochs.
    Finished,
    /// Ended by the user's stop.
    Stopped,
    /// Could not start or failed.
    Failed,
}

impl RunState {
    /// True while a run occupies the worker.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Starting | Self::Running | Self::Paused)
    }
}

/// One plotted training step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepPoint {
    /// Fractional epoch at the end of the step.
    pub epoch_position: f64,
    /// Batch loss terms.
    pub loss: LossParts,
}

/// Everything the window shows about the run.
#[derive(Clone, Debug)]
pub struct TrainingProgress {
    /// Where the run stands.
    pub state: RunState,
    /// Device of the run.
    pub device: Option<DeviceInfo>,
    /// Dataset of the run.
    pub dataset: String,
    /// Epochs asked for.
    pub total_epochs: usize,
    /// Steps per epoch.
    pub steps_per_epoch: usize,
    /// Images per step.
    pub batch_size: usize,
    /// Current epoch (1-based) and step in it.
    pub position: (usize, usize),
    /// Latest training throughput.
    pub images_per_sec: f64,
    /// Every step received (some may be missing if the UI fell behind).
    pub steps: Vec<StepPoint>,
    /// Every completed epoch.
    pub epochs: Vec<EpochReport>,
    /// The last error, shown until the next run starts.
    pub last_error: Option<String>,
}

impl Default for TrainingProgress {
    fn default() -> Self {
        Self {
            state: RunState::Idle,
            device: None,
            dataset: String::new(),
            total_epochs: 0,
            steps_per_epoch: 0,
            batch_size: 0,
            position: (0, 0),
            images_per_sec: 0.0,
            steps: Vec::new(),
            epochs: Vec::new(),
            last_error: None,
        }
    }
}

impl TrainingProgress {
    /// A fresh record for a run of `total_epochs` epochs of `batch_size` images, about to start.
    pub fn starting(total_epochs: usize, batch_size: usize) -> Self {
        Self { state: RunState::Starting, total_epochs, batch_size, ..Self::default() }
    }

    /// Shows the history of a loaded model (its epochs) when no run is under way. A model of
    /// the run just trained keeps the run's epochs and per-step curves: the one it ended with,
    /// and an earlier snapshot of it that the inference thread announces after the run ended
    /// (its history is a start of the run's).
    pub fn show_history(&mut self, history: &[EpochReport]) {
        let of_this_run = !history.is_empty() && !self.steps.is_empty() && self.epochs.starts_with(history);
        if self.state.is_active() || history == self.epochs.as_slice() || of_this_run {
            return;
        }
        self.epochs = history.to_vec();
        self.steps.clear();
    }

    /// Folds one worker event into the record.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Started { device, dataset, steps_per_epoch, .. } => {
                self.state = RunState::Running;
                self.device = Some(device);
                self.dataset = dataset;
                self.steps_per_epoch = steps_per_epoch;
            }
            Event::Step(report) => {
                self.position = (report.epoch, report.step);
                self.images_per_sec = report.images_per_sec;
                let epoch_position =
                    (report.epoch - 1) as f64 + report.step as f64 / report.steps_per_epoch.max(1) as f64;
                self.steps.push(StepPoint { epoch_position, loss: report.loss });
            }
            Event::Epoch(report) => {
                self.images_per_sec = report.images_per_sec;
                self.epochs.push(report);
            }
            Event::Paused => self.state = RunState::Paused,
            Event::Resumed => self.state = RunState::Running,
            Event::Finished { stopped, .. } => {
                self.state = if stopped { RunState::Stopped } else { RunState::Finished };
            }
            Event::SaveFailed(message) => self.last_error = Some(message),
            Event::Model(_) => {}
            Event::Failed(message) => {
                self.state = RunState::Failed;
                self.last_error = Some(message);
            }
        }
    }

    /// True while the GPU compiles its kernels: started on the GPU, no step done yet.
    pub fn is_compiling_kernels(&self) -> bool {
        self.state == RunState::Running
            && self.steps.is_empty()
            && self.device.as_ref().is_some_and(|device| device.is_gpu)
    }

    /// Share of the run done, 0 to 1.
    pub fn fraction_done(&self) -> f32 {
        let total_steps = self.total_epochs * self.steps_per_epoch;
        if total_steps == 0 {
            return 0.0;
        }
        let (epoch, step) = self.position;
        let done = epoch.saturating_sub(1) * self.steps_per_epoch + step;
        (done as f32 / total_steps as f32).clamp(0.0, 1.0)
    }

    /// Estimated seconds left, from the current throughput.
    pub fn eta_secs(&self) -> Option<f64> {
        if self.images_per_sec <= 0.0 || !self.state.is_active() {
            return None;
        }
        let total_steps = (self.total_epochs * self.steps_per_epoch) as f64;
        let remaining_steps = total_steps * (1.0 - f64::from(self.fraction_done()));
        Some(remaining_steps * self.batch_size as f64 / self.images_per_sec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::{EpochReport, LossParts, StepReport};

    fn epoch(epoch: usize) -> EpochReport {
        EpochReport {
            epoch,
            global_step: epoch,
            train: LossParts::default(),
            heldout: LossParts { reconstruction_nats: 100.0 - epoch as f64, kl_nats: 1.0 },
            images_per_sec: 1.0,
            train_secs: 1.0,
            quality: None,
            learned_scale: None,
        }
    }

    #[test]
    fn a_snapshot_of_the_run_announced_after_it_ended_keeps_its_curves() {
        let mut progress = TrainingProgress::starting(3, 8);
        for index in 1..=3 {
            let loss = LossParts { reconstruction_nats: 90.0, kl_nats: 2.0 };
            let step =
                StepReport { epoch: index, step: 1, steps_per_epoch: 1, global_step: index, loss, images_per_sec: 1.0 };
            progress.apply(Event::Step(step));
            progress.apply(Event::Epoch(epoch(index)));
        }
        progress.state = RunState::Finished;
        let run: Vec<EpochReport> = progress.epochs.clone();
        // The inference thread was busy: epoch 2's snapshot comes in after the end, then the last.
        progress.show_history(&run[..2]);
        progress.show_history(&run);
        assert_eq!(progress.epochs, run);
        assert_eq!(progress.steps.len(), 3, "the training curves stay");
        // Another model (not of this run) shows its own history alone.
        let other = vec![epoch(7)];
        progress.show_history(&other);
        assert_eq!(progress.epochs, other);
        assert!(progress.steps.is_empty());
    }
}
