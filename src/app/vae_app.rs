//! The eframe application: panels and views return actions, the app applies them once per frame
//! (see `apply.rs`; what the threads report is folded in by `thread_events.rs`), and the events and results coming back from the threads update the
//! state at the start of each frame.

use std::path::PathBuf;

use crate::app::actions::AppAction;
use crate::app::background::dataset_loading::LoadStatus;
use crate::app::background::dialogs::Dialogs;
use crate::app::background::file_jobs::FileJobs;
use crate::app::explorer::requests::RequestLedger;
use crate::app::explorer::views::Explorer;
use crate::app::layout::panes::PaneParts;
use crate::app::layout::tiles_behavior::layout_ui;
use crate::app::panels::controls::{self, PanelContext};
use crate::app::panels::onnx_questions::{self, OnnxQuestionsForm};
use crate::app::panels::runs::kept_runs::KeptRuns;
use crate::app::panels::runs::run_folders::{default_runs_dir, legacy_autosave_dir};
use crate::app::panels::runs::runs_panel::RunsPanel;
use crate::app::settings::check;
use crate::app::settings::stored::Settings;
use crate::app::status_bar;
use crate::app::training_progress::TrainingProgress;
use crate::data::DataSource;
use crate::inference::{InferenceRequest, InferenceService, ModelSource};
use crate::worker::Worker;

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
    /// Which dataset the views read, as the CLI says it ("read ‹folder›: …"), shown in the status bar.
    pub(super) data_read: Option<String>,
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
    /// The window's width in the last frame, in points ("reset layout" picks a layout for it).
    pub(super) window_width_points: f32,
    /// The form asking what an ONNX folder's graphs leave open, while it is shown.
    pub(super) onnx_form: Option<OnnxQuestionsForm>,
    /// The ONNX folder being opened with the form's answers, until it is in.
    pub(super) answered_onnx: Option<PathBuf>,
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
            data_read: None,
            ctx: ctx.clone(),
            runs: RunsPanel::with_folder(settings_runs_folder),
            plotted_runs: Vec::new(),
            dataset_loading: None,
            opening: None,
            fitted_to_screen: false,
            window_width_points: crate::app::window_fit::DEFAULT_INNER_SIZE[0],
            onnx_form: None,
            answered_onnx: None,
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

    /// Which dataset the views read, as the status bar says it: "read ‹folder›: N training and M
    /// held-out images of ‹shape›" (the CLI's line), once one is loaded.
    pub fn data_read(&self) -> Option<&str> {
        self.data_read.as_deref()
    }

    /// The folder the run started last in this window autosaves into (`None` before any, or when no
    /// run is kept).
    pub fn current_run_folder(&self) -> Option<&std::path::Path> {
        self.kept.current()
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

    /// The form asking what an ONNX folder's graphs leave open, while it is shown.
    pub fn onnx_form(&self) -> Option<&OnnxQuestionsForm> {
        self.onnx_form.as_ref()
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

    /// The dialogs, to choose the in-window browser or where it starts.
    pub fn dialogs_mut(&mut self) -> &mut Dialogs {
        &mut self.dialogs
    }

    /// Draws one frame: folds in what the threads reported, draws the panels, applies every
    /// action in one place, then asks the inference thread for what the views now need.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        self.fit_to_screen(ui.ctx());
        self.window_width_points = ui.max_rect().width();
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
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            let texts = status_bar::Texts {
                data_read: self.data_read.as_deref(),
                notice: notice.as_deref(),
                guidance: guidance.as_deref(),
                controls_hidden: self.settings.controls_hidden,
            };
            actions.extend(status_bar::ui(ui, &self.progress, model, &texts));
        });
        let context = PanelContext {
            has_model: model.is_some(),
            inference_only: model.is_some_and(|model| model.burn().is_none()),
            last_session: self.kept.last_session_summary(),
        };
        if !self.settings.controls_hidden {
            egui::Panel::left("controls").resizable(true).default_size(270.0).show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    actions.extend(controls::ui(ui, &mut self.settings, &self.progress, &context));
                });
            });
        }
        // The views fill the rest, as tiles the user rearranges, maximises and resets.
        egui::CentralPanel::default().show(ui, |ui| {
            let mut parts = PaneParts {
                explorer: &mut self.explorer,
                views: &mut self.settings.views,
                log_scale: &mut self.settings.log_scale,
                runs: &mut self.runs,
                progress: &self.progress,
                kept: &self.kept,
                plotted_runs: &mut self.plotted_runs,
            };
            actions.extend(layout_ui(ui, &mut self.settings.layout, |ui, pane| parts.ui(ui, pane)));
        });
        actions.extend(onnx_questions::form_ui(ui.ctx(), &mut self.onnx_form));
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
