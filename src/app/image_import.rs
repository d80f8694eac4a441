//! The one place an image file (chosen or dropped) becomes a morph end: the model's input, planar
//! `[channels, height, width]` in `[0, 1]`. Runs on the file thread.

use std::path::Path;

use crate::digit_import::{ImportError, import_image};
use crate::image_shape::ImageShape;

/// The side of the images the MNIST-style digit import was made for.
const DIGIT_SIDE: usize = 28;

/// Reads `path` as an input for a model of `shape`.
///
/// Grey 28 × 28 models get the MNIST-style digit import (ink bright on black, fitted into 20 × 20,
/// centred by mass). Every other model should get the preprocessing it was trained with.
///
/// MERGE: the image-folder branch adds `crate::data::preprocess_image_file(path, &Preprocessing)`
/// and stores the `Preprocessing` in the checkpoint. Once it is in, pass the model's
/// preprocessing here and, for every model but grey 28 × 28, return
/// `preprocess_image_file(path, &preprocessing)` instead of the fallback below, which runs the
/// digit import at the model's size and copies the grey image into every channel.
pub fn import_morph_end(path: &Path, shape: ImageShape) -> Result<Vec<f32>, ImportError> {
    let imported = import_image(path, shape.height, shape.width)?;
    let grey: Vec<f32> = imported.pixels.iter().map(|&byte| f32::from(byte) / 255.0).collect();
    if shape.channels == 1 && (shape.height, shape.width) == (DIGIT_SIDE, DIGIT_SIDE) {
        return Ok(grey);
    }
    // Fallback until the model's own preprocessing is available (see MERGE above).
    Ok(grey.iter().copied().cycle().take(grey.len() * shape.channels).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_colour_model_gets_one_value_per_channel() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("dot.png");
        let mut image = image::RgbImage::from_pixel(40, 40, image::Rgb([255, 255, 255]));
        for y in 10..30 {
            for x in 15..25 {
                image.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        image.save(&path).expect("write png");
        let grey = import_morph_end(&path, ImageShape::grey(28, 28)).expect("grey import");
        assert_eq!(grey.len(), 28 * 28);
        let colour = import_morph_end(&path, ImageShape { channels: 3, height: 16, width: 16 }).expect("colour");
        assert_eq!(colour.len(), 3 * 16 * 16);
        assert!(colour.iter().all(|value| (0.0..=1.0).contains(value)));
        assert_eq!(&colour[..256], &colour[256..512], "the fallback repeats the grey plane");
    }
}
