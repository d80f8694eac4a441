//! What dropping files and folders on the window asks for.

use std::path::PathBuf;

use crate::app::actions::AppAction;
use crate::app::vae_app::VaeApp;
use crate::checkpoint;

impl VaeApp {
    /// What dropping `paths` on the window asks for: a saved model's folder (ours, or one holding
    /// `encoder.onnx` and `decoder.onnx`) opens the model, any
    /// other folder opens as the dataset, and image files become morph end A, or B when A is set
    /// (a second file dropped with the first becomes B).
    pub fn dropped_paths(paths: Vec<PathBuf>, a_is_set: bool) -> Vec<AppAction> {
        let mut images = 0;
        paths
            .into_iter()
            .map(|path| {
                if path.join(checkpoint::DESCRIPTION_FILE).is_file() || crate::onnx_model::is_onnx_folder(&path) {
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
}
