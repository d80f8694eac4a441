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

/// Writes a file encoded as `format` ("png", "gif") atomically, naming the path in the error. A path
/// that names a folder (ends in a separator, or is one) or whose extension names another format is
/// refused before anything is written.
fn write_file(path: &Path, bytes: &[u8], format: &'static str) -> Result<(), ExportError> {
    let names_folder = path.as_os_str().to_string_lossy().ends_with(std::path::is_separator)
        || std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir());
    if path.file_name().is_none() || names_folder {
        return Err(ExportError::NoFileName { path: path.to_path_buf() });
    }
    if let Some(extension) = path.extension()
        && !extension.eq_ignore_ascii_case(format)
    {
        return Err(ExportError::WrongExtension { path: path.to_path_buf(), format });
    }
    crate::atomic_file::write_atomically(path, bytes)
        .map_err(|source| ExportError::Write { path: path.to_path_buf(), cause: source })
}
