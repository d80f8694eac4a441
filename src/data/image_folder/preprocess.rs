//! One decoded picture → one planar model input: transparency composited on the background, made square
//! (centre crop or pad), scaled, and written as `[channels, size, size]` bytes.

use std::path::Path;

use image::imageops::{self, FilterType};
use image::{DynamicImage, Rgb, RgbImage};

use super::decode::{decode_picture, read_picture};
use crate::data::{DataError, Fit, Preprocessing};

/// Largest difference between an RGB pixel's channels still counted as grey (JPEG's colour noise on
/// grey pictures stays below it).
const GREY_TOLERANCE: u8 = 6;

/// `image` scaled and fitted into a `size_px × size_px` RGB square, transparency over `background`.
pub fn fit_square(image: &DynamicImage, size_px: u32, fit: Fit, background: [u8; 3]) -> RgbImage {
    let rgb = composite(image, background);
    let (width, height) = rgb.dimensions();
    match fit {
        Fit::CentreCrop => {
            let side = width.min(height);
            let square = imageops::crop_imm(&rgb, (width - side) / 2, (height - side) / 2, side, side).to_image();
            if side == size_px { square } else { imageops::resize(&square, size_px, size_px, FilterType::Triangle) }
        }
        Fit::Pad => {
            let longer = f64::from(width.max(height));
            let scaled = |side: u32| ((f64::from(side) * f64::from(size_px) / longer).round() as u32).clamp(1, size_px);
            let (new_width, new_height) = (scaled(width), scaled(height));
            let resized = if (new_width, new_height) == (width, height) {
                rgb
            } else {
                imageops::resize(&rgb, new_width, new_height, FilterType::Triangle)
            };
            let mut canvas = RgbImage::from_pixel(size_px, size_px, Rgb(background));
            let left = i64::from((size_px - new_width) / 2);
            let top = i64::from((size_px - new_height) / 2);
            imageops::replace(&mut canvas, &resized, left, top);
            canvas
        }
    }
}

/// RGB of `image`, with any transparency composited over `background`.
fn composite(image: &DynamicImage, background: [u8; 3]) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u32::from(pixel[3]);
        for channel in 0..3 {
            // Rounded (value·α + background·(255 − α)) / 255, always ≤ 255.
            let mixed = u32::from(pixel[channel]) * alpha + u32::from(background[channel]) * (255 - alpha);
            out[channel] = ((mixed + 127) / 255) as u8;
        }
    }
    rgb
}

/// Writes `rgb` planar into `out`: three planes (red, green, blue) or one grey plane.
///
/// `out` holds `channels × width × height` bytes.
pub fn write_planar(rgb: &RgbImage, channels: usize, out: &mut [u8]) {
    let plane = rgb.width() as usize * rgb.height() as usize;
    if channels == 1 {
        for (value, pixel) in out.iter_mut().zip(rgb.pixels()) {
            *value = luma(pixel.0);
        }
        return;
    }
    for (index, pixel) in rgb.pixels().enumerate() {
        for channel in 0..channels.min(3) {
            if let Some(value) = out.get_mut(channel * plane + index) {
                *value = pixel[channel];
            }
        }
    }
}

/// Grey level of an RGB pixel (Rec. 709 weights, as `image` uses).
pub fn luma([red, green, blue]: [u8; 3]) -> u8 {
    let weighted = 2126 * u32::from(red) + 7152 * u32::from(green) + 722 * u32::from(blue);
    ((weighted + 5000) / 10_000).min(255) as u8
}

/// True when some pixel of a planar RGB image (`[3, plane]`) shows colour.
pub fn planar_has_colour(values: &[u8]) -> bool {
    let plane = values.len() / 3;
    let (red, rest) = values.split_at(plane);
    let (green, blue) = rest.split_at(plane);
    red.iter().zip(green).zip(blue).any(|((&r, &g), &b)| {
        r.abs_diff(g) > GREY_TOLERANCE || g.abs_diff(b) > GREY_TOLERANCE || r.abs_diff(b) > GREY_TOLERANCE
    })
}

/// Reads the picture at `path` and turns it into a model input of `preprocessing`'s shape:
/// `[channels, size, size]` bytes, planar. Used to import one picture into a model trained on a folder.
pub fn preprocess_image_file(path: &Path, preprocessing: &Preprocessing) -> Result<Vec<u8>, DataError> {
    let bytes = read_picture(path).map_err(|reason| DataError::ImageFile { path: path.to_path_buf(), reason })?;
    preprocess_image_bytes(&bytes, path, preprocessing)
}

/// Like [`preprocess_image_file`] for a picture already in memory (a drop); `name` is used in messages.
pub fn preprocess_image_bytes(bytes: &[u8], name: &Path, preprocessing: &Preprocessing) -> Result<Vec<u8>, DataError> {
    preprocessing.validate().map_err(|reason| DataError::ImageFile { path: name.to_path_buf(), reason })?;
    if bytes.is_empty() {
        return Err(DataError::ImageFile { path: name.to_path_buf(), reason: "empty".to_string() });
    }
    let image = decode_picture(bytes, preprocessing.image_size_px as u32)
        .map_err(|reason| DataError::ImageFile { path: name.to_path_buf(), reason })?;
    let size_px = preprocessing.image_size_px as u32;
    let square = fit_square(&image, size_px, preprocessing.fit, preprocessing.background);
    let mut values = vec![0; preprocessing.shape().values()];
    write_planar(&square, preprocessing.channels, &mut values);
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    #[test]
    fn transparency_lands_on_the_background_and_planes_are_separate() {
        let mut picture = image::RgbaImage::from_pixel(4, 4, Rgba([0, 0, 0, 0]));
        picture.put_pixel(0, 0, Rgba([255, 0, 0, 255]));
        let square = fit_square(&DynamicImage::ImageRgba8(picture), 4, Fit::CentreCrop, [0, 0, 255]);
        let mut planar = vec![0; 48];
        write_planar(&square, 3, &mut planar);
        assert_eq!((planar[0], planar[16], planar[32]), (255, 0, 0), "red corner");
        assert_eq!((planar[1], planar[17], planar[33]), (0, 0, 255), "blue background");
        assert!(planar_has_colour(&planar));
        assert!(!planar_has_colour(&[9, 9, 9, 12, 12, 12]));
    }

    #[test]
    fn crop_keeps_the_centre_and_pad_keeps_everything() {
        // 6 wide, 2 high: red left third, green middle, blue right third.
        let picture = RgbImage::from_fn(6, 2, |x, _| match x / 2 {
            0 => Rgb([255, 0, 0]),
            1 => Rgb([0, 255, 0]),
            _ => Rgb([0, 0, 255]),
        });
        let cropped = fit_square(&DynamicImage::ImageRgb8(picture.clone()), 2, Fit::CentreCrop, [0, 0, 0]);
        assert!(cropped.pixels().all(|pixel| pixel.0 == [0, 255, 0]), "{cropped:?}");
        let padded = fit_square(&DynamicImage::ImageRgb8(picture), 6, Fit::Pad, [9, 9, 9]);
        assert_eq!(padded.get_pixel(0, 0).0, [9, 9, 9], "pad above");
        assert_eq!(padded.get_pixel(0, 2).0, [255, 0, 0]);
        assert_eq!(padded.get_pixel(5, 3).0, [0, 0, 255]);
        assert_eq!(luma([255, 255, 255]), 255);
    }
}
