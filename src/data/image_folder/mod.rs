//! Folders of pictures (PNG, JPEG, BMP, GIF, WebP) as datasets: listing, decoding, preprocessing, cache.

mod cache;
mod cache_writer;
mod decode;
mod load;
mod preprocess;
mod report;
mod scaled_jpeg;
mod scan;

pub use cache::{CACHE_DIR_ENV, CacheLocation, MAX_DATASET_BYTES};
pub use decode::{MAX_DECODED_BYTES, MAX_PICTURE_FILE_BYTES, MAX_PICTURE_SIDE_PX};
pub use load::load_image_folder;
pub use preprocess::{fit_square, luma, preprocess_image_bytes, preprocess_image_file, write_planar};
pub use report::{LoadPhase, LoadProgress, MAX_LISTED_SKIPS, SkipReport};
pub use scan::{IMAGE_EXTENSIONS, MAX_CLASSES, MAX_FOLDER_DEPTH, MAX_IMAGE_FILES, NO_CLASSES_NAME};
