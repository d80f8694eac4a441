//! IDX digits brought to the image a model trained elsewhere reads: padded (centred, on the
//! background) when its sides are larger, resampled (bilinear) when smaller, a grey plane copied
//! into each channel of a colour model.

use super::{Dataset, ImageSet};
use crate::image_shape::ImageShape;

impl Dataset {
    /// This IDX dataset with every image brought to `shape`; `None` for a picture folder (read it
    /// at the model's size instead) or a colour set.
    pub fn brought_to(&self, shape: ImageShape) -> Option<Self> {
        if self.preprocessing.is_some() || self.train.channels != 1 || shape.values() == 0 {
            return None;
        }
        Some(Self {
            name: self.name.clone(),
            class_names: self.class_names.clone(),
            train: self.train.brought_to(shape),
            heldout: self.heldout.brought_to(shape),
            has_classes: self.has_classes,
            skipped: self.skipped.clone(),
            preprocessing: None,
            paths: self.paths.clone(),
        })
    }
}

/// How grey `from` images become `to` ones, for the line that says so: "padded around the centre",
/// "resampled bilinearly", and ", grey copied into 3 channels" for a colour model.
pub fn fitting_words(from: ImageShape, to: ImageShape) -> String {
    let sides = if to.height >= from.height && to.width >= from.width {
        "padded around the centre"
    } else {
        "resampled bilinearly"
    };
    if to.channels > 1 && from.channels == 1 {
        format!("{sides}, grey copied into {} channels", to.channels)
    } else {
        sides.to_string()
    }
}

impl ImageSet {
    /// Every (grey) image brought to `shape`.
    fn brought_to(&self, shape: ImageShape) -> Self {
        let (height, width) = (self.height, self.width);
        let pad = shape.height >= height && shape.width >= width;
        let mut pixels = Vec::with_capacity(self.len() * shape.values());
        let mut plane = vec![0u8; shape.pixels()];
        for index in 0..self.len() {
            let image = self.image(index);
            for row in 0..shape.height {
                for column in 0..shape.width {
                    plane[row * shape.width + column] = if pad {
                        let (top, left) = ((shape.height - height) / 2, (shape.width - width) / 2);
                        match (row.checked_sub(top), column.checked_sub(left)) {
                            (Some(y), Some(x)) if y < height && x < width => image[y * width + x],
                            _ => 0,
                        }
                    } else {
                        bilinear(image, height, width, row, column, shape)
                    };
                }
            }
            for _ in 0..shape.channels {
                pixels.extend_from_slice(&plane);
            }
        }
        Self { channels: shape.channels, height: shape.height, width: shape.width, pixels, labels: self.labels.clone() }
    }
}

/// The source image sampled bilinearly at the centre of output pixel (`row`, `column`).
fn bilinear(image: &[u8], height: usize, width: usize, row: usize, column: usize, shape: ImageShape) -> u8 {
    let source = |out: usize, out_size: usize, in_size: usize| {
        ((out as f32 + 0.5) * in_size as f32 / out_size as f32 - 0.5).clamp(0.0, (in_size - 1) as f32)
    };
    let (y, x) = (source(row, shape.height, height), source(column, shape.width, width));
    let (y0, x0) = (y.floor() as usize, x.floor() as usize);
    let (y1, x1) = ((y0 + 1).min(height - 1), (x0 + 1).min(width - 1));
    let (fy, fx) = (y - y0 as f32, x - x0 as f32);
    let at = |y: usize, x: usize| f32::from(image[y * width + x]);
    let top = at(y0, x0) * (1.0 - fx) + at(y0, x1) * fx;
    let bottom = at(y1, x0) * (1.0 - fx) + at(y1, x1) * fx;
    (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_image(height: usize, width: usize) -> ImageSet {
        let pixels = (0..height * width).map(|value| (value * 10) as u8).collect();
        ImageSet { channels: 1, height, width, pixels, labels: vec![3] }
    }

    #[test]
    fn larger_sides_pad_around_the_centre_and_colour_copies_the_plane() {
        let padded = one_image(2, 2).brought_to(ImageShape { channels: 3, height: 4, width: 4 });
        let plane = [0, 0, 0, 0, 0, 0, 10, 0, 0, 20, 30, 0, 0, 0, 0, 0];
        assert_eq!(padded.pixels, [plane, plane, plane].concat());
        assert_eq!((padded.shape(), padded.labels.clone()), (ImageShape { channels: 3, height: 4, width: 4 }, vec![3]));
    }

    #[test]
    fn smaller_sides_resample() {
        let image = ImageSet { channels: 1, height: 2, width: 2, pixels: vec![100; 4], labels: vec![0] };
        let small = image.brought_to(ImageShape::grey(1, 1));
        assert_eq!(small.pixels, vec![100]);
    }
}
