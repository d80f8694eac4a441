//! What can go wrong while rendering a grid of images, with advice on what to do.

use super::limits::{MAX_ANIMATION_PIXELS, MAX_EXPORT_PIXELS, MAX_EXPORT_SIDE_PX};

/// Why a grid of images cannot be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The grid has no cells or its cells have no pixels.
    #[error(
        "the image grid is empty ({rows}×{cols} cells of {cell_height}×{cell_width} pixels); \
         generate at least one image before exporting"
    )]
    EmptyGrid {
        /// Number of cell rows.
        rows: usize,
        /// Number of cell columns.
        cols: usize,
        /// Cell height in pixels.
        cell_height: usize,
        /// Cell width in pixels.
        cell_width: usize,
    },
    /// The cells have no colour channel.
    #[error("the images have no colour channel; a picture needs 1 (grey) or 3 (RGB) channels")]
    NoChannels,
    /// The grid's values do not match its dimensions.
    #[error(
        "the image grid has {actual} values, but {rows}×{cols} cells of {channels}×{cell_height}×{cell_width} \
         values need {expected}"
    )]
    PixelCountMismatch {
        /// Number of cell rows.
        rows: usize,
        /// Number of cell columns.
        cols: usize,
        /// Channels of every cell.
        channels: usize,
        /// Cell height in pixels.
        cell_height: usize,
        /// Cell width in pixels.
        cell_width: usize,
        /// Number of values the dimensions require.
        expected: usize,
        /// Number of values present.
        actual: usize,
    },
    /// [`super::GridStyle::scale`] is outside `1..=8`.
    #[error("scale {scale} is out of range; choose a scale from 1 to 8")]
    ScaleOutOfRange {
        /// The rejected scale.
        scale: u32,
    },
    /// The image would be larger than [`MAX_EXPORT_SIDE_PX`] per side or [`MAX_EXPORT_PIXELS`] in all.
    #[error(
        "the exported image would be {width}×{height} pixels; the limit is {MAX_EXPORT_SIDE_PX} pixels per side \
         and {MAX_EXPORT_PIXELS} pixels in all: lower the scale, the gutter, the grid size or the steps \
         (--scale, --gutter, --size, --steps)"
    )]
    ImageTooLarge {
        /// Width the image would have, in pixels (saturated at `u64::MAX`).
        width: u64,
        /// Height the image would have, in pixels (saturated at `u64::MAX`).
        height: u64,
    },
    /// The frames of an animation together would be over [`MAX_ANIMATION_PIXELS`].
    #[error(
        "the animation would be {frames} frames of {width}×{height} pixels, more than {MAX_ANIMATION_PIXELS} \
         pixels in all: lower the scale or the steps (--scale, --steps)"
    )]
    AnimationTooLarge {
        /// Number of frames.
        frames: usize,
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
    },
}
