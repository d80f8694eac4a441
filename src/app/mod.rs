//! The desktop window: the app, its actions and the one place they are applied, start-up and the
//! status bar. The parts live in folders named like the window: `panels/` (the left side and the
//! loss plot), `explorer/` (the latent views), `settings/` (what the window remembers) and
//! `background/` (file jobs, dialogs, dataset loading and exports, off the UI thread).

mod actions;
mod apply;
mod background;
mod drops;
mod explorer;
mod layout;
mod palette;
mod panels;
mod settings;
mod startup;
mod status_bar;
mod thread_events;
mod training_progress;
mod vae_app;
mod window_fit;

/// The runs the Runs panel lists (read by [`crate::checkpoint::runs_scan`]).
pub use crate::checkpoint::runs_scan::{
    CURRENT_RUN_NAME, LAST_SESSION_NAME, RunMetric, RunOrigin, RunRecord, RunsScan, scan_runs,
};
pub use actions::{AppAction, DialogRequest};
pub use background::dataset_loading::{LoadStatus, LoadedDataset};
pub use background::dialogs::DialogError;
pub use background::file_jobs::{FILE_THREAD_NAME, FileEvent, FileJob, FileJobs, JobPanicked};
pub use background::view_export::{ExportJob, ExportView, ViewExportError, export_view};
pub use explorer::directions::direction_panel::DIRECTION_AMOUNT_RANGE;
pub use explorer::images::drawing_canvas::{CANVAS_LABEL, CANVAS_SIDE};
pub use explorer::scatter::latent_scatter::LatentScatter;
pub use explorer::scatter::planes::{PlaneLayouts, PlaneProgress};
pub use explorer::sliders::kl_strip::{DimensionKl, KlSource, bar_label as kl_bar_label};
pub use explorer::state::{ExplorerState, MorphEnd, PointRef, Versioned};
pub use explorer::views::Explorer;
pub use layout::tiles_behavior::{MAXIMISE_LABEL, RESTORE_LABEL};
pub use layout::view_layout::ViewLayout;
pub use layout::view_pane::ViewPane;
pub use panels::onnx_questions::OnnxQuestionsForm;
pub use panels::preprocessing::{BACKGROUND_CHOICES, IMAGE_SIZE_CHOICES_PX};
pub use panels::runs::kept_runs::KeptRuns;
pub use panels::runs::run_folders::default_runs_dir;
pub use panels::runs::runs_panel::{OverlayCurve, RunsOverlay, RunsPanel};
pub use settings::check::{MAX_GRID_EXTENT, sanitize as sanitize_settings, zoom_is_sane};
pub use settings::exploration_settings::{DirectionBetween, DirectionSettings, NeighbourQuery, NeighbourSettings};
pub use settings::stored::Settings;
pub use settings::view_settings::{ExportSettings, GridBase, MorphSettings, PlaneChoice, SliderSettings, ViewSettings};
pub use settings::view_settings::{PointColouring, SpreadMode};
pub use status_bar::{HIDE_CONTROLS_LABEL, RESET_LAYOUT_LABEL, SHOW_CONTROLS_LABEL};
pub use training_progress::{RunState, TrainingProgress};
pub use vae_app::VaeApp;

/// Folders named on the command line (`vae-explorer --data DIR --model DIR`), opened as the
/// window starts as if chosen in Open folder… and Open model….
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowPaths {
    /// A dataset folder (IDX files or pictures).
    pub data: Option<std::path::PathBuf>,
    /// A saved model's folder.
    pub model: Option<std::path::PathBuf>,
}

impl WindowPaths {
    /// What opening these folders asks for.
    pub fn actions(&self) -> Vec<AppAction> {
        let data = self.data.clone().map(AppAction::OpenFolder);
        data.into_iter().chain(self.model.clone().map(AppAction::OpenModel)).collect()
    }
}

/// Opens the window, opening `paths`, and runs until it is closed. When eframe's settings file is
/// not a regular file (a FIFO would hang the start), the window runs without stored settings and
/// says so.
pub fn run(paths: WindowPaths) -> eframe::Result {
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("vae-explorer")
            .with_app_id(APP_ID)
            .with_inner_size(window_fit::DEFAULT_INNER_SIZE)
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    let mut notes = Vec::new();
    // Kept until the window closes: eframe reads and writes its throwaway settings file here.
    let mut _scratch = None;
    if let Some(problem) = startup::storage_problem(APP_ID) {
        match tempfile::tempdir() {
            Ok(dir) => {
                options.persistence_path = Some(dir.path().join("app.ron"));
                _scratch = Some(dir);
            }
            Err(_) => options.persist_window = false,
        }
        log::warn!("{problem}");
        notes.push(problem);
    } else if let Some(note) = startup::storage_file(APP_ID).and_then(|path| startup::reset_bad_zoom(&path)) {
        log::warn!("{note}");
        notes.push(note);
    }
    // The renderer's GPU probe makes Mesa's layer print XDG_RUNTIME_DIR lines where there is no
    // Wayland session (see `device/quiet_stderr.rs`): stderr is quiet until the app is created
    // (or until a failed start returns, so its error is printed).
    let silenced = crate::device::silence_stderr();
    eframe::run_native(
        APP_ID,
        options,
        Box::new(move |cc| {
            drop(silenced);
            Ok(Box::new(VaeApp::new(cc, notes, &paths.actions())))
        }),
    )
}

/// eframe's name for the app (its settings folder and the window's class).
const APP_ID: &str = "vae-explorer";
