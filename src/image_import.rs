//! The one place an image file (chosen, dropped, or given to `export morph --from`) becomes a morph
//! end: the model's input, planar `[channels, height, width]` in `[0, 1]`. The window runs it on its
//! file thread; the command line calls it directly.

use std::path::Path;

use thiserror::Error;

use crate::checkpoint::CheckpointInfo;
use crate::data::{DataError, FolderMeasure, Preprocessing, PreprocessingChoice, preprocess_image_file};
use crate::digit_import::{ImportError, import_image};
use crate::image_shape::ImageShape;

/// Why an image file could not become a morph end.
#[derive(Debug, Error)]
pub enum MorphImportError {
    /// The MNIST-style digit import failed.
    #[error(transparent)]
    Digit(#[from] ImportError),
    /// Reading or preprocessing the picture failed.
    #[error(transparent)]
    Picture(#[from] DataError),
    /// The preprocessing asked for makes images of another shape than the model reads.
    #[error("the preprocessing makes {made} images but the model reads {model}; drop the flags that change it")]
    Shape {
        /// What the preprocessing makes.
        made: ImageShape,
        /// What the model reads.
        model: ImageShape,
    },
}

/// The preprocessing a picture gets for the model `info` describes, with `overrides` (command-line
/// flags) winning; `None` means the MNIST-style digit import: a grey model that stores no
/// preprocessing (one trained on IDX digits) and no flags.
pub fn morph_preprocessing(info: &CheckpointInfo, overrides: PreprocessingChoice) -> Option<Preprocessing> {
    if info.preprocessing.is_none() && overrides == PreprocessingChoice::default() && info.training.model.channels == 1
    {
        return None;
    }
    let choice = overrides.or(info.implied_preprocessing());
    Some(choice.resolve(&FolderMeasure { common_square_side_px: None, any_colour: true }))
}

/// Reads `path` as an input for the model `info` describes (see [`morph_preprocessing`]).
pub fn import_morph_end(
    path: &Path,
    info: &CheckpointInfo,
    overrides: PreprocessingChoice,
) -> Result<Vec<f32>, MorphImportError> {
    let model = info.training.model.image_shape();
    let bytes = match morph_preprocessing(info, overrides) {
        Some(preprocessing) if preprocessing.shape() != model => {
            return Err(MorphImportError::Shape { made: preprocessing.shape(), model });
        }
        Some(preprocessing) => preprocess_image_file(path, &preprocessing)?,
        None => import_image(path, model.height, model.width)?.pixels,
    };
    Ok(bytes.iter().map(|&byte| f32::from(byte) / 255.0).collect())
}
