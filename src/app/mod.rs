//! The desktop window: settings, panels and the app that ties them to the worker.

mod controls_panel;
mod decoder_grid;
mod explorer;
mod explorer_state;
mod hover_tooltip;
mod image_grids;
mod image_texture;
mod latent_scatter;
mod latent_sliders;
mod loss_plot;
mod morph_view;
mod palette;
mod settings;
mod status_bar;
mod training_progress;
mod vae_app;
mod view_export;
mod view_settings;

pub use controls_panel::PanelAction;
pub use explorer::{Explorer, ExplorerAction, ExplorerTab};
pub use explorer_state::{ExplorerState, MorphEnd, PointRef, Versioned};
pub use settings::Settings;
pub use training_progress::{RunState, TrainingProgress};
pub use vae_app::{VaeApp, default_autosave_dir};
pub use view_export::{ExportView, export_view};
pub use view_settings::{ExportSettings, GridBase, MorphSettings, PlaneChoice, ViewSettings};

/// Opens the window and runs until it is closed.
pub fn run() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("vae-explorer")
            .with_app_id("vae-explorer")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    eframe::run_native("vae-explorer", options, Box::new(|cc| Ok(Box::new(VaeApp::new(cc)))))
}
