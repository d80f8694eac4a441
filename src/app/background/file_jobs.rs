//! The file thread: renders, encodes and writes exports, decodes imported images and loads
//! datasets, so the UI thread never waits on a disk or a codec. It answers with events the app
//! polls each frame.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::app::background::dataset_loading::{LoadStatus, LoadedDataset, load_dataset};
use crate::app::background::view_export::{ExportJob, ViewExportError};
use crate::app::panels::runs::kept_runs::{DeleteRunError, delete_run, scan_folders};
use crate::app::panels::runs::run_rename::{RenameRunError, rename_run};
use crate::checkpoint::CheckpointInfo;
use crate::checkpoint::runs_scan::RunsScan;
use crate::data::{DataSource, PreprocessingChoice};
use crate::image_import::{MorphImportError, import_morph_end};

/// Name of the file thread.
pub const FILE_THREAD_NAME: &str = "vae-file-io";

/// Work for the file thread.
#[derive(Debug)]
pub enum FileJob {
    /// Render and write an export.
    Export {
        /// What to write.
        job: ExportJob,
        /// Where.
        path: PathBuf,
    },
    /// Decode an image file and convert it to the model's input.
    Import {
        /// Morph end A (0) or B (1).
        slot: usize,
        /// The image file.
        path: PathBuf,
        /// The model the image is for (its shape and preprocessing).
        model: Box<CheckpointInfo>,
    },
    /// Load a dataset, reporting progress.
    LoadDataset {
        /// What to load.
        source: DataSource,
    },
    /// List the runs for the Runs panel.
    ScanRuns {
        /// The folders to list: the app's runs folder and the one chosen in the panel.
        folders: Vec<PathBuf>,
        /// The single autosave folder of older versions, if any.
        last_session: Option<PathBuf>,
    },
    /// Delete one of the window's kept runs (the panel asked first).
    DeleteRun {
        /// The run's folder.
        dir: PathBuf,
        /// The app's runs folder: only its runs are deleted.
        runs_dir: Option<PathBuf>,
    },
    /// Rename one of the window's kept runs.
    RenameRun {
        /// The run's folder.
        dir: PathBuf,
        /// The new folder name.
        name: String,
        /// The app's runs folder: only its runs are renamed.
        runs_dir: Option<PathBuf>,
    },
}

/// What the file thread reports.
#[derive(Debug)]
pub enum FileEvent {
    /// The export was written.
    Exported {
        /// The file written.
        path: PathBuf,
    },
    /// The export failed; nothing was left at its path.
    ExportFailed(ViewExportError),
    /// An image was imported.
    Imported {
        /// Morph end A (0) or B (1).
        slot: usize,
        /// The file's name, for people.
        name: String,
        /// The image as the model sees it: planar [channels × height × width] in [0, 1].
        pixels: Vec<f32>,
    },
    /// The image could not be imported.
    ImportFailed(MorphImportError),
    /// The runs found for the Runs panel.
    RunsScanned(RunsScan),
    /// A kept run was deleted (its folder), or why not.
    RunDeleted(Result<PathBuf, DeleteRunError>),
    /// A kept run was renamed (its new folder), or why not.
    RunRenamed {
        /// The run's folder before.
        from: PathBuf,
        /// Its folder now.
        result: Result<PathBuf, RenameRunError>,
    },
    /// A dataset load has come this far (not an answer: more events follow).
    LoadProgress {
        /// What is being loaded.
        source: DataSource,
        /// How far it has come.
        status: LoadStatus,
    },
    /// A dataset was loaded.
    DatasetLoaded(Box<LoadedDataset>),
    /// A dataset could not be loaded: one line saying what was wrong and what to do.
    LoadFailed(String),
    /// A job panicked; the thread caught it and goes on.
    Panicked(JobPanicked),
}

impl FileEvent {
    /// True for an answer to a job; false for progress along the way.
    fn answers_a_job(&self) -> bool {
        !matches!(self, Self::LoadProgress { .. })
    }
}

/// A file job that panicked.
#[derive(Debug, thiserror::Error)]
#[error("the {job} failed unexpectedly ({message}); the file thread goes on, try again")]
pub struct JobPanicked {
    /// Which kind of job.
    pub job: &'static str,
    /// The panic's message.
    pub message: String,
}

/// A job, or (in tests) a wait that holds the thread until released.
enum Work {
    Job(FileJob),
    #[cfg(test)]
    Hold(Receiver<()>),
}

/// The file thread and its channels. Dropping it lets the current job finish and joins it.
pub struct FileJobs {
    jobs: Option<Sender<Work>>,
    events: Receiver<FileEvent>,
    thread: Option<JoinHandle<()>>,
    /// Jobs submitted and not answered yet.
    in_flight: usize,
}

impl FileJobs {
    /// Starts the thread; `wake` is called after each event.
    pub fn spawn(wake: impl Fn() + Send + Sync + 'static) -> std::io::Result<Self> {
        let (job_sender, job_receiver) = channel::<Work>();
        let (event_sender, event_receiver) = channel();
        let thread = std::thread::Builder::new().name(FILE_THREAD_NAME.to_string()).spawn(move || {
            for work in job_receiver {
                let report = |event: FileEvent| {
                    let _gone = event_sender.send(event);
                    wake();
                };
                let event = match work {
                    Work::Job(job) => run_guarded(job, &report),
                    #[cfg(test)]
                    Work::Hold(release) => {
                        let _released = release.recv();
                        continue;
                    }
                };
                if event_sender.send(event).is_err() {
                    return;
                }
                wake();
            }
        })?;
        Ok(Self { jobs: Some(job_sender), events: event_receiver, thread: Some(thread), in_flight: 0 })
    }

    /// Queues a job; returns at once. False when the thread is gone.
    pub fn submit(&mut self, job: FileJob) -> bool {
        let sent = self.jobs.as_ref().is_some_and(|jobs| jobs.send(Work::Job(job)).is_ok());
        self.in_flight += usize::from(sent);
        sent
    }

    /// Every event since the last call, oldest first, without waiting.
    pub fn drain(&mut self) -> Vec<FileEvent> {
        let events: Vec<FileEvent> = self.events.try_iter().collect();
        let answers = events.iter().filter(|event| event.answers_a_job()).count();
        self.in_flight = self.in_flight.saturating_sub(answers);
        events
    }

    /// Jobs submitted and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

impl Drop for FileJobs {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ignored = thread.join();
        }
    }
}

/// Runs one job; a panic becomes an event instead of ending the thread. `report` sends progress.
fn run_guarded(job: FileJob, report: &(dyn Fn(FileEvent) + Sync)) -> FileEvent {
    let what = match &job {
        FileJob::Export { .. } => "export",
        FileJob::Import { .. } => "image import",
        FileJob::ScanRuns { .. } => "listing of runs",
        FileJob::DeleteRun { .. } => "run deletion",
        FileJob::RenameRun { .. } => "run renaming",
        FileJob::LoadDataset { .. } => "dataset load",
    };
    std::panic::catch_unwind(AssertUnwindSafe(|| run(job, report))).unwrap_or_else(|payload| {
        let message = crate::inference::panic_message(payload.as_ref());
        FileEvent::Panicked(JobPanicked { job: what, message })
    })
}

fn run(job: FileJob, report: &(dyn Fn(FileEvent) + Sync)) -> FileEvent {
    match job {
        FileJob::Export { job, path } => match job.write(&path) {
            Ok(()) => FileEvent::Exported { path },
            Err(error) => FileEvent::ExportFailed(error),
        },
        FileJob::Import { slot, path, model } => {
            match import_morph_end(&path, &model, PreprocessingChoice::default()) {
                Ok(pixels) => {
                    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
                    FileEvent::Imported { slot, name, pixels }
                }
                Err(error) => FileEvent::ImportFailed(error),
            }
        }
        FileJob::ScanRuns { folders, last_session } => {
            FileEvent::RunsScanned(scan_folders(&folders, last_session.as_deref()))
        }
        FileJob::DeleteRun { dir, runs_dir } => FileEvent::RunDeleted(delete_run(&dir, runs_dir.as_deref())),
        FileJob::RenameRun { dir, name, runs_dir } => {
            let result = rename_run(&dir, &name, runs_dir.as_deref());
            FileEvent::RunRenamed { from: dir, result }
        }
        FileJob::LoadDataset { source } => load_reporting(source, report),
    }
}

/// Loads a dataset, sending progress at most once per whole percent of the files read.
fn load_reporting(source: DataSource, report: &(dyn Fn(FileEvent) + Sync)) -> FileEvent {
    // The loader may call back from many threads; reports go out one at a time, under the lock.
    let last_percent = Mutex::new(None::<usize>);
    let progress = |status: LoadStatus| {
        let percent = status.files_done.saturating_mul(100).checked_div(status.files_total).unwrap_or(0);
        let Ok(mut last) = last_percent.lock() else { return };
        if *last != Some(percent) {
            *last = Some(percent);
            report(FileEvent::LoadProgress { source: source.clone(), status });
        }
    };
    match load_dataset(&source, &progress) {
        Ok(loaded) => FileEvent::DatasetLoaded(Box::new(loaded)),
        Err(error) => FileEvent::LoadFailed(format!("cannot load the dataset: {error}")),
    }
}

#[cfg(test)]
mod tests;
