//! The layout of every view's picture: which images go in which cell. The window's textures, its
//! exports and the command line's exports all build their grids here.
//!
//! Every function takes planar images of `shape` one after another and returns an [`ImageGrid`];
//! a grid whose values do not fill its cells exactly is refused when rendered
//! ([`super::RenderError::PixelCountMismatch`]), except where a layout says it pads with black.

use super::ImageGrid;
use super::limits::{GridStyle, MAX_EXPORT_SIDE_PX};
use crate::image_shape::ImageShape;
use crate::inference::SAMPLE_GRID_SIDE;

/// Columns of the reconstruction view: originals on one row, their reconstructions below.
pub const PAIRS_PER_ROW: usize = 8;

/// The decoder sweep: `size × size` decoded images, row-major.
pub fn decoder_grid(images: Vec<f32>, shape: ImageShape, size: usize) -> ImageGrid {
    grid(size, size, shape, images)
}

/// The prior samples: [`SAMPLE_GRID_SIDE`] × [`SAMPLE_GRID_SIDE`] decoded images.
pub fn prior_samples(images: Vec<f32>, shape: ImageShape) -> ImageGrid {
    grid(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE, shape, images)
}

/// Rows of the reconstruction view for `pairs` originals: each row of [`PAIRS_PER_ROW`] originals is
/// followed by a row of their reconstructions.
pub fn reconstruction_rows(pairs: usize) -> usize {
    2 * pairs.div_ceil(PAIRS_PER_ROW)
}

/// Originals and their reconstructions: rows of [`PAIRS_PER_ROW`] originals, each followed by a row
/// of their reconstructions; a short last row is padded with black.
pub fn reconstructions(originals: &[f32], reconstructions: &[f32], shape: ImageShape) -> ImageGrid {
    let values = shape.values().max(1);
    let count = originals.len() / values;
    let mut pixels = Vec::with_capacity(reconstruction_rows(count) * PAIRS_PER_ROW * values);
    for row_start in (0..count).step_by(PAIRS_PER_ROW) {
        for source in [originals, reconstructions] {
            for index in row_start..row_start + PAIRS_PER_ROW {
                match source.get(index * values..(index + 1) * values) {
                    Some(image) => pixels.extend_from_slice(image),
                    None => pixels.extend(std::iter::repeat_n(0.0, values)),
                }
            }
        }
    }
    grid(reconstruction_rows(count), PAIRS_PER_ROW, shape, pixels)
}

/// The morph strip: `steps` frames from A to B, row after row of `columns` frames (one row when
/// `columns >= steps`); a short last row is padded with black.
pub fn morph_strip(mut strip: Vec<f32>, shape: ImageShape, steps: usize, columns: usize) -> ImageGrid {
    let columns = columns.clamp(1, steps.max(1));
    let rows = steps.div_ceil(columns);
    // Only a strip of exactly `steps` frames is padded: any other length stays wrong and is refused.
    if strip.len() == steps.saturating_mul(shape.values()) {
        strip.resize(rows.saturating_mul(columns).saturating_mul(shape.values()), 0.0);
    }
    grid(rows, columns, shape, strip)
}

/// A strip of `steps` frames as exported with `style`: in rows of [`strip_columns`] frames.
pub fn exported_strip(strip: Vec<f32>, shape: ImageShape, steps: usize, style: &GridStyle) -> ImageGrid {
    morph_strip(strip, shape, steps, strip_columns(steps, shape.width, style))
}

/// Frames per row of an exported strip of `steps` frames `cell_width` pixels wide drawn with
/// `style`: all of them when one row fits within [`MAX_EXPORT_SIDE_PX`], else the fewest rows that
/// fit, filled evenly (300 frames 28 pixels wide at scale 4 with 2-pixel gutters: 3 rows of 100).
/// The picture's height and pixel count are checked as for any grid (a strip too large in all is
/// refused, saying what to lower).
pub fn strip_columns(steps: usize, cell_width: usize, style: &GridStyle) -> usize {
    let pitch = u64::try_from(cell_width)
        .unwrap_or(u64::MAX)
        .saturating_mul(u64::from(style.scale))
        .saturating_add(u64::from(style.gutter_px))
        .max(1);
    // n cells and n - 1 gutters fit when n × pitch ≤ side + gutter.
    let fitting = (MAX_EXPORT_SIDE_PX.saturating_add(u64::from(style.gutter_px)) / pitch).max(1);
    let fitting = usize::try_from(fitting).unwrap_or(usize::MAX);
    let rows = steps.div_ceil(fitting).max(1);
    steps.div_ceil(rows).max(1)
}

/// The frames of a morph animation, one single-image grid per whole frame of the strip.
pub fn morph_frames(strip: &[f32], shape: ImageShape) -> Vec<ImageGrid> {
    strip.chunks_exact(shape.values().max(1)).map(|frame| single_image(frame.to_vec(), shape)).collect()
}

/// One image on its own (the sliders' decoded point, the morph's frame and ends).
pub fn single_image(image: Vec<f32>, shape: ImageShape) -> ImageGrid {
    grid(1, 1, shape, image)
}

/// An image beside its reconstruction (the scatter's hover tooltip); a missing or short one is black.
pub fn image_pair(original: &[f32], reconstruction: &[f32], shape: ImageShape) -> ImageGrid {
    let values = shape.values();
    let mut pixels = fitted(original.to_vec(), values);
    pixels.extend(fitted(reconstruction.to_vec(), values));
    grid(1, 2, shape, pixels)
}

/// A row of `cols` thumbnails (the morph's dataset browser); missing ones are black.
pub fn thumbnail_row(images: Vec<f32>, shape: ImageShape, cols: usize) -> ImageGrid {
    let values = cols.saturating_mul(shape.values());
    grid(1, cols, shape, fitted(images, values))
}

/// The nearest-images picture (window and `export neighbours`): two rows of `1 + k` cells, the
/// decoded query then its nearest training images in pixel space; the query again then its nearest
/// in latent space. Missing images are black.
pub fn neighbour_rows(
    decoded: &[f32],
    pixel_images: &[f32],
    latent_images: &[f32],
    shape: ImageShape,
    k: usize,
) -> ImageGrid {
    let values = shape.values();
    let mut pixels = Vec::with_capacity(2 * (1 + k) * values);
    for images in [pixel_images, latent_images] {
        pixels.extend(fitted(decoded.to_vec(), values));
        pixels.extend(fitted(images.to_vec(), k.saturating_mul(values)));
    }
    grid(2, 1 + k, shape, pixels)
}

/// A `rows × cols` grid of `shape` cells holding `pixels`.
fn grid(rows: usize, cols: usize, shape: ImageShape, pixels: Vec<f32>) -> ImageGrid {
    ImageGrid { rows, cols, shape, pixels }
}

/// `pixels` padded with zeros (black) or cut to exactly `len` values (only for a few small images).
fn fitted(mut pixels: Vec<f32>, len: usize) -> Vec<f32> {
    pixels.resize(len, 0.0);
    pixels
}
