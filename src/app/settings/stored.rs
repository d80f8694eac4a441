//! What the window remembers between runs (eframe persistence).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::app::layout::view_layout::ViewLayout;
use crate::app::settings::view_settings::ViewSettings;
use crate::data::{DataSource, PreprocessingChoice};
use crate::device::DeviceChoice;
use crate::model::ConvLayout;
use crate::training::{LossChoice, TrainingConfig};

/// Persisted choices of the controls panel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The dataset selected for training.
    pub data: DataSource,
    /// IDX folders the user opened, offered in the dataset list.
    pub extra_folders: Vec<PathBuf>,
    /// Other data the user opened (image folders), offered in the dataset list.
    pub extra_sources: Vec<DataSource>,
    /// Model and optimisation settings for the next run.
    pub training: TrainingConfig,
    /// Device for the next run.
    pub device: DeviceChoice,
    /// Loss curves on a logarithmic y axis.
    pub log_scale: bool,
    /// The latent views' choices.
    pub views: ViewSettings,
    /// Size, channels, fit and background a picture folder is opened with (the last chosen in the
    /// data section; open fields follow the pictures).
    pub image_preprocessing: PreprocessingChoice,
    /// The folder of runs chosen in the Runs panel (a sweep's output, saved models), listed
    /// beside the window's own runs.
    pub runs_folder: Option<PathBuf>,
    /// How the views are laid out as tiles, and the view maximised over them.
    pub layout: ViewLayout,
    /// The left panel (data, model and training settings) folded away, leaving its width to the views.
    pub controls_hidden: bool,
    /// The conv layout new runs take. Kept apart from `training.model`, whose stored layout reads
    /// as the oldest one where settings written before layouts existed name none.
    pub conv_layout: ConvLayout,
    /// The loss new runs take: `auto` picks by the pictures' channels when the data is loaded;
    /// a chosen loss is copied into `training.loss`.
    pub loss_choice: LossChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data: DataSource::Bundled,
            extra_folders: Vec::new(),
            extra_sources: Vec::new(),
            training: TrainingConfig::default(),
            device: DeviceChoice::Auto,
            log_scale: true,
            views: ViewSettings::default(),
            image_preprocessing: PreprocessingChoice::default(),
            runs_folder: None,
            layout: ViewLayout::default(),
            controls_hidden: false,
            conv_layout: ConvLayout::default(),
            loss_choice: LossChoice::default(),
        }
    }
}

impl Settings {
    /// Every dataset to offer: bundled, Fashion-MNIST when installed, then opened folders.
    pub fn data_choices(&self) -> Vec<DataSource> {
        let mut choices = vec![DataSource::Bundled];
        choices.extend(DataSource::installed_fashion_mnist());
        let folders = self.extra_folders.iter().map(|folder| DataSource::Folder(folder.clone()));
        for source in folders.chain(self.extra_sources.iter().cloned()) {
            if !choices.contains(&source) {
                choices.push(source);
            }
        }
        choices
    }

    /// Selects an opened `source` and remembers it in the list.
    pub fn add_source(&mut self, source: DataSource) {
        match source {
            DataSource::Folder(folder) => self.add_folder(folder),
            DataSource::Bundled => self.data = DataSource::Bundled,
            // Image folders are kept here, once per folder: the newest preprocessing replaces the older.
            other => {
                match self.extra_sources.iter_mut().find(|kept| **kept == other || same_folder(kept, &other)) {
                    Some(kept) => kept.clone_from(&other),
                    None => self.extra_sources.push(other.clone()),
                }
                self.data = other;
            }
        }
    }

    /// Selects `folder` and remembers it in the list.
    pub fn add_folder(&mut self, folder: PathBuf) {
        if !self.extra_folders.contains(&folder) {
            self.extra_folders.push(folder.clone());
        }
        self.data = DataSource::Folder(folder);
    }
}

/// True when both are picture folders at the same path (whatever their preprocessing).
fn same_folder(a: &DataSource, b: &DataSource) -> bool {
    matches!((a, b), (DataSource::ImageFolder { dir: a, .. }, DataSource::ImageFolder { dir: b, .. }) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conv_layout_reads_back_and_a_stored_one_that_is_no_layout_is_refused() {
        let settings = Settings { conv_layout: ConvLayout::Scaled, ..Settings::default() };
        let text = ron::to_string(&settings).expect("stored");
        assert_eq!(ron::from_str::<Settings>(&text).expect("read back").conv_layout, ConvLayout::Scaled);
        // Settings from before the field: the default for new runs.
        assert_eq!(ron::from_str::<Settings>("()").expect("read").conv_layout, ConvLayout::default());
        // A value no version wrote: refused as a whole (the window then starts from the defaults, with a note).
        for hostile in ["(conv_layout: Bogus)", "(conv_layout: 7)", "(conv_layout: \"direct\")"] {
            assert!(ron::from_str::<Settings>(hostile).is_err(), "{hostile}");
        }
    }
}
