//! Tiling equally sized grayscale images into one picture, scaled up by nearest neighbour.

use image::{GrayImage, Luma};

use super::ExportError;

/// Grey level (0 = black, 255 = white) of the gutters drawn between grid cells.
pub const GUTTER_GRAY: u8 = 128;

/// Smallest accepted [`GridStyle::scale`].
pub const MIN_SCALE: u32 = 1;

/// Largest accepted [`GridStyle::scale`].
pub const MAX_SCALE: u32 = 8;

/// Shortest GIF frame delay written, in hundredths of a second (2 = 50 frames per second).
///
/// Browsers and viewers replace shorter delays (0 or 1) with a slow default of 100 ms, so faster
/// requested frame rates are capped here instead.
pub const MIN_GIF_DELAY_CENTISECONDS: u16 = 2;

/// Longest side of an exported image, in pixels.
pub const MAX_EXPORT_SIDE_PX: u64 = 16_384;

/// Most pixels of an exported image (64 Mpixel, 64 MiB as 8-bit gray).
pub const MAX_EXPORT_PIXELS: u64 = 1 << 26;

/// Most pixels of all the frames of an animation together (256 Mpixel).
pub const MAX_ANIMATION_PIXELS: u64 = 1 << 28;

/// A grid of equally sized grayscale images, values in `[0, 1]`, row-major cells.
///
/// `pixels` holds `rows * cols` cells one after another (cell `r * cols + c` is at row `r`,
/// column `c`); each cell is `cell_height` rows of `cell_width` values, also row-major. Values
/// outside `[0, 1]` are clamped when rendering and NaN renders as black (0).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageGrid {
    /// Number of cell rows in the grid.
    pub rows: usize,
    /// Number of cell columns in the grid.
    pub cols: usize,
    /// Height of every cell, in source pixels.
    pub cell_height: usize,
    /// Width of every cell, in source pixels.
    pub cell_width: usize,
    /// Pixel values laid out as `[rows * cols, cell_height, cell_width]`.
    pub pixels: Vec<f32>,
}

/// How an [`ImageGrid`] is rendered into a single image.
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
    /// Checks that the style can be rendered, i.e. that the scale is within `1..=8`.
    ///
    /// # Errors
    ///
    /// [`ExportError::ScaleOutOfRange`] if the scale is outside `1..=8`.
    pub fn validate(&self) -> Result<(), ExportError> {
        if (MIN_SCALE..=MAX_SCALE).contains(&self.scale) {
            Ok(())
        } else {
            Err(ExportError::ScaleOutOfRange { scale: self.scale })
        }
    }
}

impl ImageGrid {
    /// Renders the grid into one grayscale image.
    ///
    /// The result is `cols * cell_width * scale + (cols - 1) * gutter_px` pixels wide and
    /// `rows * cell_height * scale + (rows - 1) * gutter_px` pixels high. Cell `(r, c)` starts at
    /// `x = c * (cell_width * scale + gutter_px)`, `y = r * (cell_height * scale + gutter_px)`.
    /// A value `v` becomes the grey level `round(clamp(v, 0, 1) * 255)`, NaN becomes 0.
    ///
    /// # Errors
    ///
    /// [`ExportError::ScaleOutOfRange`] if the scale is not in `1..=8`,
    /// [`ExportError::EmptyGrid`] if any dimension is zero,
    /// [`ExportError::PixelCountMismatch`] if `pixels` has the wrong length, and
    /// [`ExportError::ImageTooLarge`] if the rendered image would be over the export limits (see
    /// [`rendered_size`]).
    pub fn to_gray_image(&self, style: &GridStyle) -> Result<GrayImage, ExportError> {
        let (rows, cols, cell_h, cell_w) = (self.rows, self.cols, self.cell_height, self.cell_width);
        let (width, height) = rendered_size(rows, cols, cell_h, cell_w, style)?;
        // Within the export caps, so every product below fits in usize.
        let cell_len = cell_h * cell_w;
        let expected = rows * cols * cell_len;
        if self.pixels.len() != expected {
            return Err(ExportError::PixelCountMismatch {
                rows,
                cols,
                cell_height: cell_h,
                cell_width: cell_w,
                expected,
                actual: self.pixels.len(),
            });
        }
        let (out_w, scale, gutter) = (width as usize, style.scale as usize, style.gutter_px as usize);
        let pitch_x = cell_w * scale + gutter;
        let pitch_y = cell_h * scale + gutter;
        let scaled_cell_w = cell_w * scale;

        let mut image = GrayImage::from_pixel(width, height, Luma([GUTTER_GRAY]));
        let buffer: &mut [u8] = &mut image;
        let mut scaled_row = vec![0u8; scaled_cell_w];
        for (cell_index, cell) in self.pixels.chunks_exact(cell_len).enumerate() {
            let x0 = (cell_index % cols) * pitch_x;
            let y0 = (cell_index / cols) * pitch_y;
            for (y, source_row) in cell.chunks_exact(cell_w).enumerate() {
                for (block, &value) in scaled_row.chunks_exact_mut(scale).zip(source_row) {
                    block.fill(gray_level(value));
                }
                for dy in 0..scale {
                    let start = (y0 + y * scale + dy) * out_w + x0;
                    buffer[start..start + scaled_cell_w].copy_from_slice(&scaled_row);
                }
            }
        }
        Ok(image)
    }
}

/// Size `(width, height)` in pixels of a grid of `rows × cols` cells of `cell_height × cell_width` source
/// pixels drawn with `style`: the one place where an exported image's size is checked, before anything is
/// decoded or allocated for it.
///
/// # Errors
///
/// [`ExportError::ScaleOutOfRange`] if the scale is not in `1..=8`, [`ExportError::EmptyGrid`] if any
/// dimension is zero, and [`ExportError::ImageTooLarge`] beyond [`MAX_EXPORT_SIDE_PX`] per side or
/// [`MAX_EXPORT_PIXELS`] in all.
pub fn rendered_size(
    rows: usize,
    cols: usize,
    cell_height: usize,
    cell_width: usize,
    style: &GridStyle,
) -> Result<(u32, u32), ExportError> {
    style.validate()?;
    if rows == 0 || cols == 0 || cell_height == 0 || cell_width == 0 {
        return Err(ExportError::EmptyGrid { rows, cols, cell_height, cell_width });
    }
    check_output_size(rendered_extent(cols, cell_width, *style), rendered_extent(rows, cell_height, *style))
}

/// Checks an output image of `width × height` pixels against [`MAX_EXPORT_SIDE_PX`] and
/// [`MAX_EXPORT_PIXELS`], returning its size as `u32`s.
///
/// # Errors
///
/// [`ExportError::ImageTooLarge`] when it is over either limit.
pub fn check_output_size(width: u64, height: u64) -> Result<(u32, u32), ExportError> {
    let too_large = || ExportError::ImageTooLarge { width, height };
    if width > MAX_EXPORT_SIDE_PX || height > MAX_EXPORT_SIDE_PX || width.saturating_mul(height) > MAX_EXPORT_PIXELS {
        return Err(too_large());
    }
    Ok((u32::try_from(width).map_err(|_| too_large())?, u32::try_from(height).map_err(|_| too_large())?))
}

/// Checks that `frames` frames of `width × height` pixels stay within [`MAX_ANIMATION_PIXELS`] together.
///
/// # Errors
///
/// [`ExportError::AnimationTooLarge`] when they do not.
pub fn check_animation_size(frames: usize, width: u32, height: u32) -> Result<(), ExportError> {
    let total =
        u64::try_from(frames).unwrap_or(u64::MAX).saturating_mul(u64::from(width)).saturating_mul(u64::from(height));
    if total > MAX_ANIMATION_PIXELS {
        return Err(ExportError::AnimationTooLarge { frames, width, height });
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

/// Maps a value in `[0, 1]` to a grey level; out-of-range values are clamped and NaN maps to 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn gray_level(value: f32) -> u8 {
    if value.is_nan() {
        return 0;
    }
    // The clamped, rounded value lies in 0.0..=255.0, so the cast is exact.
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}

/// Rows of `per_row` originals each followed by a row of their reconstructions, blank-padded:
/// the cells of an image grid with `per_row` columns. `pixels` is the size of one image.
pub fn interleave_rows(originals: &[f32], reconstructions: &[f32], pixels: usize, per_row: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let count = originals.len() / pixels.max(1);
    for row_start in (0..count).step_by(per_row.max(1)) {
        for source in [originals, reconstructions] {
            for index in row_start..row_start + per_row {
                match source.get(index * pixels..(index + 1) * pixels) {
                    Some(image) => out.extend_from_slice(image),
                    None => out.extend(std::iter::repeat_n(0.0, pixels)),
                }
            }
        }
    }
    out
}
