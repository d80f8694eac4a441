//! Tiling equally shaped planar images into one RGB picture, scaled up by nearest neighbour.

use image::{Rgb, RgbImage};

use super::RenderError;
use super::limits::{GUTTER_GRAY, GridStyle, rendered_size};
use crate::image_shape::ImageShape;

/// A grid of equally shaped images, values in `[0, 1]`, row-major cells.
///
/// `pixels` holds `rows * cols` cells one after another (cell `r * cols + c` is at row `r`,
/// column `c`); each cell is one planar image `[channels, height, width]` (see [`ImageShape`]).
/// Values outside `[0, 1]` are clamped when rendering and NaN renders as black (0).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageGrid {
    /// Number of cell rows in the grid.
    pub rows: usize,
    /// Number of cell columns in the grid.
    pub cols: usize,
    /// The shape of every cell.
    pub shape: ImageShape,
    /// Values laid out as `[rows * cols, channels, height, width]`.
    pub pixels: Vec<f32>,
}

impl ImageGrid {
    /// Size `(width, height)` in pixels this grid renders to with `style`, checked against the limits.
    ///
    /// # Errors
    ///
    /// As [`rendered_size`].
    pub fn rendered_size(&self, style: &GridStyle) -> Result<(u32, u32), RenderError> {
        rendered_size(self.rows, self.cols, self.shape.height, self.shape.width, style)
    }

    /// Renders the grid into one RGB image.
    ///
    /// The result is `cols * width * scale + (cols - 1) * gutter_px` pixels wide and
    /// `rows * height * scale + (rows - 1) * gutter_px` pixels high. Cell `(r, c)` starts at
    /// `x = c * (width * scale + gutter_px)`, `y = r * (height * scale + gutter_px)`; gutters are
    /// [`GUTTER_GRAY`]. One or two channels render grey (from the first plane); three or more render
    /// the first three planes as red, green and blue. A value `v` becomes the level
    /// `round(clamp(v, 0, 1) * 255)`; NaN becomes 0.
    ///
    /// # Errors
    ///
    /// [`RenderError::ScaleOutOfRange`] if the scale is not in `1..=8`, [`RenderError::EmptyGrid`] if any
    /// dimension is zero, [`RenderError::NoChannels`] for zero channels, [`RenderError::ImageTooLarge`] over
    /// the limits (see [`rendered_size`]), and [`RenderError::PixelCountMismatch`] if `pixels` has the
    /// wrong length.
    pub fn to_rgb_image(&self, style: &GridStyle) -> Result<RgbImage, RenderError> {
        let (width, height) = self.rendered_size(style)?;
        let ImageShape { channels, height: cell_h, width: cell_w } = self.shape;
        if channels == 0 {
            return Err(RenderError::NoChannels);
        }
        // Within the export caps (checked above), so the products below fit in usize unless the
        // channel count is absurd, which the checked product refuses.
        let mismatch = |expected| RenderError::PixelCountMismatch {
            rows: self.rows,
            cols: self.cols,
            channels,
            cell_height: cell_h,
            cell_width: cell_w,
            expected,
            actual: self.pixels.len(),
        };
        let cell_len = self.shape.checked_values().ok_or_else(|| mismatch(usize::MAX))?;
        let expected = cell_len.checked_mul(self.rows * self.cols).ok_or_else(|| mismatch(usize::MAX))?;
        if self.pixels.len() != expected {
            return Err(mismatch(expected));
        }
        let (out_w, scale, gutter) = (width as usize, style.scale as usize, style.gutter_px as usize);
        let pitch_x = cell_w * scale + gutter;
        let pitch_y = cell_h * scale + gutter;
        let plane = cell_h * cell_w;

        let mut image = RgbImage::from_pixel(width, height, Rgb([GUTTER_GRAY; 3]));
        let buffer: &mut [u8] = &mut image;
        let mut scaled_row = vec![0u8; cell_w * scale * 3];
        for (cell_index, cell) in self.pixels.chunks_exact(cell_len).enumerate() {
            let x0 = (cell_index % self.cols) * pitch_x;
            let y0 = (cell_index / self.cols) * pitch_y;
            for y in 0..cell_h {
                for (x, block) in scaled_row.chunks_exact_mut(3 * scale).enumerate() {
                    let at = y * cell_w + x;
                    let rgb = if channels >= 3 {
                        [to_byte(cell[at]), to_byte(cell[plane + at]), to_byte(cell[2 * plane + at])]
                    } else {
                        [to_byte(cell[at]); 3]
                    };
                    for pixel in block.chunks_exact_mut(3) {
                        pixel.copy_from_slice(&rgb);
                    }
                }
                for dy in 0..scale {
                    let start = ((y0 + y * scale + dy) * out_w + x0) * 3;
                    buffer[start..start + scaled_row.len()].copy_from_slice(&scaled_row);
                }
            }
        }
        Ok(image)
    }
}

/// Maps a value in `[0, 1]` to a level 0–255; out-of-range values are clamped and NaN maps to 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn to_byte(value: f32) -> u8 {
    if value.is_nan() {
        return 0;
    }
    // The clamped, rounded value lies in 0.0..=255.0, so the cast is exact.
    (value.clamp(0.0, 1.0) * 255.0).round() as u8
}
