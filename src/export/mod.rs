//! Writing rendered pictures to PNG (with provenance text chunks) and animations to GIF, atomically.
//!
//! Pictures are drawn by [`crate::render`]; every writer encodes the complete file in memory first,
//! then writes it through [`crate::atomic_file::write_atomically`], so a failed export never leaves a
//! partial file.

mod error;
mod gif_file;
mod png_file;
mod provenance;
mod scatter_gif;
mod view_files;

use std::path::Path;

pub use error::ExportError;
pub use gif_file::{MIN_GIF_DELAY_CENTISECONDS, gif_frame_count, write_gif};
pub use png_file::{read_png_text, write_png};
pub use provenance::provenance;
pub use scatter_gif::{ScatterFrame, write_scatter_gif};
pub use view_files::{write_frames_gif, write_grid_png};

/// Writes an encoded file atomically, naming the path in the error.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    if path.file_name().is_none() {
        return Err(ExportError::NoFileName { path: path.to_path_buf() });
    }
    crate::atomic_file::write_atomically(path, bytes)
        .map_err(|source| ExportError::Write { path: path.to_path_buf(), source })
}
