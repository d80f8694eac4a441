//! The eframe application: panels emit actions, actions become worker commands and inference
//! requests, and the events and results coming back update the state once per frame.

use std::path::PathBuf;

use super::controls_panel::{self, PanelAction, PanelContext};
use super::explorer::{Explorer, ExplorerAction, ExplorerTab};
use super::explorer_state::MorphEnd;
use super::settings::Settings;
use super::training_progress::{RunState, TrainingProgress};
use super::view_export::{ExportView, export_view};
use super::{loss_plot, status_bar};
use crate::checkpoint::{self, CheckpointInfo};
use crate::data::DataSource;
use crate::inference::{InferenceRequest, InferenceResult, InferenceService, ModelSource};
use crate::worker::{Command, Event, TrainRequest, Worker};

const SETTINGS_KEY: &str = "vae-explorer-settings";

/// The window's state.
pub struct VaeApp {
    settings: Settings,
    progress: TrainingProgress,
    explorer: Explorer,
    worker: Option<Worker>,
    inference: Option<InferenceService>,
    /// Where every epoch's checkpoint is saved; `None` disables autosave.
    autosave_dir: Option<PathBuf>,
    /// The last session's autosaved model, offered in the panel.
    last_session: Option<CheckpointInfo>,
    /// The last thing that went right, shown in the status bar.
    notice: Option<String>,
}

/// The platform's data folder for vae-explorer's autosaved model.
pub fn default_autosave_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "vae-explorer").map(|dirs| dirs.data_dir().join("last-session"))
}

impl VaeApp {
    /// Restores the settings and starts the worker and inference threads.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let settings =
            cc.storage.and_then(|storage| eframe::get_value::<Settings>(storage, SETTINGS_KEY)).unwrap_or_default();
        Self::with_settings(&cc.egui_ctx, settings, default_autosave_dir())
    }

    /// An app with the given settings, autosaving into `autosave_dir` (tests pass a temporary one).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, autosave_dir: Option<PathBuf>) -> Self {
        let mut progress = TrainingProgress::default();
        let repaint = ctx.clone();
        let worker = Worker::spawn(move || repaint.request_repaint())
            .map_err(|error| progress.last_error = Some(format!("cannot start the training thread: {error}")))
            .ok();
        let repaint = ctx.clone();
        let inference = InferenceService::spawn(move || repaint.request_repaint())
            .map_err(|error| progress.last_error = Some(format!("cannot start the inference thread: {error}")))
            .ok();
        let last_session = autosave_dir.as_deref().and_then(|dir| checkpoint::read_info(dir).ok());
        let app = Self {
            settings,
            progress,
            explorer: Explorer::default(),
            worker,
            inference,
            autosave_dir,
            last_session,
            notice: None,
        };
        app.request(InferenceRequest::LoadDataset(app.settings.data.clone()));
        app.request(InferenceRequest::LoadModel(ModelSource::Bundled));
        app
    }

    /// The current settings.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// The record of the current run.
    pub fn progress(&self) -> &TrainingProgress {
        &self.progress
    }

    /// The latent views' state.
    pub fn explorer(&self) -> &Explorer {
        &self.explorer
    }

    /// The latent views, for tests that drive them directly.
    pub fn explorer_mut(&mut self) -> &mut Explorer {
        &mut self.explorer
    }

    /// Applies an action as if it was clicked (also how dialogs' results arrive).
    pub fn apply(&mut self, action: PanelAction) {
        let command = match action {
            PanelAction::Train => {
                let training = &self.settings.training;
                self.progress = TrainingProgress::starting(training.epochs, training.batch_size);
                self.show_dataset(&self.settings.data);
                Command::Train(TrainRequest {
                    config: training.clone(),
                    data: self.settings.data.clone(),
                    device: self.settings.device,
                    resume: None,
                    autosave_dir: self.autosave_dir.clone(),
                })
            }
            PanelAction::ContinueTraining => {
                let Some(model) = self.explorer.state.model.clone() else { return };
                let total_epochs = model.info.epochs_done + self.settings.training.epochs;
                self.progress = TrainingProgress::starting(total_epochs, model.info.training.batch_size);
                self.progress.epochs = model.info.history.clone();
                self.show_dataset(&self.settings.data);
                Command::Train(TrainRequest {
                    config: crate::training::TrainingConfig { epochs: total_epochs, ..model.info.training.clone() },
                    data: self.settings.data.clone(),
                    device: self.settings.device,
                    resume: Some(model),
                    autosave_dir: self.autosave_dir.clone(),
                })
            }
            PanelAction::OpenLastSession => {
                if let Some(dir) = self.autosave_dir.clone() {
                    self.open_model(dir);
                }
                return;
            }
            PanelAction::SaveModelDialog => {
                if let Some(folder) = rfd::FileDialog::new().set_title("Save the model into a folder").pick_folder() {
                    self.save_model(folder);
                }
                return;
            }
            PanelAction::Pause => Command::Pause,
            PanelAction::Resume => Command::Resume,
            PanelAction::Stop => Command::Stop,
            PanelAction::OpenFolderDialog => {
                if let Some(folder) = rfd::FileDialog::new().set_title("Open an IDX dataset folder").pick_folder() {
                    self.open_folder(folder);
                }
                return;
            }
            PanelAction::OpenModelDialog => {
                if let Some(folder) = rfd::FileDialog::new().set_title("Open a saved model folder").pick_folder() {
                    self.open_model(folder);
                }
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

    /// Selects an IDX folder as the dataset. The inference thread loads it in the background and
    /// reports any problem with its files in the status bar.
    pub fn open_folder(&mut self, folder: PathBuf) {
        if crate::data::idx::find_file(&folder, "train-images-idx3-ubyte").is_none() {
            let error = crate::data::DataError::MissingFiles { dir: folder };
            self.progress.last_error = Some(error.to_string());
            return;
        }
        self.progress.last_error = None;
        self.settings.add_folder(folder.clone());
        self.request(InferenceRequest::LoadDataset(DataSource::Folder(folder)));
    }

    /// Loads a saved model folder into the latent views.
    pub fn open_model(&mut self, folder: PathBuf) {
        self.request(InferenceRequest::LoadModel(ModelSource::Folder(folder)));
    }

    fn apply_explorer_action(&mut self, action: ExplorerAction) {
        match action {
            ExplorerAction::Export(view) => {
                let file_name = format!("{}.{}", view.name(), view.extension());
                let dialog = rfd::FileDialog::new()
                    .set_title("Export")
                    .set_file_name(file_name)
                    .add_filter(view.extension().to_uppercase(), &[view.extension()]);
                if let Some(path) = dialog.save_file() {
                    self.export(view, &path);
                }
            }
            ExplorerAction::OpenImage(slot) => {
                let dialog = rfd::FileDialog::new()
                    .set_title("Open an image")
                    .add_filter("Images", &["png", "jpg", "jpeg", "bmp", "gif", "webp"]);
                if let Some(path) = dialog.pick_file() {
                    self.open_image(slot, &path);
                }
            }
        }
    }

    /// Exports a view to `path`; the status bar says how it went.
    pub fn export(&mut self, view: ExportView, path: &std::path::Path) {
        match export_view(view, &self.explorer.state, &self.settings.views, path) {
            Ok(()) => {
                self.notice = Some(format!("exported {}", path.display()));
                self.progress.last_error = None;
            }
            Err(error) => self.progress.last_error = Some(format!("export failed: {error}")),
        }
    }

    /// Image files dropped on the window become morph end A, or B when A is set.
    fn open_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> =
            ctx.input(|input| input.raw.dropped_files.iter().map(|file| file.path().to_path_buf()).collect());
        for path in dropped {
            let slot = usize::from(self.explorer.state.ends[0].is_some());
            self.open_image(slot, &path);
        }
    }

    /// Opens an image file as morph end A (0) or B (1), converted the way MNIST was made.
    pub fn open_image(&mut self, slot: usize, path: &std::path::Path) {
        let Some((height, width)) = self.explorer.state.image_shape() else {
            self.progress.last_error = Some("open or train a model before choosing images".to_string());
            return;
        };
        match crate::digit_import::import_image(path, height, width) {
            Ok(imported) => {
                let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
                let pixels = imported.pixels.iter().map(|&byte| f32::from(byte) / 255.0).collect();
                self.explorer.set_end(slot, MorphEnd { name, pixels, mean: None, point: None });
                self.explorer.set_tab(ExplorerTab::Morph);
                self.progress.last_error = None;
            }
            Err(error) => self.progress.last_error = Some(format!("{error}")),
        }
    }

    /// Saves the shown model into `folder` (on the inference thread; the status bar reports back).
    pub fn save_model(&mut self, folder: PathBuf) {
        self.request(InferenceRequest::SaveModel(folder));
    }

    /// Has the latent views show `source`, unless they already do (a reload re-encodes the scatter).
    fn show_dataset(&self, source: &DataSource) {
        let shown = self.explorer.state.dataset.as_ref().is_some_and(|dataset| dataset.name == source.to_string());
        if !shown {
            self.request(InferenceRequest::LoadDataset(source.clone()));
        }
    }

    fn request(&self, request: InferenceRequest) {
        if let Some(inference) = &self.inference {
            inference.request(request);
        }
    }

    fn poll_threads(&mut self) {
        let events = self.worker.as_ref().map(Worker::drain_events).unwrap_or_default();
        for event in events {
            match event {
                Event::Model(snapshot) => self.request(InferenceRequest::SetModel(snapshot)),
                Event::SaveFailed(message) => self.progress.last_error = Some(message),
                other => self.progress.apply(other),
            }
        }
        let results = self.inference.as_ref().map(InferenceService::drain_results).unwrap_or_default();
        for result in results {
            match &result {
                InferenceResult::LoadFailed(message) => self.progress.last_error = Some(message.clone()),
                InferenceResult::Saved(dir) => self.notice = Some(format!("saved the model into {}", dir.display())),
                InferenceResult::ModelReady(model) => self.progress.show_history(&model.info.history),
                _ => {}
            }
            self.explorer.apply(result);
        }
        self.explorer.request_missing(&self.settings.views);
    }
}

impl VaeApp {
    /// Draws one frame: applies what the threads reported, the panels, and what the user did.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.poll_threads();
        self.open_dropped_files(ui.ctx());
        let mut actions = Vec::new();
        let model = self.explorer.state.model.as_deref();
        let notice = self.notice.as_deref();
        egui::Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, &self.progress, model, notice));
        let context = PanelContext {
            has_model: model.is_some(),
            last_session: self.last_session.as_ref().map(|info| {
                let config = &info.training.model;
                format!("{}, latent {}, {} epochs", config.architecture.name(), config.latent_dim, info.epochs_done)
            }),
        };
        egui::Panel::left("controls").resizable(true).default_size(270.0).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                actions = controls_panel::show(ui, &mut self.settings, &self.progress, &context);
            });
        });
        egui::Panel::right("latent_point").resizable(true).default_size(250.0).show(ui, |ui| {
            ui.heading("Latent point");
            self.explorer.show_sliders(ui);
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let loss_height = (ui.available_height() * 0.32).max(140.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), loss_height), |ui| {
                ui.horizontal(|ui| {
                    ui.heading("Loss");
                    ui.checkbox(&mut self.settings.log_scale, "log scale");
                });
                loss_plot::show(ui, &self.progress, self.settings.log_scale);
            });
            ui.separator();
            self.explorer.show_views(ui, &mut self.settings.views);
        });
        for action in actions {
            self.apply(action);
        }
        for action in self.explorer.take_actions() {
            self.apply_explorer_action(action);
        }
        for request in self.explorer.take_requests() {
            self.request(request);
        }
    }
}

impl eframe::App for VaeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
