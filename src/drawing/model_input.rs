//! A drawing → the served model's input, made the way the model's own inputs were made: for a grey
//! model without stored preprocessing (MNIST-style digits) the digit import fits the ink into the
//! MNIST box; for any other model the strokes are painted on the model's background and go through
//! its preprocessing, like an imported picture.

use image::{DynamicImage, Rgb, RgbImage};

use super::{Drawing, coverage};
use crate::checkpoint::CheckpointInfo;
use crate::data::image_folder::{fit_square, luma, write_planar};
use crate::data::{Preprocessing, PreprocessingChoice};
use crate::digit_import::import_gray;
use crate::image_import::morph_preprocessing;
use crate::image_shape::ImageShape;

/// Side of the square a digit is rasterised on before the MNIST normalisation, in pixels (NIST's
/// scans, from which MNIST was cut, were 128 × 128).
pub const DIGIT_RASTER_SIDE_PX: usize = 128;

/// Side of the square a picture is rasterised on before the model's preprocessing scales it to
/// the model's size, in pixels (at least the largest model side, so scaling only shrinks).
pub const PICTURE_RASTER_SIDE_PX: usize = 256;

/// A drawing encoded by the served model.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedDrawing {
    /// The drawing as the model reads it: planar `[channels, height, width]` in [0, 1].
    pub pixels: Vec<f32>,
    /// Its encoder mean: `[latent]`.
    pub mean: Vec<f32>,
    /// The decoded mean: planar `[channels, height, width]` in [0, 1].
    pub reconstruction: Vec<f32>,
}

/// `drawing` as input of the model `info` describes: planar `[channels, height, width]` in
/// [0, 1]. `None` when nothing is drawn (or everything was erased).
pub fn drawing_input(drawing: &Drawing, info: &CheckpointInfo) -> Option<Vec<f32>> {
    if drawing.is_empty() {
        return None;
    }
    let shape = info.training.model.image_shape();
    match morph_preprocessing(info, PreprocessingChoice::default()) {
        None => digit_input(drawing, shape),
        Some(preprocessing) if preprocessing.shape() == shape => picture_input(drawing, &preprocessing),
        // No stored recipe makes this shape (a non-square colour model): paint at its size.
        Some(_) => direct_input(drawing, shape),
    }
}

/// White ink on black, normalised as MNIST was (20 × 20 box, centred by mass). The canvas gets a
/// one-pixel black frame so ink touching its edge never makes the import take it for paper.
fn digit_input(drawing: &Drawing, shape: ImageShape) -> Option<Vec<f32>> {
    if shape.channels != 1 {
        return None;
    }
    let side = DIGIT_RASTER_SIDE_PX;
    let ink = coverage(drawing, side, side)?;
    let framed_side = side as u32 + 2;
    let mut gray = image::GrayImage::new(framed_side, framed_side);
    for (index, &value) in ink.iter().enumerate() {
        let (x, y) = ((index % side) as u32 + 1, (index / side) as u32 + 1);
        gray.put_pixel(x, y, image::Luma([(value * 255.0).round() as u8]));
    }
    let imported = import_gray(&gray, shape.height, shape.width)?;
    Some(imported.pixels.iter().map(|&byte| f32::from(byte) / 255.0).collect())
}

/// Ink painted on the model's background, then the model's preprocessing (square fit, scale,
/// grey or RGB planes).
fn picture_input(drawing: &Drawing, preprocessing: &Preprocessing) -> Option<Vec<f32>> {
    let side = PICTURE_RASTER_SIDE_PX;
    let ink_share = coverage(drawing, side, side)?;
    let paper = preprocessing.background;
    let ink = drawing.ink.unwrap_or_else(|| default_ink(paper));
    let mut canvas = RgbImage::new(side as u32, side as u32);
    for (pixel, &share) in canvas.pixels_mut().zip(&ink_share) {
        *pixel = Rgb(mix(paper, ink, share));
    }
    let square =
        fit_square(&DynamicImage::ImageRgb8(canvas), preprocessing.image_size_px as u32, preprocessing.fit, paper);
    let mut bytes = vec![0; preprocessing.shape().values()];
    write_planar(&square, preprocessing.channels, &mut bytes);
    Some(bytes.iter().map(|&byte| f32::from(byte) / 255.0).collect())
}

/// How the canvas looks for the model `info` describes: its paper colour, and the ink used unless
/// one is chosen (`None`: white on black, fitted as an MNIST digit; the ink cannot be chosen).
pub fn canvas_colours(info: &CheckpointInfo) -> ([u8; 3], Option<[u8; 3]>) {
    let shape = info.training.model.image_shape();
    match morph_preprocessing(info, PreprocessingChoice::default()) {
        None => ([0, 0, 0], None),
        Some(preprocessing) if preprocessing.shape() == shape => {
            (preprocessing.background, Some(default_ink(preprocessing.background)))
        }
        Some(_) => ([0, 0, 0], Some([255, 255, 255])),
    }
}

/// Ink painted straight at the model's size on black (grey models see the ink's grey level).
fn direct_input(drawing: &Drawing, shape: ImageShape) -> Option<Vec<f32>> {
    let ink_share = coverage(drawing, shape.width, shape.height)?;
    let ink = drawing.ink.unwrap_or([255, 255, 255]);
    let levels: Vec<u8> = if shape.channels == 1 { vec![luma(ink)] } else { ink.to_vec() };
    let mut values = Vec::with_capacity(shape.values());
    for channel in 0..shape.channels {
        let level = f32::from(levels.get(channel).copied().unwrap_or(0)) / 255.0;
        values.extend(ink_share.iter().map(|share| share * level));
    }
    Some(values)
}

/// The ink used unless one is chosen: black or white, whichever stands out more from `paper`.
pub fn default_ink(paper: [u8; 3]) -> [u8; 3] {
    if luma(paper) > 127 { [0, 0, 0] } else { [255, 255, 255] }
}

/// `paper` covered by `ink` to the share `share` (0 to 1), per channel.
fn mix(paper: [u8; 3], ink: [u8; 3], share: f32) -> [u8; 3] {
    let share = share.clamp(0.0, 1.0);
    [0, 1, 2].map(|channel| {
        let (paper, ink) = (f32::from(paper[channel]), f32::from(ink[channel]));
        (paper + (ink - paper) * share).round().clamp(0.0, 255.0) as u8
    })
}
