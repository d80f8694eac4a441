//! How a grid is drawn (scale, gutter) and the size limits every picture is checked against
//! before anything is decoded or allocated for it.

use super::RenderError;

/// Grey level (0 = black, 255 = white) of the gutters drawn between grid cells.
pub const GUTTER_GRAY: u8 = 128;

/// Smallest accepted [`GridStyle::scale`].
pub const MIN_SCALE: u32 = 1;

/// Largest accepted [`GridStyle::scale`].
pub const MAX_SCALE: u32 = 8;

/// Longest side of a rendered image, in pixels.
pub const MAX_EXPORT_SIDE_PX: u64 = 16_384;

/// Most pixels of a rendered image (64 Mpixel, 192 MiB as 8-bit RGB).
pub const MAX_EXPORT_PIXELS: u64 = 1 << 26;

/// Most pixels of all the frames of an animation together (256 Mpixel).
pub const MAX_ANIMATION_PIXELS: u64 = 1 << 28;

/// How the window draws its textures: one pixel per image pixel (the GPU scales them up) and a
/// one-pixel gutter.
pub const WINDOW_STYLE: GridStyle = GridStyle { scale: 1, gutter_px: 1 };

/// How an [`super::ImageGrid`] is rendered into a single image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridStyle {
    /// Nearest-neighbour magnification of every source pixel; must be in `1..=8`.
    pub scale: u32,
    /// Width in output pixels of the [`GUTTER_GRAY`] gap between neighbouring cells.
    ///
    /// Gutters are drawn between cells only, not around the outside of the grid.
    pub gutter_px: u32,
}

impl GridStyle {
    /// Checks that the scale is within `1..=8`.
    ///
    /// # Errors
    ///
    /// [`RenderError::ScaleOutOfRange`] if it is not.
    pub fn validate(&self) -> Result<(), RenderError> {
        if (MIN_SCALE..=MAX_SCALE).contains(&self.scale) {
            Ok(())
        } else {
            Err(RenderError::ScaleOutOfRange { scale: self.scale })
        }
    }
}

/// Size `(width, height)` in pixels of a grid of `rows × cols` cells of `cell_height × cell_width` source
/// pixels drawn with `style`: the one place where a picture's size is checked, before anything is
/// decoded or allocated for it.
///
/// # Errors
///
/// [`RenderError::ScaleOutOfRange`] if the scale is not in `1..=8`, [`RenderError::EmptyGrid`] if any
/// dimension is zero, and [`RenderError::ImageTooLarge`] beyond [`MAX_EXPORT_SIDE_PX`] per side or
/// [`MAX_EXPORT_PIXELS`] in all.
pub fn rendered_size(
    rows: usize,
    cols: usize,
    cell_height: usize,
    cell_width: usize,
    style: &GridStyle,
) -> Result<(u32, u32), RenderError> {
    style.validate()?;
    if rows == 0 || cols == 0 || cell_height == 0 || cell_width == 0 {
        return Err(RenderError::EmptyGrid { rows, cols, cell_height, cell_width });
    }
    check_output_size(rendered_extent(cols, cell_width, *style), rendered_extent(rows, cell_height, *style))
}

/// Checks an output image of `width × height` pixels against [`MAX_EXPORT_SIDE_PX`] and
/// [`MAX_EXPORT_PIXELS`], returning its size as `u32`s.
///
/// # Errors
///
/// [`RenderError::ImageTooLarge`] when it is over either limit.
pub fn check_output_size(width: u64, height: u64) -> Result<(u32, u32), RenderError> {
    let too_large = || RenderError::ImageTooLarge { width, height };
    if width > MAX_EXPORT_SIDE_PX || height > MAX_EXPORT_SIDE_PX || width.saturating_mul(height) > MAX_EXPORT_PIXELS {
        return Err(too_large());
    }
    Ok((u32::try_from(width).map_err(|_| too_large())?, u32::try_from(height).map_err(|_| too_large())?))
}

/// Checks that `frames` frames of `width × height` pixels stay within [`MAX_ANIMATION_PIXELS`] together.
///
/// # Errors
///
/// [`RenderError::AnimationTooLarge`] when they do not.
pub fn check_animation_size(frames: usize, width: u32, height: u32) -> Result<(), RenderError> {
    let total =
        u64::try_from(frames).unwrap_or(u64::MAX).saturating_mul(u64::from(width)).saturating_mul(u64::from(height));
    if total > MAX_ANIMATION_PIXELS {
        return Err(RenderError::AnimationTooLarge { frames, width, height });
    }
    Ok(())
}

/// Length in output pixels of `count` cells of `cell` source pixels plus the gutters between them,
/// saturating at `u64::MAX` (far over every limit).
fn rendered_extent(count: usize, cell: usize, style: GridStyle) -> u64 {
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    let cell = u64::try_from(cell).unwrap_or(u64::MAX);
    let cells = count.saturating_mul(cell).saturating_mul(u64::from(style.scale));
    count.saturating_sub(1).saturating_mul(u64::from(style.gutter_px)).saturating_add(cells)
}
