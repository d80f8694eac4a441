//! Tests of the stored-settings check: values the window would not offer are reset, field by field.

use super::*;
use crate::training::LrSchedule;

#[test]
fn defaults_need_no_reset() {
    let mut settings = Settings::default();
    assert!(sanitize(&mut settings).is_empty());
    assert_eq!(settings, Settings::default());
}

/// Puts one absurd value into settings.
type Spoil = Box<dyn Fn(&mut Settings)>;

#[test]
fn each_absurd_value_is_reset_alone() {
    let cases: Vec<(&str, Spoil)> = vec![
        ("sweep cells", Box::new(|s| s.views.grid.size = 1 << 32)),
        ("sweep cells", Box::new(|s| s.views.grid.size = 1_000_000)),
        ("sweep cells", Box::new(|s| s.views.grid.size = 0)),
        ("sweep x range", Box::new(|s| s.views.grid.x_range = [f32::NAN, 1.0])),
        ("sweep y range", Box::new(|s| s.views.grid.y_range = [1e30, 2e30])),
        ("sweep x range", Box::new(|s| s.views.grid.x_range = [2.0, -2.0])),
        ("scatter plane", Box::new(|s| s.views.plane = PlaneChoice::Dims { x: usize::MAX, y: 0 })),
        ("morph position", Box::new(|s| s.views.morph.t = f32::INFINITY)),
        ("morph steps", Box::new(|s| s.views.morph.steps = 1 << 40)),
        ("export scale", Box::new(|s| s.views.export.scale = 0)),
        ("export gutter", Box::new(|s| s.views.export.gutter_px = 10_000)),
        ("GIF frame rate", Box::new(|s| s.views.export.gif_fps = -1.0)),
        ("β", Box::new(|s| s.training.beta = 1e300)),
        ("learning rate", Box::new(|s| s.training.learning_rate = f64::NAN)),
        ("learning rate", Box::new(|s| s.training.learning_rate = 0.3)),
        ("batch size", Box::new(|s| s.training.batch_size = 0)),
        ("epochs", Box::new(|s| s.training.epochs = usize::MAX)),
        ("latent dimension", Box::new(|s| s.training.model.latent_dim = 1 << 33)),
        ("image height", Box::new(|s| s.training.model.image_height = 1 << 62)),
        ("KL warm-up", Box::new(|s| s.training.kl_warmup_epochs = usize::MAX)),
        ("conv base channels", Box::new(|s| s.training.model.conv_base_channels = 0)),
        ("conv base channels", Box::new(|s| s.training.model.conv_base_channels = 1 << 40)),
        ("residual blocks", Box::new(|s| s.training.model.conv_residual_blocks = usize::MAX)),
        ("likelihood scale", Box::new(|s| s.training.likelihood_scale = f64::NAN)),
        ("likelihood scale", Box::new(|s| s.training.likelihood_scale = 0.0)),
        ("likelihood scale", Box::new(|s| s.training.likelihood_scale = 1e300)),
        (
            "learning-rate schedule",
            Box::new(|s| {
                s.training.lr_schedule = LrSchedule::WarmupCosine { warmup_epochs: f64::NAN, final_fraction: 0.0 }
            }),
        ),
        (
            "learning-rate schedule",
            Box::new(|s| s.training.lr_schedule = LrSchedule::WarmupCosine { warmup_epochs: 1.0, final_fraction: 7.0 }),
        ),
        ("picture-folder image size", Box::new(|s| s.image_preprocessing.image_size_px = Some(usize::MAX))),
        ("picture-folder channels", Box::new(|s| s.image_preprocessing.channels = Some(2))),
    ];
    for (field, spoil) in cases {
        let mut settings = Settings::default();
        spoil(&mut settings);
        let notes = sanitize(&mut settings);
        assert_eq!(notes.len(), 1, "{field}: {notes:?}");
        assert!(notes[0].starts_with(field), "{field}: {notes:?}");
        assert_eq!(settings, Settings::default(), "{field} was not reset");
        assert!(summary(&notes).is_some_and(|line| line.contains(field)));
    }
}

#[test]
fn legal_values_are_kept() {
    let mut settings = Settings::default();
    settings.views.grid.size = MAX_GRID_SIZE;
    settings.views.grid.x_range = [-10.0, 3.0];
    settings.training.seed = u64::MAX;
    settings.views.sample_seed = u64::MAX;
    settings.training.learning_rate = 0.05;
    settings.training.model.conv_base_channels = 8;
    settings.training.model.conv_residual_blocks = MAX_RESIDUAL_BLOCKS;
    settings.training.likelihood_scale = MAX_LIKELIHOOD_SCALE;
    settings.training.lr_schedule = LrSchedule::Constant;
    settings.image_preprocessing = PreprocessingChoice {
        image_size_px: Some(16),
        channels: Some(1),
        fit: Some(crate::data::Fit::Pad),
        background: Some([0, 0, 0]),
    };
    let kept = settings.clone();
    assert!(sanitize(&mut settings).is_empty());
    assert_eq!(settings, kept);
}

#[test]
fn stored_picture_folders_lose_refused_sizes_only() {
    let mut settings = Settings::default();
    let bad = PreprocessingChoice { image_size_px: Some(3), channels: Some(3), ..Default::default() };
    let folder = DataSource::ImageFolder { dir: "/pictures".into(), preprocessing: bad };
    settings.extra_sources.push(folder.clone());
    settings.data = folder;
    let notes = sanitize(&mut settings);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes.iter().all(|note| note.contains("image size") && note.contains("/pictures")), "{notes:?}");
    let fixed = PreprocessingChoice { image_size_px: None, ..bad };
    assert_eq!(settings.data, DataSource::ImageFolder { dir: "/pictures".into(), preprocessing: fixed });
    assert_eq!(settings.extra_sources, [settings.data.clone()]);
}

#[test]
fn zoom_outside_the_range_is_refused() {
    for zoom in [0.0, f32::NAN, 1e6, f32::INFINITY, -1.0, 0.1] {
        assert!(!zoom_is_sane(zoom), "{zoom}");
    }
    assert!(zoom_is_sane(1.0) && zoom_is_sane(2.5));
}
