//! Writing image grids to PNG (with provenance text chunks) and animations to GIF, atomically.
//!
//! Every writer encodes the complete file in memory first, then writes it through
//! [`crate::atomic_file::write_atomically`], so a failed export never leaves a partial file.

mod error;
mod gif_file;
mod grid_image;
mod png_file;
mod provenance;
mod scatter_gif;

use std::path::Path;

pub use error::ExportError;
pub use gif_file::{gif_frame_count, write_gif};
pub use grid_image::{
    GUTTER_GRAY, GridStyle, ImageGrid, MAX_ANIMATION_PIXELS, MAX_EXPORT_PIXELS, MAX_EXPORT_SIDE_PX, MAX_SCALE,
    MIN_GIF_DELAY_CENTISECONDS, MIN_SCALE, check_animation_size, check_output_size, interleave_rows, rendered_size,
};
pub use png_file::{read_png_text, write_png};
pub use provenance::provenance;
pub use scatter_gif::{ScatterFrame, write_scatter_gif};

/// Writes an encoded file atomically, naming the path in the error.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    if path.file_name().is_none() {
        return Err(ExportError::NoFileName { path: path.to_path_buf() });
    }
    crate::atomic_file::write_atomically(path, bytes)
        .map_err(|source| ExportError::Write { path: path.to_path_buf(), source })
}
