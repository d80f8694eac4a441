//! The eframe application: panels and views return actions, the app applies them once per frame
//! (see `app_actions.rs`), and the events and results coming back from the threads update the
//! state at the start of each frame.

use std::path::PathBuf;

use crate::app::actions::AppAction;
use crate::app::background::dataset_loading::{LoadStatus, LoadedDataset, loaded_summary};
use crate::app::background::dialogs::{DialogOutcome, Dialogs};
use crate::app::background::file_jobs::{FileEvent, FileJobs};
use crate::app::explorer::requests::RequestLedger;
use crate::app::explorer::state::MorphEnd;
use crate::app::explorer::views::{Explorer, ExplorerTab};
use crate::app::panels::controls::{self, PanelContext};
use crate::app::panels::loss_plot;
use crate::app::panels::runs::kept_runs::KeptRuns;
use crate::app::panels::runs::run_folders::{default_runs_dir, legacy_autosave_dir};
use crate::app::panels::runs::runs_panel::RunsPanel;
use crate::app::settings::check;
use crate::app::settings::stored::Settings;
use crate::app::status_bar;
use crate::app::training_progress::TrainingProgress;
use crate::checkpoint;
use crate::data::DataSource;
use crate::inference::{InferenceRequest, InferenceResult, InferenceService, ModelSource};
use crate::worker::{Event, Worker};

/// Longest wait between a training event and the frame that shows it (20 frames per second).
const TRAINING_REPAINT_INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

/// Key of the app's settings in eframe's storage.
pub(super) const SETTINGS_KEY: &str = "vae-explorer-settings";

/// The window's state.
pub struct VaeApp {
    pub(super) settings: Settings,
    pub(super) progress: TrainingProgress,
    pub(super) explorer: Explorer,
    pub(super) worker: Option<Worker>,
    pub(super) inference: Option<InferenceService>,
    pub(super) files: Option<FileJobs>,
    pub(super) dialogs: Dialogs,
    /// What was last asked of the inference thread for the views.
    pub(super) ledger: RequestLedger,
    /// The runs kept in the app's runs folder (each run autosaves into its own folder there).
    pub(super) kept: KeptRuns,
    /// The last thing that went right (or a note on the stored settings), shown in the status bar.
    pub(super) notice: Option<String>,
    /// Wakes the window from other threads.
    pub(super) ctx: egui::Context,
    /// The Runs panel: listed runs, ticks and the plotted metric.
    pub(super) runs: RunsPanel,
    /// The runs the loss plot overlaid in the last frame.
    pub(super) plotted_runs: Vec<String>,
    /// The dataset being loaded on the file thread and how far it has come.
    pub(super) dataset_loading: Option<(DataSource, LoadStatus)>,
    /// The folder the user asked to open, until it is in (then it is selected and announced).
    pub(super) opening: Option<DataSource>,
    /// True once the window was fitted to its monitor (or found fitting).
    pub(super) fitted_to_screen: bool,
}

impl VaeApp {
    /// Restores the settings (checked, see `settings_check.rs`) and starts the threads;
    /// `startup_notes` are shown in the status bar (e.g. why settings are not persisted), and
    /// `opening` (folders named on the command line) is applied at once.
    pub fn new(cc: &eframe::CreationContext<'_>, mut startup_notes: Vec<String>, opening: &[AppAction]) -> Self {
        let zoom = cc.egui_ctx.zoom_factor();
        if !check::zoom_is_sane(zoom) {
            cc.egui_ctx.options_mut(|options| options.zoom_factor = 1.0);
            cc.egui_ctx.set_zoom_factor(1.0);
            startup_notes.push(format!("the stored zoom factor {zoom} was reset to 1"));
        }
        let settings = match cc.storage {
            Some(storage) if storage.get_string(SETTINGS_KEY).is_some() => {
                eframe::get_value::<Settings>(storage, SETTINGS_KEY).unwrap_or_else(|| {
                    startup_notes.push("the stored settings could not be read; using the defaults".to_string());
                    Settings::default()
                })
            }
            _ => Settings::default(),
        };
        let mut app = Self::with_settings(&cc.egui_ctx, settings, default_runs_dir());
        app.kept.legacy_dir = legacy_autosave_dir();
        startup_notes.extend(app.notice.take());
        app.notice = (!startup_notes.is_empty()).then(|| startup_notes.join("; "));
        for action in opening {
            app.apply(action.clone());
        }
        app
    }

    /// An app with the given settings (checked and reset where out of range, with a note in the
    /// status bar), keeping each run it trains in its own folder under `runs_dir` (tests pass a
    /// temporary one; `None` keeps none).
    pub fn with_settings(ctx: &egui::Context, mut settings: Settings, runs_dir: Option<PathBuf>) -> Self {
        let notice = check::summary(&check::sanitize(&mut settings));
        let mut progress = TrainingProgress::default();
        let mut errors = Vec::new();
        let repaint = ctx.clone();
        // Training reports a step every few milliseconds: the window redraws for them at a bounded
        // rate (egui keeps the earliest pending repaint, so later calls don't postpone it).
        let worker = Worker::spawn(move || repaint.request_repaint_after(TRAINING_REPAINT_INTERVAL))
            .map_err(|error| errors.push(format!("cannot start the training thread: {error}")))
            .ok();
        let repaint = ctx.clone();
        let inference = InferenceService::spawn(move || repaint.request_repaint())
            .map_err(|error| errors.push(format!("cannot start the inference thread: {error}")))
            .ok();
        let repaint = ctx.clone();
        let files = FileJobs::spawn(move || repaint.request_repaint())
            .map_err(|error| errors.push(format!("cannot start the file thread: {error}")))
            .ok();
        progress.last_error = (!errors.is_empty()).then(|| errors.join("; "));
        let settings_runs_folder = settings.runs_folder.clone();
        let mut app = Self {
            settings,
            progress,
            explorer: Explorer::default(),
            worker,
            inference,
            files,
            dialogs: Dialogs::from_env(),
            ledger: RequestLedger::default(),
            kept: KeptRuns::new(runs_dir, None),
            notice,
            ctx: ctx.clone(),
            runs: RunsPanel::with_folder(settings_runs_folder),
            plotted_runs: Vec::new(),
            dataset_loading: None,
            opening: None,
            fitted_to_screen: false,
        };
        app.load_dataset(app.settings.data.clone());
        app.request(InferenceRequest::LoadModel(ModelSource::Bundled));
        app
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The current settings, to change.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// The record of the current run.
    pub fn progress(&self) -> &TrainingProgress {
        &self.progress
    }

    /// The status bar's notice (the last thing that went right, or notes on stored settings).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// File jobs (exports, image imports) submitted and not answered yet.
    pub fn file_jobs_in_flight(&self) -> usize {
        self.files.as_ref().map_or(0, FileJobs::in_flight)
    }

    /// The Runs panel's state.
    pub fn runs(&self) -> &RunsPanel {
        &self.runs
    }

    /// The runs the loss plot overlaid in the last frame, by name.
    pub fn plotted_runs(&self) -> &[String] {
        &self.plotted_runs
    }

    /// The Runs panel's state, for tests that tick runs directly.
    pub fn runs_mut(&mut self) -> &mut RunsPanel {
        &mut self.runs
    }

    /// The latent views' state.
    pub fn explorer(&self) -> &Explorer {
        &self.explorer
    }

    /// The latent views, for tests that drive them directly.
    pub fn explorer_mut(&mut self) -> &mut Explorer {
        &mut self.explorer
    }

    pub(super) fn request(&self, request: InferenceRequest) {
        if let Some(inference) = &self.inference {
            inference.request(request);
        }
    }

    /// Folds in what the threads reported; dialog answers become actions to apply.
    fn poll_threads(&mut self, actions: &mut Vec<AppAction>) {
        let events = self.worker.as_ref().map(Worker::drain_events).unwrap_or_default();
        for event in events {
            match event {
                Event::Model(snapshot) => self.request(InferenceRequest::SetModel(snapshot)),
                other => self.progress.apply(other),
            }
        }
        let results = self.inference.as_ref().map(InferenceService::drain_results).unwrap_or_default();
        for result in results {
            match &result {
                InferenceResult::Failed(error) => self.progress.last_error = Some(error.to_string()),
                InferenceResult::Saved(dir) => self.notice = Some(format!("saved the model into {}", dir.display())),
                InferenceResult::ModelReady(model) => self.progress.show_history(&model.info.history),
                _ => {}
            }
            self.explorer.apply(result);
        }
        let file_events = self.files.as_mut().map(FileJobs::drain).unwrap_or_default();
        for event in file_events {
            self.apply_file_event(event);
        }
        match self.dialogs.poll(&self.ctx) {
            Some(DialogOutcome::Chosen(action)) => actions.push(action),
            Some(DialogOutcome::Failed(error)) => self.progress.last_error = Some(error.to_string()),
            Some(DialogOutcome::Cancelled) | None => {}
        }
    }

    fn apply_file_event(&mut self, event: FileEvent) {
        match event {
            FileEvent::Exported { path } => {
                self.notice = Some(format!("exported {}", path.display()));
                self.progress.last_error = None;
            }
            FileEvent::ExportFailed(error) => self.progress.last_error = Some(format!("export failed: {error}")),
            FileEvent::Imported { slot, name, pixels } => {
                self.explorer.set_end(slot, MorphEnd { name, pixels, mean: None, point: None });
                self.explorer.set_tab(ExplorerTab::Morph);
                self.progress.last_error = None;
            }
            FileEvent::ImportFailed(error) => self.progress.last_error = Some(error.to_string()),
            FileEvent::LoadProgress { source, status } => {
                if let Some((loading, shown)) = &mut self.dataset_loading
                    && *loading == source
                {
                    *shown = status;
                }
            }
            FileEvent::DatasetLoaded(loaded) => {
                // Announced when the user opened it, or when files were skipped (a stored folder).
                let asked = self.opening.as_ref() == Some(&loaded.source);
                if asked || loaded.skipped_files > 0 {
                    self.notice = Some(loaded_summary(&loaded));
                }
                let LoadedDataset { source, dataset, .. } = *loaded;
                self.finish_loading(&source);
                if asked {
                    self.opening = None;
                    self.settings.add_source(source);
                }
                self.request(InferenceRequest::SetDataset(std::sync::Arc::new(dataset)));
            }
            FileEvent::LoadFailed(message) => {
                self.dataset_loading = None;
                self.opening = None;
                self.progress.last_error = Some(message);
            }
            FileEvent::Panicked(error) => self.progress.last_error = Some(error.to_string()),
            FileEvent::RunsScanned(scan) => {
                self.kept.note_scan(&scan);
                self.runs.finish_scan(scan);
            }
            FileEvent::RunDeleted(Ok(dir)) => {
                self.notice = Some(format!("deleted the run {}", dir.display()));
                self.apply(AppAction::ScanRuns(None));
            }
            FileEvent::RunDeleted(Err(error)) => self.progress.last_error = Some(error.to_string()),
        }
    }

    /// Forgets the load of `source` (a newer load of another source stays shown).
    fn finish_loading(&mut self, source: &DataSource) {
        if self.dataset_loading.as_ref().is_some_and(|(loading, _)| loading == source) {
            self.dataset_loading = None;
        }
    }

    /// What dropping `paths` on the window asks for: a saved model's folder opens the model, any
    /// other folder opens as the dataset, and image files become morph end A, or B when A is set
    /// (a second file dropped with the first becomes B).
    pub fn dropped_paths(paths: Vec<PathBuf>, a_is_set: bool) -> Vec<AppAction> {
        let mut images = 0;
        paths
            .into_iter()
            .map(|path| {
                if path.join(checkpoint::DESCRIPTION_FILE).is_file() {
                    AppAction::OpenModel(path)
                } else if path.is_dir() {
                    AppAction::OpenFolder(path)
                } else {
                    images += 1;
                    AppAction::ImportImage { slot: (usize::from(a_is_set) + images - 1).min(1), path }
                }
            })
            .collect()
    }

    /// The dialogs, to choose the in-window browser or where it starts.
    pub fn dialogs_mut(&mut self) -> &mut Dialogs {
        &mut self.dialogs
    }

    /// Draws one frame: folds in what the threads reported, draws the panels, applies every
    /// action in one place, then asks the inference thread for what the views now need.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        self.fit_to_screen(ui.ctx());
        let mut actions = Vec::new();
        self.poll_threads(&mut actions);
        let dropped: Vec<PathBuf> =
            ui.input(|input| input.raw.dropped_files.iter().map(|file| file.path().to_path_buf()).collect());
        actions.extend(Self::dropped_paths(dropped, self.explorer.state.ends[0].is_some()));
        let model = self.explorer.state.model.as_deref();
        // What is under way comes first; the last notice stays readable beside it.
        let notice = match (self.activity(), self.notice.as_deref()) {
            (Some(activity), Some(notice)) => Some(format!("{activity} · {notice}")),
            (activity, notice) => activity.or(notice.map(str::to_string)),
        };
        let guidance = self.explorer.state.data_mismatch();
        egui::Panel::bottom("status_bar")
            .show(ui, |ui| status_bar::ui(ui, &self.progress, model, notice.as_deref(), guidance.as_deref()));
        let context = PanelContext { has_model: model.is_some(), last_session: self.kept.last_session_summary() };
        egui::Panel::left("controls").resizable(true).default_size(270.0).show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                actions.extend(controls::ui(ui, &mut self.settings, &self.progress, &context));
            });
        });
        egui::Panel::right("latent_point").resizable(true).default_size(250.0).show(ui, |ui| {
            actions.extend(self.explorer.exploration_ui(ui, &mut self.settings.views));
            // Scrolls rather than overflowing into the direction and nearest-images panel below.
            egui::ScrollArea::vertical().id_salt("latent_point").show(ui, |ui| {
                ui.heading("Latent point");
                actions.extend(self.explorer.sliders_ui(ui, &mut self.settings.views));
            });
        });
        egui::Panel::bottom("runs").resizable(true).default_size(200.0).show(ui, |ui| {
            actions.extend(self.runs.ui(ui, &self.progress, &self.kept));
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let loss_height = (ui.available_height() * 0.32).max(140.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), loss_height), |ui| {
                ui.horizontal(|ui| {
                    ui.heading("Loss");
                    ui.checkbox(&mut self.settings.log_scale, "log scale");
                    self.runs.metric_chooser_ui(ui);
                });
                let overlay = self.runs.overlay(&self.progress);
                self.plotted_runs = loss_plot::ui(ui, &self.progress, self.settings.log_scale, &overlay);
            });
            ui.separator();
            actions.extend(self.explorer.views_ui(ui, &mut self.settings.views));
        });
        for action in actions {
            self.apply(action);
        }
        let training = matches!(
            self.progress.state,
            crate::app::training_progress::RunState::Starting | crate::app::training_progress::RunState::Running
        );
        for request in self.ledger.missing(&self.explorer, &self.settings.views, training) {
            self.request(request);
        }
    }

    /// Once the monitor is known: a window of the default size is fitted to it.
    fn fit_to_screen(&mut self, ctx: &egui::Context) {
        if self.fitted_to_screen {
            return;
        }
        let (monitor, inner) = ctx.input(|input| {
            let viewport = input.viewport();
            (viewport.monitor_size, viewport.inner_rect.map(|rect| rect.size()))
        });
        let (Some(monitor), Some(inner)) = (monitor, inner) else { return };
        self.fitted_to_screen = true;
        if let Some((size, position)) = super::window_fit::fitted(monitor, inner) {
            ctx.send_viewport_cmd(egui::ViewportCommand::InnerSize(size));
            ctx.send_viewport_cmd(egui::ViewportCommand::OuterPosition(position));
        }
    }

    /// What is under way in the background, for the status bar.
    fn activity(&self) -> Option<String> {
        let jobs = self.file_jobs_in_flight();
        if self.dialogs.is_open() && !self.dialogs.browser_is_open() {
            Some("waiting for the file dialog…".to_string())
        } else if let Some((source, status)) = &self.dataset_loading {
            Some(match status.files_total {
                0 => format!("loading {source}…"),
                total => format!("loading {source}: {} of {total} files…", status.files_done),
            })
        } else if jobs > 0 {
            Some(format!("writing or reading {jobs} file(s)…"))
        } else {
            None
        }
    }
}

impl eframe::App for VaeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.window_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
