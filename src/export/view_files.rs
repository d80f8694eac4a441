//! The two ways a view becomes a file, shared by the window's exports and the command line's:
//! a rendered grid as PNG, and rendered frames as a GIF animation.

use std::path::Path;

use super::{ExportError, write_gif, write_png};
use crate::render::{GridStyle, ImageGrid, check_animation_size};

/// Renders `grid` with `style` and writes it to `path` as a PNG carrying `text` (see [`write_png`]);
/// returns the picture's `(width, height)` in pixels.
///
/// # Errors
///
/// [`ExportError::Render`] when the grid cannot be drawn (too large, wrong length, bad scale) and the
/// errors of [`write_png`].
pub fn write_grid_png(
    path: &Path,
    grid: &ImageGrid,
    style: &GridStyle,
    text: &[(String, String)],
) -> Result<(u32, u32), ExportError> {
    let image = grid.to_rgb_image(style)?;
    write_png(path, &image, text)?;
    Ok(image.dimensions())
}

/// Renders every frame with `style` and writes them to `path` as a looping GIF (see [`write_gif`]);
/// the frames' total size is checked before the first is drawn. Returns the frames written.
///
/// # Errors
///
/// [`ExportError::NoFrames`], [`ExportError::Render`] when a frame cannot be drawn or all of them
/// together are over the animation limit, and the errors of [`write_gif`].
pub fn write_frames_gif(
    path: &Path,
    frames: &[ImageGrid],
    style: &GridStyle,
    frames_per_sec: f32,
    ping_pong: bool,
) -> Result<usize, ExportError> {
    let first = frames.first().ok_or(ExportError::NoFrames)?;
    let (width, height) = first.rendered_size(style)?;
    check_animation_size(frames.len(), width, height)?;
    let images = frames.iter().map(|frame| frame.to_rgb_image(style)).collect::<Result<Vec<_>, _>>()?;
    write_gif(path, &images, frames_per_sec, ping_pong)
}
