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
    /// [`ExportError::ImageTooLarge`] if the rendered image would not fit in memory or in `u32`.
    pub fn to_gray_image(&self, style: &GridStyle) -> Result<GrayImage, ExportError> {
        style.validate()?;
        let (rows, cols, cell_h, cell_w) = (self.rows, self.cols, self.cell_height, self.cell_width);
        if rows == 0 || cols == 0 || cell_h == 0 || cell_w == 0 {
            return Err(ExportError::EmptyGrid { rows, cols, cell_height: cell_h, cell_width: cell_w });
        }
        let cell_len = cell_h.checked_mul(cell_w).ok_or(ExportError::ImageTooLarge)?;
        let expected =
            rows.checked_mul(cols).and_then(|cells| cells.checked_mul(cell_len)).ok_or(ExportError::ImageTooLarge)?;
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

        let width = rendered_extent(cols, cell_w, *style)?;
        let height = rendered_extent(rows, cell_h, *style)?;
        let out_w = usize::try_from(width).map_err(|_| ExportError::ImageTooLarge)?;
        let out_h = usize::try_from(height).map_err(|_| ExportError::ImageTooLarge)?;
        out_w.checked_mul(out_h).ok_or(ExportError::ImageTooLarge)?;
        // Scale and gutter fit in usize: they were just multiplied into a usize-sized extent.
        let scale = usize::try_from(style.scale).map_err(|_| ExportError::ImageTooLarge)?;
        let gutter = usize::try_from(style.gutter_px).map_err(|_| ExportError::ImageTooLarge)?;
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

/// Length in output pixels of `count` cells of `cell` source pixels plus the gutters between them.
fn rendered_extent(count: usize, cell: usize, style: GridStyle) -> Result<u32, ExportError> {
    let count = u64::try_from(count).map_err(|_| ExportError::ImageTooLarge)?;
    let cell = u64::try_from(cell).map_err(|_| ExportError::ImageTooLarge)?;
    let cells = count
        .checked_mul(cell)
        .and_then(|px| px.checked_mul(u64::from(style.scale)))
        .ok_or(ExportError::ImageTooLarge)?;
    let gutters = count.saturating_sub(1).checked_mul(u64::from(style.gutter_px));
    let total = gutters.and_then(|g| g.checked_add(cells)).ok_or(ExportError::ImageTooLarge)?;
    u32::try_from(total).map_err(|_| ExportError::ImageTooLarge)
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
