//! Why the LPIPS weights could not be used, each as one line saying what to do.

use std::path::PathBuf;

use crate::display_name::escaped_path;
use crate::safe_read::SafeReadError;

/// Why LPIPS is not available, or not for these images.
#[derive(Debug, thiserror::Error)]
pub enum LpipsError {
    /// No weights file where the app looks.
    #[error(
        "LPIPS weights not found at {}: run scripts/fetch_lpips.sh (or pass --lpips-weights FILE, or set VAE_EXPLORER_LPIPS)",
        escaped_path(.looked)
    )]
    NotFound {
        /// The first place looked (the one a fetch should fill).
        looked: PathBuf,
    },
    /// The file could not be opened or is too large or not a regular file.
    #[error(transparent)]
    Read(#[from] SafeReadError),
    /// The PyTorch reader refused the bytes.
    #[error(
        "{} is not a PyTorch weights file vae-explorer can read ({reason}); run scripts/fetch_lpips.sh to fetch it again",
        escaped_path(.path)
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the reader said, on one line.
        reason: String,
    },
    /// The file holds other tensors than the shift-tolerant AlexNet's.
    #[error(
        "{} does not hold the shift-tolerant LPIPS AlexNet ({details}); run scripts/fetch_lpips.sh to fetch it again",
        escaped_path(.path)
    )]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// Missing, unused or wrongly shaped tensors, on one line.
        details: String,
    },
    /// A weight is NaN or infinite.
    #[error("{} holds NaN or infinite weights; run scripts/fetch_lpips.sh to fetch it again", escaped_path(.path))]
    NonFinite {
        /// The file.
        path: PathBuf,
    },
    /// The images are smaller than the network's downsampling allows.
    #[error(
        "LPIPS needs images of at least {min_side_px}×{min_side_px} pixels (the shift-tolerant AlexNet's reflection padding), these are {height}×{width}"
    )]
    TooSmall {
        /// The images' height in pixels.
        height: usize,
        /// The images' width in pixels.
        width: usize,
        /// The smallest side the network accepts.
        min_side_px: usize,
    },
    /// Neither grey nor RGB.
    #[error("LPIPS compares grey or RGB images, these have {channels} channels")]
    Channels {
        /// The images' channel count.
        channels: usize,
    },
    /// The slices do not hold whole images of the shape given.
    #[error("LPIPS was given {a_values} and {b_values} values for images of {image_values} values each")]
    Lengths {
        /// Values in the first slice.
        a_values: usize,
        /// Values in the second slice.
        b_values: usize,
        /// Values per image.
        image_values: usize,
    },
}
