//! The one place where the window's actions take effect: worker commands, inference requests,
//! file jobs and dialogs.

use std::path::{Path, PathBuf};

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::dataset_loading::{LoadStatus, source_for_folder};
use crate::app::background::file_jobs::FileJob;
use crate::app::background::view_export::{ExportJob, ExportView};
use crate::app::panels::preprocessing;
use crate::app::training_progress::{RunState, TrainingProgress};
use crate::app::vae_app::VaeApp;
use crate::data::{DataSource, PreprocessingChoice};
use crate::inference::{InferenceRequest, ModelSource};
use crate::worker::{Command, TrainRequest};

impl VaeApp {
    /// Applies an action as if it was clicked (also how dialogs' answers and dropped files arrive).
    pub fn apply(&mut self, action: AppAction) {
        let command = match action {
            AppAction::Train => {
                let training = &self.settings.training;
                self.progress = TrainingProgress::starting(training.epochs, training.batch_size);
                let data = self.settings.data.clone();
                self.show_dataset(&data);
                let mut config = self.settings.training.clone();
                config.model.conv_layout = self.settings.conv_layout;
                // The worker resolves `auto` by the loaded data's channels; the Runs panel's row
                // shows the same loss at once where the views already hold that data.
                let shown = self.explorer.state.dataset.as_ref().filter(|shown| shown.name == data.to_string());
                let listed = match shown {
                    Some(shown) => self.settings.loss_choice.apply(config.clone(), shown.train.channels, false),
                    None => config.clone(),
                };
                let autosave_dir = self.start_run(&listed, false);
                Command::Train(TrainRequest {
                    config,
                    loss_choice: self.settings.loss_choice,
                    data: self.settings.data.clone(),
                    device: self.settings.device,
                    resume: None,
                    autosave_dir,
                })
            }
            AppAction::ContinueTraining => {
                let Some(model) = self.explorer.state.model.clone() else { return };
                let total_epochs = model.info.epochs_done.saturating_add(self.settings.training.epochs);
                self.progress = TrainingProgress::starting(total_epochs, model.info.training.batch_size);
                self.progress.epochs = model.info.history.clone();
                let data = self.settings.data.clone();
                self.show_dataset(&data);
                let config = crate::training::TrainingConfig { epochs: total_epochs, ..model.info.training.clone() };
                let autosave_dir = self.start_run(&config, true);
                Command::Train(TrainRequest {
                    loss_choice: crate::training::LossChoice::Chosen(config.loss),
                    config,
                    data: self.settings.data.clone(),
                    device: self.settings.device,
                    resume: Some(model),
                    autosave_dir,
                })
            }
            AppAction::Pause => Command::Pause,
            AppAction::Resume => Command::Resume,
            AppAction::Stop => Command::Stop,
            AppAction::OpenLastSession => {
                if let Some((dir, _)) = self.kept.last_session.clone() {
                    self.request(InferenceRequest::LoadModel(ModelSource::Folder(dir)));
                }
                return;
            }
            AppAction::DeleteRun(dir) => {
                let runs_dir = self.kept.runs_dir.clone();
                return self.submit(FileJob::DeleteRun { dir, runs_dir });
            }
            AppAction::RenameRun { dir, name } => {
                let runs_dir = self.kept.runs_dir.clone();
                return self.submit(FileJob::RenameRun { dir, name, runs_dir });
            }
            AppAction::Ask(request) => return self.ask(request),
            AppAction::OpenFolder(folder) => return self.select_folder(folder),
            AppAction::OpenModel(folder) => {
                self.onnx_form = None;
                return self.request(InferenceRequest::LoadModel(ModelSource::Folder(folder)));
            }
            AppAction::OpenOnnxWith { dir, choices } => {
                self.progress.last_error = None;
                self.notice = Some(format!("opening {} with your answers…", crate::display_name::escaped_path(&dir)));
                self.answered_onnx = Some(dir.clone());
                return self.request(InferenceRequest::OpenOnnx { dir, choices });
            }
            AppAction::CancelOnnxOpen(dir) => {
                self.notice = Some(crate::app::panels::onnx_questions::cancelled_line(&dir));
                return;
            }
            AppAction::SaveModel(folder) => return self.request(InferenceRequest::SaveModel(folder)),
            AppAction::Export { view, path } => return self.start_export(view, path),
            AppAction::ImportImage { slot, path } => return self.start_import(slot, path),
            AppAction::PickPoint { slot, point } => return self.explorer.pick_point(slot, point),
            AppAction::SwapEnds => return self.explorer.swap_ends(),
            AppAction::ScanRuns(folder) => return self.scan_runs(folder),
            AppAction::SetPreprocessing(choice) => return self.set_preprocessing(choice),
            AppAction::UseDrawing(slot) => return self.explorer.use_drawing(slot),
            AppAction::MaximiseView(view) => return self.settings.layout.maximise(view),
            AppAction::RestoreLayout => return self.settings.layout.restore(),
            AppAction::HideControls(hidden) => {
                self.settings.controls_hidden = hidden;
                return;
            }
            AppAction::ResetLayout => {
                self.settings.layout = crate::app::layout::view_layout::ViewLayout::for_width(self.window_width_points);
                return;
            }
        };
        let sent = match &self.worker {
            Some(worker) => worker.send(command),
            None => Err("the training thread is not running; restart the app".to_string()),
        };
        if let Err(error) = sent {
            self.progress.last_error = Some(error);
            self.progress.state = RunState::Failed;
        }
    }

    /// Opens a folder of IDX files or images as the dataset (the file thread loads it; the status
    /// bar shows its progress and then what was loaded or what went wrong).
    pub fn open_folder(&mut self, folder: PathBuf) {
        self.apply(AppAction::OpenFolder(folder));
    }

    /// Loads a saved model folder into the latent views.
    pub fn open_model(&mut self, folder: PathBuf) {
        self.apply(AppAction::OpenModel(folder));
    }

    /// Saves the shown model into `folder` (on the inference thread; the status bar reports back).
    pub fn save_model(&mut self, folder: PathBuf) {
        self.apply(AppAction::SaveModel(folder));
    }

    /// Starts exporting a view to `path` on the file thread; the status bar reports back.
    pub fn export(&mut self, view: ExportView, path: &Path) {
        self.apply(AppAction::Export { view, path: path.to_path_buf() });
    }

    /// Starts importing an image file as morph end A (0) or B (1) on the file thread.
    pub fn open_image(&mut self, slot: usize, path: &Path) {
        self.apply(AppAction::ImportImage { slot, path: path.to_path_buf() });
    }

    fn ask(&mut self, request: DialogRequest) {
        let repaint = self.ctx.clone();
        if let Err(error) = self.dialogs.ask(request, move || repaint.request_repaint()) {
            self.progress.last_error = Some(error.to_string());
        }
    }

    fn select_folder(&mut self, folder: PathBuf) {
        self.progress.last_error = None;
        let source = source_for_folder(&folder).with_preprocessing(self.settings.image_preprocessing);
        self.opening = Some(source.clone());
        self.load_dataset(source);
    }

    /// Remembers `choice` for picture folders and reloads the selected picture folder with it, on
    /// the file thread.
    fn set_preprocessing(&mut self, choice: PreprocessingChoice) {
        let (choice, _) = preprocessing::sanitized(&choice);
        self.settings.image_preprocessing = choice;
        let DataSource::ImageFolder { preprocessing, .. } = &self.settings.data else { return };
        if *preprocessing == choice {
            return;
        }
        let source = self.settings.data.clone().with_preprocessing(choice);
        self.settings.add_source(source.clone());
        self.progress.last_error = None;
        self.opening = Some(source.clone());
        self.load_dataset(source);
    }

    /// Loads `source` on the file thread; once in, the views show it (and an opened folder is selected).
    pub(super) fn load_dataset(&mut self, source: DataSource) {
        self.dataset_loading = Some((source.clone(), LoadStatus::default()));
        self.submit(FileJob::LoadDataset { source });
    }

    fn start_export(&mut self, view: ExportView, path: PathBuf) {
        match ExportJob::prepare(view, &self.explorer.state, &self.settings.views) {
            Ok(job) => self.submit(FileJob::Export { job, path }),
            Err(error) => self.progress.last_error = Some(format!("export failed: {error}")),
        }
    }

    fn start_import(&mut self, slot: usize, path: PathBuf) {
        let Some(model) = self.explorer.state.model.as_ref() else {
            self.progress.last_error = Some("open or train a model before choosing images".to_string());
            return;
        };
        let model = Box::new(model.info.clone());
        self.submit(FileJob::Import { slot: slot.min(1), path, model });
    }

    /// Lists the runs under `folder` (or the last chosen one) and the autosave, on the file thread.
    fn scan_runs(&mut self, folder: Option<PathBuf>) {
        let folder = folder.or_else(|| self.runs.folder.clone());
        if let Some(chosen) = &folder {
            self.settings.runs_folder = Some(chosen.clone());
        }
        self.runs.begin_scan(folder.clone());
        let folders = self.kept.scan_folders(folder.as_deref());
        self.submit(FileJob::ScanRuns { folders, last_session: self.kept.legacy_dir.clone() });
    }

    /// A fresh folder for the run of `config` about to start (none when runs are not kept); the
    /// Runs panel lists the run under it once it is written.
    fn start_run(&mut self, config: &crate::training::TrainingConfig, continued: bool) -> Option<PathBuf> {
        let folder = self.kept.start_run(config, continued);
        let dataset = self.settings.data.to_string();
        self.runs.set_current(folder.clone(), crate::checkpoint::CheckpointInfo::untrained(config.clone(), &dataset));
        folder
    }

    fn submit(&mut self, job: FileJob) {
        let submitted = self.files.as_mut().is_some_and(|files| files.submit(job));
        if !submitted {
            self.progress.last_error = Some("the file thread is not running; restart the app".to_string());
        }
    }

    /// Has the latent views show `source`, unless they already do or it is being loaded.
    fn show_dataset(&mut self, source: &DataSource) {
        let shown = self.explorer.state.dataset.as_ref().is_some_and(|dataset| dataset.name == source.to_string());
        let loading = self.dataset_loading.as_ref().is_some_and(|(loading, _)| loading == source);
        if !shown && !loading {
            self.load_dataset(source.clone());
        }
    }
}
