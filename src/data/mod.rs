//! Image data: IDX files, in-memory image sets and the datasets the app offers.

mod dataset;
mod error;
pub mod idx;
mod image_set;

pub use dataset::{DataSource, Dataset, FASHION_MNIST_DIR, MAX_IMAGE_PIXELS};
pub use error::DataError;
pub use image_set::ImageSet;
