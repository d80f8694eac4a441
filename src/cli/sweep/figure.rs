//! The sweep's `reconstructions.png`: the same held-out images in the top row, then one row per
//! run with its reconstructions (decoded from the encoder means), each row labelled with the
//! run's name, drawn with the Hack font egui ships.

use std::path::Path;

use ab_glyph::FontRef;
use image::{Rgb, RgbImage};

use crate::data::ImageSet;
use crate::export::{ExportError, write_png};
use crate::image_shape::ImageShape;
use crate::render::{TextStyle, check_output_size, draw_text, hack_font};

/// File name of the figure inside the sweep's folder.
pub const FIGURE_FILE: &str = "reconstructions.png";
/// Held-out images per row: the first image of each class, then the next ones in order.
pub const FIGURE_IMAGES: usize = 10;
/// Width of the label column, in pixels; longer names are cut with "…".
pub const LABEL_WIDTH_PX: u32 = 240;
/// Pixels between cells and around the figure.
pub const GUTTER_PX: u32 = 4;
/// Height of the label text, in pixels.
const FONT_PX: f32 = 16.0;
/// Largest image side drawn at twice its size.
const DOUBLED_MAX_SIDE_PX: usize = 64;
const BACKGROUND: Rgb<u8> = Rgb([255, 255, 255]);
const INK: Rgb<u8> = Rgb([20, 20, 20]);

/// One labelled row: `pixels` is [images, channels, height, width] in [0, 1].
#[derive(Clone, Debug)]
pub struct FigureRow {
    /// Drawn in the label column.
    pub label: String,
    /// The row's images, planar.
    pub pixels: Vec<f32>,
}

/// Nearest-neighbour scale of each image: 2, or 1 for images larger than 64 pixels a side.
fn cell_scale(shape: ImageShape) -> u64 {
    if shape.height.max(shape.width) <= DOUBLED_MAX_SIDE_PX { 2 } else { 1 }
}

/// Width and height of a figure of `rows` rows (the originals' row included) of `images` images
/// of `shape`; fails when it would exceed the export limits.
pub fn figure_size(rows: usize, images: usize, shape: ImageShape) -> Result<(u32, u32), ExportError> {
    let scale = cell_scale(shape);
    let gutter = u64::from(GUTTER_PX);
    let to_u64 = |value: usize| u64::try_from(value).unwrap_or(u64::MAX);
    let cell_width = to_u64(shape.width).saturating_mul(scale).saturating_add(gutter);
    let cell_height = to_u64(shape.height).saturating_mul(scale).saturating_add(gutter);
    let width =
        u64::from(LABEL_WIDTH_PX).saturating_add(to_u64(images).saturating_mul(cell_width)).saturating_add(gutter);
    let height = to_u64(rows).saturating_mul(cell_height).saturating_add(gutter);
    Ok(check_output_size(width, height)?)
}

/// The held-out images the figure shows: the first of each class (in class order), then the
/// earliest others, up to [`FIGURE_IMAGES`].
pub fn pick_images(set: &ImageSet) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    for class in 0..=u8::MAX {
        if picked.len() == FIGURE_IMAGES {
            break;
        }
        if let Some(index) = set.labels.iter().position(|&label| label == class) {
            picked.push(index);
        }
    }
    for index in 0..set.len() {
        if picked.len() >= FIGURE_IMAGES {
            break;
        }
        if !picked.contains(&index) {
            picked.push(index);
        }
    }
    picked
}

/// Draws the rows: each label at the left, then its images side by side.
pub fn render(rows: &[FigureRow], images: usize, shape: ImageShape) -> Result<RgbImage, ExportError> {
    let (width, height) = figure_size(rows.len(), images, shape)?;
    let mut canvas = RgbImage::from_pixel(width, height, BACKGROUND);
    let font = hack_font();
    let scale = u32::try_from(cell_scale(shape)).unwrap_or(1);
    let (cell_width, cell_height) = (shape.width as u32 * scale, shape.height as u32 * scale);
    let values = shape.values();
    for (row_index, row) in rows.iter().enumerate() {
        let top = GUTTER_PX + row_index as u32 * (cell_height + GUTTER_PX);
        if let Some(font) = &font {
            let baseline = top as f32 + (cell_height as f32 + FONT_PX * 0.7) / 2.0;
            draw_label(&mut canvas, font, &row.label, baseline);
        }
        for (image_index, image) in row.pixels.chunks_exact(values.max(1)).take(images).enumerate() {
            let left = LABEL_WIDTH_PX + image_index as u32 * (cell_width + GUTTER_PX);
            draw_image(&mut canvas, image, shape, (left, top), scale);
        }
    }
    Ok(canvas)
}

/// Writes the figure to `path` atomically (a grey PNG when every pixel is grey, RGB otherwise).
pub fn write_figure(path: &Path, rows: &[FigureRow], images: usize, shape: ImageShape) -> Result<(), ExportError> {
    let canvas = render(rows, images, shape)?;
    write_png(path, &canvas, &[])
}

/// Copies one planar image into the canvas at `(left, top)`, each pixel `scale` × `scale`.
fn draw_image(canvas: &mut RgbImage, image: &[f32], shape: ImageShape, (left, top): (u32, u32), scale: u32) {
    let plane = shape.height * shape.width;
    let byte = |value: f32| (value.clamp(0.0, 1.0) * 255.0).round() as u8;
    for y in 0..shape.height {
        for x in 0..shape.width {
            let at = |channel: usize| image.get(channel * plane + y * shape.width + x).copied().unwrap_or(0.0);
            let colour =
                if shape.channels >= 3 { Rgb([byte(at(0)), byte(at(1)), byte(at(2))]) } else { Rgb([byte(at(0)); 3]) };
            for dy in 0..scale {
                for dx in 0..scale {
                    let (px, py) = (left + x as u32 * scale + dx, top + y as u32 * scale + dy);
                    if px < canvas.width() && py < canvas.height() {
                        canvas.put_pixel(px, py, colour);
                    }
                }
            }
        }
    }
}

/// Draws `text` in the label column with its baseline at `baseline`, cut to fit with "…".
fn draw_label(canvas: &mut RgbImage, font: &FontRef<'_>, text: &str, baseline: f32) {
    let style = TextStyle { size_px: FONT_PX, ink: INK.0, max_width_px: (LABEL_WIDTH_PX - 2 * GUTTER_PX) as f32 };
    draw_text(canvas, font, text, [GUTTER_PX as f32, baseline], style);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGIT: ImageShape = ImageShape { channels: 1, height: 28, width: 28 };

    #[test]
    fn size_follows_the_layout() {
        // 240 label + 10 × (56 + 4) + 4 wide; 3 × (56 + 4) + 4 high.
        assert_eq!(figure_size(3, 10, DIGIT).expect("fits"), (844, 184));
        let large = ImageShape { channels: 3, height: 4096, width: 4096 };
        assert!(figure_size(3, 10, large).is_err());
    }

    #[test]
    fn labels_draw_ink_in_their_column_only() {
        let rows = vec![FigureRow { label: "mlp-latent2-beta1".into(), pixels: vec![0.0; 28 * 28 * 10] }];
        let canvas = render(&rows, 10, DIGIT).expect("render");
        let dark_in_label = (0..LABEL_WIDTH_PX)
            .flat_map(|x| (0..canvas.height()).map(move |y| (x, y)))
            .filter(|&(x, y)| canvas.get_pixel(x, y)[0] < 128)
            .count();
        assert!(dark_in_label > 50, "the label drew {dark_in_label} dark pixels");
        // The first image is black, at its place after the label column.
        assert_eq!(canvas.get_pixel(LABEL_WIDTH_PX + 1, GUTTER_PX + 1)[0], 0);
    }

    #[test]
    fn one_of_each_class_first() {
        let set = ImageSet {
            channels: 1,
            height: 1,
            width: 1,
            pixels: vec![0; 30],
            labels: (0..30).map(|index| [3, 3, 1, 0, 2][index % 5]).collect(),
        };
        let picked = pick_images(&set);
        assert_eq!(picked.len(), FIGURE_IMAGES);
        assert_eq!(picked, [3, 2, 4, 0, 1, 5, 6, 7, 8, 9]);
    }
}
