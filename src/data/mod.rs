//! Image data: IDX files, folders of pictures, in-memory image sets and the datasets the app offers.

mod dataset;
mod error;
mod fit_shape;
pub mod idx;
pub mod image_folder;
mod image_set;
mod preprocessing;

pub use dataset::{DataSource, Dataset, FASHION_MNIST_DIR, MAX_IMAGE_PIXELS, SplitPaths};
pub use error::DataError;
pub use fit_shape::fitting_words;
pub use image_folder::{LoadPhase, LoadProgress, SkipReport, preprocess_image_bytes, preprocess_image_file};
pub use image_set::ImageSet;
pub use preprocessing::{
    DEFAULT_BACKGROUND, DEFAULT_IMAGE_SIZE_PX, Fit, FolderMeasure, MAX_IMAGE_SIZE_PX, MIN_IMAGE_SIZE_PX, Preprocessing,
    PreprocessingChoice, check_channels, check_image_size,
};
