//! Why an image could not be imported, in words that say what to do.

use std::io;
use std::path::PathBuf;

use super::MAX_DECODED_BYTES;
use crate::safe_read::SafeReadError;

/// Why an image could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    // The I/O error is part of the message, not its source: shown as a chain it would repeat.
    #[error("could not read {}: {cause}. Check that the file exists and that you may read it.", path.display())]
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// The underlying I/O error.
        cause: io::Error,
    },
    /// The path is a folder, FIFO or device, or the file is larger than [`super::MAX_FILE_BYTES`].
    #[error(transparent)]
    File(SafeReadError),
    /// The data is not an image in a supported format, or it is corrupt or truncated.
    #[error("{} is not an image that can be imported ({reason}). Use a PNG, JPEG, BMP, GIF or WebP file.", path.display())]
    NotAnImage {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
        /// What the decoder reported.
        reason: String,
    },
    /// The image is larger than the import accepts; it was refused before its pixels were decoded.
    #[error(
        "{} is {width} × {height} pixels, too large to import (at most {max} pixels per side and {} MiB of pixel \
         data). Scale or crop it down and try again.",
        path.display(),
        MAX_DECODED_BYTES / (1024 * 1024)
    )]
    TooLarge {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
        /// Width stated by the image header.
        width: u32,
        /// Height stated by the image header.
        height: u32,
        /// The largest accepted side, [`super::MAX_SIDE_PX`].
        max: u32,
    },
    /// Nothing in the image stands out from its background.
    #[error(
        "{} looks blank: nothing stands out from the background. Use a picture of a single digit, dark on a light \
         background or light on a dark one.",
        path.display()
    )]
    Blank {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
    },
    /// The requested output size is unusable.
    #[error("cannot import into a {height} × {width} pixel model input: both sides must be between 1 and {max} pixels")]
    InvalidTarget {
        /// Requested number of rows.
        height: usize,
        /// Requested number of columns.
        width: usize,
        /// The largest accepted side.
        max: u32,
    },
}
