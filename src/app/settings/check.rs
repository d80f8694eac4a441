//! Stored settings are checked when loaded: a value the window would not offer is reset to its
//! default, field by field, and the status bar says which.

use std::fmt::Debug;

use crate::app::layout::view_layout::ViewLayout;
use crate::app::panels::preprocessing;
use crate::app::settings::stored::Settings;
use crate::app::settings::view_settings::{ExportSettings, MorphSettings, PlaneChoice, ViewSettings};
use crate::data::{DataSource, PreprocessingChoice};
use crate::inference::MAX_MORPH_STEPS;
use crate::latent::{GridSpec, MAX_GRID_SIZE};
use crate::model::{
    Architecture, MAX_CHANNELS, MAX_IMAGE_SIDE, MAX_LATENT_DIM, MAX_LIKELIHOOD_SCALE, MAX_RESIDUAL_BLOCKS,
    MAX_STAGE_CHANNELS, MIN_LIKELIHOOD_SCALE, VaeConfig,
};
use crate::render::{MAX_SCALE, MIN_SCALE};
use crate::training::{TrainingConfig, limits};

/// Farthest from the origin a sweep's range may reach (the prior puts nearly everything within 4).
pub const MAX_GRID_EXTENT: f32 = 1000.0;
/// Most dataset folders remembered.
pub const MAX_REMEMBERED_FOLDERS: usize = 64;
/// Widest gutter the window offers, in pixels.
const MAX_GUTTER_PX: u32 = 8;
/// Slowest and fastest GIF frame rates offered.
const GIF_FPS_RANGE: std::ops::RangeInclusive<f32> = 1.0..=50.0;
/// Smallest zoom factor kept from the stored window state, and the largest.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.25..=5.0;

/// Resets every out-of-range field of `settings` to its default; one line per field reset.
pub fn sanitize(settings: &mut Settings) -> Vec<String> {
    let mut notes = Notes(Vec::new());
    sanitize_training(&mut settings.training, &mut notes);
    sanitize_views(&mut settings.views, &mut notes);
    sanitize_preprocessing(settings, &mut notes);
    if settings.extra_folders.len() > MAX_REMEMBERED_FOLDERS {
        notes.0.push(format!(
            "dataset folders: kept the first {MAX_REMEMBERED_FOLDERS} of {}",
            settings.extra_folders.len()
        ));
        settings.extra_folders.truncate(MAX_REMEMBERED_FOLDERS);
    }
    if settings.extra_sources.len() > MAX_REMEMBERED_FOLDERS {
        notes
            .0
            .push(format!("opened data: kept the first {MAX_REMEMBERED_FOLDERS} of {}", settings.extra_sources.len()));
        settings.extra_sources.truncate(MAX_REMEMBERED_FOLDERS);
    }
    if !settings.layout.fits() {
        notes.0.push("the views' layout did not hold this version's views and is now the default".to_string());
        settings.layout = ViewLayout::default();
    }
    notes.0
}

/// The one-line status-bar note for `notes`, if any field was reset.
pub fn summary(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| format!("stored settings out of range were reset: {}", notes.join("; ")))
}

/// Whether a stored egui zoom factor is usable.
pub fn zoom_is_sane(zoom: f32) -> bool {
    zoom.is_finite() && ZOOM_RANGE.contains(&zoom)
}

struct Notes(Vec<String>);

impl Notes {
    /// Resets `value` to `default` unless `ok`, noting it.
    fn check<T: Debug>(&mut self, name: &str, value: &mut T, ok: bool, default: T) {
        if !ok {
            self.0.push(format!("{name} {value:?} is now {default:?}"));
            *value = default;
        }
    }
}

/// Whether a training config with only `set`'s change from the defaults passes the config's own
/// validation: each field is checked alone against the defaults of the others.
fn alone_ok(set: &dyn Fn(&mut TrainingConfig)) -> bool {
    let mut probe = TrainingConfig::default();
    set(&mut probe);
    probe.validate().is_ok()
}

fn sanitize_training(stored: &mut TrainingConfig, notes: &mut Notes) {
    let defaults = TrainingConfig::default();
    let model = &mut stored.model;
    let side_ok = |side: usize| (1..=MAX_IMAGE_SIDE).contains(&side);
    let ok = side_ok(model.image_height);
    notes.check("image height", &mut model.image_height, ok, defaults.model.image_height);
    let ok = side_ok(model.image_width);
    notes.check("image width", &mut model.image_width, ok, defaults.model.image_width);
    let channels = model.channels;
    let ok = (1..=MAX_CHANNELS).contains(&channels);
    notes.check("channels", &mut model.channels, ok, defaults.model.channels);
    let (latent_dim, height, width, channels, architecture) =
        (model.latent_dim, model.image_height, model.image_width, model.channels, model.architecture);
    let ok = (1..=MAX_LATENT_DIM).contains(&latent_dim) && alone_ok(&|probe| probe.model.latent_dim = latent_dim);
    notes.check("latent dimension", &mut model.latent_dim, ok, defaults.model.latent_dim);
    let ok = alone_ok(&|probe| {
        probe.model.architecture = architecture;
        probe.model.image_height = height;
        probe.model.image_width = width;
        probe.model.channels = channels;
    });
    notes.check("architecture", &mut model.architecture, ok, defaults.model.architecture);
    let beta = stored.beta;
    let ok = beta.is_finite() && limits::BETA.contains(&beta) && alone_ok(&|probe| probe.beta = beta);
    notes.check("β", &mut stored.beta, ok, defaults.beta);
    let weight = stored.perceptual_weight;
    let ok = weight.is_finite()
        && limits::PERCEPTUAL_WEIGHT.contains(&weight)
        && alone_ok(&|probe| probe.perceptual_weight = weight);
    notes.check("perceptual weight", &mut stored.perceptual_weight, ok, defaults.perceptual_weight);
    let warmup = stored.kl_warmup_epochs;
    let ok = limits::KL_WARMUP_EPOCHS.contains(&warmup) && alone_ok(&|probe| probe.kl_warmup_epochs = warmup);
    notes.check("KL warm-up epochs", &mut stored.kl_warmup_epochs, ok, defaults.kl_warmup_epochs);
    let rate = stored.learning_rate;
    let ok = rate.is_finite() && limits::LEARNING_RATE.contains(&rate) && alone_ok(&|probe| probe.learning_rate = rate);
    notes.check("learning rate", &mut stored.learning_rate, ok, defaults.learning_rate);
    let batch = stored.batch_size;
    let ok = alone_ok(&|probe| probe.batch_size = batch);
    notes.check("batch size", &mut stored.batch_size, ok, defaults.batch_size);
    let epochs = stored.epochs;
    let ok = limits::EPOCHS.contains(&epochs) && alone_ok(&|probe| probe.epochs = epochs);
    notes.check("epochs", &mut stored.epochs, ok, defaults.epochs);
    let seed = stored.seed;
    let ok = alone_ok(&|probe| probe.seed = seed);
    notes.check("seed", &mut stored.seed, ok, defaults.seed);
    sanitize_newer_training(stored, notes);
}

/// The fields added with the conv that scales and the recipe: conv widths, residual blocks, the
/// likelihood's scale and the learning-rate schedule.
fn sanitize_newer_training(stored: &mut TrainingConfig, notes: &mut Notes) {
    let defaults = TrainingConfig::default();
    // The conv fields are checked on a conv, where they matter.
    let conv_ok = |set: &dyn Fn(&mut VaeConfig)| {
        alone_ok(&|probe| {
            probe.model.architecture = Architecture::Conv;
            set(&mut probe.model);
        })
    };
    let model = &mut stored.model;
    let base = model.conv_base_channels;
    let ok = (1..=MAX_STAGE_CHANNELS).contains(&base) && conv_ok(&|probe| probe.conv_base_channels = base);
    notes.check("conv base channels", &mut model.conv_base_channels, ok, defaults.model.conv_base_channels);
    let blocks = model.conv_residual_blocks;
    let ok = blocks <= MAX_RESIDUAL_BLOCKS && conv_ok(&|probe| probe.conv_residual_blocks = blocks);
    notes.check("residual blocks", &mut model.conv_residual_blocks, ok, defaults.model.conv_residual_blocks);
    let scale = stored.likelihood_scale;
    let ok = scale.is_finite()
        && (MIN_LIKELIHOOD_SCALE..=MAX_LIKELIHOOD_SCALE).contains(&scale)
        && alone_ok(&|probe| probe.likelihood_scale = scale);
    notes.check("likelihood scale", &mut stored.likelihood_scale, ok, defaults.likelihood_scale);
    let schedule = stored.lr_schedule;
    let ok = schedule.validate().is_ok() && alone_ok(&|probe| probe.lr_schedule = schedule);
    notes.check("learning-rate schedule", &mut stored.lr_schedule, ok, defaults.lr_schedule);
}

/// Sizes and channels a picture folder is opened with: the remembered choice and those stored
/// with the selected and listed folders. A refused field goes back to "auto".
fn sanitize_preprocessing(settings: &mut Settings, notes: &mut Notes) {
    let mut clean = |choice: &mut PreprocessingChoice, whose: &str| {
        let (sane, opened) = preprocessing::sanitized(choice);
        for field in opened {
            notes.0.push(format!("picture-folder {field} ({whose}) is now auto"));
        }
        *choice = sane;
    };
    clean(&mut settings.image_preprocessing, "for the next folder");
    let folders = std::iter::once(&mut settings.data).chain(settings.extra_sources.iter_mut());
    for source in folders {
        if let DataSource::ImageFolder { dir, preprocessing } = source {
            clean(preprocessing, &dir.display().to_string());
        }
    }
}

fn sanitize_views(views: &mut ViewSettings, notes: &mut Notes) {
    let defaults = GridSpec::default();
    let grid = &mut views.grid;
    let ok = (2..=MAX_GRID_SIZE).contains(&grid.size);
    notes.check("sweep cells per side", &mut grid.size, ok, defaults.size);
    let ok = range_ok(grid.x_range);
    notes.check("sweep x range", &mut grid.x_range, ok, defaults.x_range);
    let ok = range_ok(grid.y_range);
    notes.check("sweep y range", &mut grid.y_range, ok, defaults.y_range);
    if let PlaneChoice::Dims { x, y } = views.plane {
        let ok = x < MAX_LATENT_DIM && y < MAX_LATENT_DIM;
        notes.check("scatter plane", &mut views.plane, ok, PlaneChoice::Pca);
    }
    let morph_defaults = MorphSettings::default();
    let morph = &mut views.morph;
    let ok = morph.t.is_finite() && (0.0..=1.0).contains(&morph.t);
    notes.check("morph position", &mut morph.t, ok, morph_defaults.t);
    let ok = (2..=MAX_MORPH_STEPS).contains(&morph.steps);
    notes.check("morph steps", &mut morph.steps, ok, morph_defaults.steps);
    let export_defaults = ExportSettings::default();
    let export = &mut views.export;
    let ok = (MIN_SCALE..=MAX_SCALE).contains(&export.scale);
    notes.check("export scale", &mut export.scale, ok, export_defaults.scale);
    let ok = export.gutter_px <= MAX_GUTTER_PX;
    notes.check("export gutter", &mut export.gutter_px, ok, export_defaults.gutter_px);
    let ok = export.gif_fps.is_finite() && GIF_FPS_RANGE.contains(&export.gif_fps);
    notes.check("GIF frame rate", &mut export.gif_fps, ok, export_defaults.gif_fps);
}

/// A finite, increasing range within [`MAX_GRID_EXTENT`] of the origin.
fn range_ok([low, high]: [f32; 2]) -> bool {
    let inside = |value: f32| value.is_finite() && value.abs() <= MAX_GRID_EXTENT;
    inside(low) && inside(high) && low < high
}

#[cfg(test)]
mod tests;
