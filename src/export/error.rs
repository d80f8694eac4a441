//! What can go wrong while exporting, with advice on what to do.

use std::io;
use std::path::{Path, PathBuf};

/// Why a write failed and what the user can do about it, for [`ExportError::Write`] messages.
fn write_advice(path: &Path, error: &io::Error) -> String {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied; choose a folder you can write to".to_owned(),
        io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only; choose a folder you can write to".to_owned(),
        io::ErrorKind::NotFound => {
            format!("the folder {} does not exist; create it or choose another folder", folder.display())
        }
        io::ErrorKind::NotADirectory => {
            format!("{} is not a folder; choose a folder to save into", folder.display())
        }
        io::ErrorKind::IsADirectory => "a folder with that name already exists; choose a file name".to_owned(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the disk is full; free some space or choose another disk".to_owned()
        }
        _ => format!("{error}; try another folder or file name"),
    }
}

/// Why a read failed and what the user can do about it, for [`ExportError::Read`] messages.
fn read_advice(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "the file does not exist; check the file name and folder".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied; choose a file you can read".to_owned(),
        io::ErrorKind::IsADirectory => "it is a folder; choose a file".to_owned(),
        _ => error.to_string(),
    }
}

/// Everything that can go wrong while rendering, exporting or reading back images.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The destination could not be written; no file was created or changed at `path`.
    #[error("cannot write {}: {}", .path.display(), write_advice(.path, .cause))]
    Write {
        /// The requested destination.
        path: PathBuf,
        /// The underlying I/O error.
        cause: io::Error,
    },
    /// The destination path does not name a file (e.g. `/`, `..` or `pictures/`).
    #[error("cannot write {}: it names a folder, not a file; choose a file name such as grid.png", .path.display())]
    NoFileName {
        /// The requested destination.
        path: PathBuf,
    },
    /// The destination's extension names another format than the one written.
    #[error(
        "cannot write {}: its extension names another format than the {} written; end the name in .{format}",
        .path.display(),
        .format.to_uppercase()
    )]
    WrongExtension {
        /// The requested destination.
        path: PathBuf,
        /// The format written ("png", "gif").
        format: &'static str,
    },
    /// A file could not be opened for reading.
    #[error("cannot read {}: {}", .path.display(), read_advice(.cause))]
    Read {
        /// The file that was to be read.
        path: PathBuf,
        /// The underlying I/O error.
        cause: io::Error,
    },
    /// The path to read is a folder, FIFO or device, not a regular file.
    #[error(transparent)]
    NotRegular(crate::safe_read::SafeReadError),
    /// PNG encoding failed.
    #[error("cannot write {}: PNG encoding failed: {cause}", .path.display())]
    PngEncode {
        /// The requested destination.
        path: PathBuf,
        /// The encoder's error.
        cause: png::EncodingError,
    },
    /// The file is not a valid PNG, or one of its text chunks is malformed.
    #[error("cannot read {}: not a valid PNG file ({cause})", .path.display())]
    PngDecode {
        /// The file that was read.
        path: PathBuf,
        /// The decoder's error.
        cause: png::DecodingError,
    },
    /// GIF encoding failed.
    #[error("cannot write {}: GIF encoding failed: {cause}", .path.display())]
    GifEncode {
        /// The requested destination.
        path: PathBuf,
        /// The encoder's error.
        cause: gif::EncodingError,
    },
    /// The file is not a valid GIF.
    #[error("cannot read {}: not a valid GIF file ({cause})", .path.display())]
    GifDecode {
        /// The file that was read.
        path: PathBuf,
        /// The decoder's error.
        cause: gif::DecodingError,
    },
    /// The picture cannot be rendered (empty, too large, bad scale).
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// An image to be written has zero width or height.
    #[error("cannot export an empty {width}×{height} image; it needs at least one pixel")]
    EmptyImage {
        /// Image width in pixels.
        width: u32,
        /// Image height in pixels.
        height: u32,
    },
    /// A PNG text key breaks the PNG keyword rules.
    #[error("invalid PNG text key {key:?}: {reason}")]
    InvalidTextKey {
        /// The rejected key.
        key: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// An animation was requested without any frames.
    #[error("the animation has no frames; generate at least one frame before exporting")]
    NoFrames,
    /// Animation frames differ in size.
    #[error(
        "frame {index} is {found_width}×{found_height} pixels but frame 0 is {expected_width}×{expected_height}; \
         all animation frames must be the same size"
    )]
    FrameSizeMismatch {
        /// Index of the first frame whose size differs from frame 0.
        index: usize,
        /// Width of frame 0.
        expected_width: u32,
        /// Height of frame 0.
        expected_height: u32,
        /// Width of the offending frame.
        found_width: u32,
        /// Height of the offending frame.
        found_height: u32,
    },
    /// The frame rate is zero, negative, infinite or NaN.
    #[error("frames per second must be a positive number, got {frames_per_sec}")]
    InvalidFrameRate {
        /// The rejected frame rate.
        frames_per_sec: f32,
    },
    /// The frames exceed the GIF limit of 65535 pixels on a side.
    #[error(
        "the animation is {width}×{height} pixels but GIF allows at most 65535 on a side; \
         reduce the scale or the image size"
    )]
    TooLargeForGif {
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
    },
}

impl ExportError {
    /// The error for a file that could not be opened for reading.
    pub(crate) fn from_read(error: crate::safe_read::SafeReadError) -> Self {
        match error {
            crate::safe_read::SafeReadError::Io { path, cause: source } => Self::Read { path, cause: source },
            other => Self::NotRegular(other),
        }
    }
}
