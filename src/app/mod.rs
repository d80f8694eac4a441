//! The desktop window: settings, panels and the app that ties them to the worker.

mod actions;
mod app_actions;
mod controls_panel;
mod dataset_loading;
mod decoder_grid;
mod dialogs;
mod direction_panel;
mod drawing_canvas;
mod exploration_requests;
mod exploration_settings;
mod exploration_view;
mod explorer;
mod explorer_state;
mod explorer_tabs;
mod file_jobs;
mod grid_cells;
mod hover_tooltip;
mod image_grids;
mod image_import;
mod image_texture;
mod kl_strip;
mod latent_scatter;
mod latent_sliders;
mod loss_plot;
mod morph_view;
mod neighbour_panel;
mod palette;
mod preprocessing_controls;
mod runs_panel;
mod runs_scan;
mod runs_table;
mod scatter_header;
mod scatter_planes;
mod scatter_raster;
mod scatter_spread;
mod settings;
mod settings_check;
mod slider_scale;
mod startup;
mod status_bar;
mod training_progress;
mod vae_app;
mod view_export;
mod view_requests;
mod view_settings;

pub use actions::{AppAction, DialogRequest};
pub use dataset_loading::{LoadStatus, LoadedDataset};
pub use dialogs::DialogError;
pub use direction_panel::DIRECTION_AMOUNT_RANGE;
pub use drawing_canvas::{CANVAS_LABEL, CANVAS_SIDE};
pub use exploration_settings::{DirectionBetween, DirectionSettings, NeighbourQuery, NeighbourSettings};
pub use explorer::{Explorer, ExplorerTab};
pub use explorer_state::{ExplorerState, MorphEnd, PointRef, Versioned};
pub use file_jobs::{FILE_THREAD_NAME, FileEvent, FileJob, FileJobs, JobPanicked};
pub use image_import::{MorphImportError, import_morph_end, morph_preprocessing};
pub use kl_strip::{DimensionKl, KlSource, bar_label as kl_bar_label};
pub use latent_scatter::LatentScatter;
pub use preprocessing_controls::{BACKGROUND_CHOICES, IMAGE_SIZE_CHOICES_PX};
pub use runs_panel::{OverlayCurve, RunsOverlay, RunsPanel};
pub use runs_scan::{CURRENT_RUN_NAME, LAST_SESSION_NAME, RunMetric, RunOrigin, RunRecord, RunsScan, scan_runs};
pub use scatter_planes::{PlaneLayouts, PlaneProgress};
pub use settings::Settings;
pub use settings_check::{MAX_GRID_EXTENT, sanitize as sanitize_settings, zoom_is_sane};
pub use slider_scale::{SliderScale, normal_cdf};
pub use training_progress::{RunState, TrainingProgress};
pub use vae_app::{VaeApp, default_autosave_dir};
pub use view_export::{ExportJob, ExportView, ViewExportError, export_view};
pub use view_settings::{ExportSettings, GridBase, MorphSettings, PlaneChoice, SliderSettings, ViewSettings};
pub use view_settings::{PointColouring, SpreadMode};

/// Opens the window and runs until it is closed. When eframe's settings file is not a regular
/// file (a FIFO would hang the start), the window runs without stored settings and says so.
pub fn run() -> eframe::Result {
    let mut options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("vae-explorer")
            .with_app_id(APP_ID)
            .with_inner_size([1280.0, 800.0])
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
    eframe::run_native(APP_ID, options, Box::new(move |cc| Ok(Box::new(VaeApp::new(cc, notes)))))
}

/// eframe's name for the app (its settings folder and the window's class).
const APP_ID: &str = "vae-explorer";
