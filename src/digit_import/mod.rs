//! Turns an image file (PNG, JPEG, BMP, GIF or WebP) into an MNIST-style input, following how MNIST was made.
//!
//! Steps: decode (refusing oversized images before their pixels are decoded), apply the EXIF orientation,
//! composite transparency over white paper, convert to grayscale, make the ink bright on a black background
//! (inverting when the border is light), stretch the contrast between the background and the brightest ink,
//! crop to the ink's bounding box, resize with the aspect ratio kept so the longer side fills a 20/28 share of
//! the target, and paste onto a black canvas so the intensity centre of mass lands at the canvas centre.

use std::io::{BufRead, Cursor, Seek};
use std::path::Path;

mod error;
mod normalise;

pub use error::ImportError;
use normalise::normalise;

use crate::safe_read::{SafeReadError, read_regular};
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageDecoder, ImageError, ImageReader, Limits};

/// Largest accepted width or height of a source image, in pixels. Larger images are refused from their header.
pub const MAX_SIDE_PX: u32 = 8192;

/// Largest decoded pixel buffer accepted, in bytes (enough for an 8192 × 8192 RGBA image with 16-bit channels).
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// Largest image file read, in bytes (a compressed picture of a digit is far smaller). Only regular files
/// are read, and never more than this.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Share of the target side the ink's bounding box is scaled to (MNIST: 20 px in a 28 px field).
const BOX_FRACTION: f64 = 20.0 / 28.0;

/// Smallest difference, in 8-bit gray levels, between background and brightest ink for an image not to be blank.
const MIN_CONTRAST: u8 = 32;

/// Share of the background-to-peak contrast below which a pixel counts as background (noise, paper texture).
const INK_THRESHOLD: f32 = 0.15;

/// A grayscale image ready to feed to the model, laid out like MNIST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedImage {
    /// Number of rows.
    pub height: usize,
    /// Number of columns.
    pub width: usize,
    /// Row-major `[height, width]` intensities: `0` is background, `255` is full ink.
    pub pixels: Vec<u8>,
}

/// Reads the image file at `path` and converts it to a `target_height × target_width` MNIST-style input.
///
/// The format is recognised from the content, not the extension. See the module docs for the steps.
pub fn import_image(path: &Path, target_height: usize, target_width: usize) -> Result<ImportedImage, ImportError> {
    check_target(target_height, target_width)?;
    let bytes = read_regular(path, MAX_FILE_BYTES).map_err(|error| match error {
        SafeReadError::Io { path, cause: source } => ImportError::Io { path, cause: source },
        other => ImportError::File(other),
    })?;
    if bytes.is_empty() {
        return Err(not_an_image(path, "the file is empty"));
    }
    let image = decode(Cursor::new(bytes.as_slice()), path)?;
    convert(&image, path, target_height, target_width)
}

/// Like [`import_image`], for an image already in memory (e.g. dropped data); `name` is only used in messages.
pub fn import_bytes(
    bytes: &[u8],
    name: &Path,
    target_height: usize,
    target_width: usize,
) -> Result<ImportedImage, ImportError> {
    check_target(target_height, target_width)?;
    if bytes.is_empty() {
        return Err(not_an_image(name, "there is no data"));
    }
    let image = decode(Cursor::new(bytes), name)?;
    convert(&image, name, target_height, target_width)
}

/// Like [`import_image`], for a grayscale image already decoded (a drawing): `None` when nothing
/// stands out from its background or the target size is unusable.
pub fn import_gray(gray: &GrayImage, target_height: usize, target_width: usize) -> Option<ImportedImage> {
    check_target(target_height, target_width).ok()?;
    normalise(gray, target_height, target_width)
}

fn check_target(height: usize, width: usize) -> Result<(), ImportError> {
    let max = MAX_SIDE_PX as usize;
    if (1..=max).contains(&height) && (1..=max).contains(&width) {
        Ok(())
    } else {
        Err(ImportError::InvalidTarget { height, width, max: MAX_SIDE_PX })
    }
}

/// The decoder's words, on one line: some decoders end their messages with a line break.
fn not_an_image(path: &Path, reason: impl Into<String>) -> ImportError {
    let reason = reason.into().split_whitespace().collect::<Vec<_>>().join(" ");
    ImportError::NotAnImage { path: path.to_path_buf(), reason }
}

/// Maps a decoder error; the data is in memory, so an I/O error means it ends early or is corrupt.
fn decode_error(error: ImageError, path: &Path) -> ImportError {
    match error {
        ImageError::IoError(source) => not_an_image(path, format!("the data is truncated or corrupt: {source}")),
        ImageError::Unsupported(e) => not_an_image(path, format!("unsupported: {e}")),
        other => not_an_image(path, other.to_string()),
    }
}

/// Decodes the first frame, refusing images whose header states more than [`MAX_SIDE_PX`] per side or more than
/// [`MAX_DECODED_BYTES`] of pixels before any pixel data is decoded.
fn decode<R: BufRead + Seek>(source: R, path: &Path) -> Result<DynamicImage, ImportError> {
    let mut reader =
        ImageReader::new(source).with_guessed_format().map_err(|source| not_an_image(path, source.to_string()))?;
    if reader.format().is_none() {
        return Err(not_an_image(path, "its content matches no known image format"));
    }

    // Parse the header with only the memory cap, so the real size is known for the error message.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(e, path))?;

    let (width, height) = decoder.dimensions();
    let too_large = || ImportError::TooLarge { path: path.to_path_buf(), width, height, max: MAX_SIDE_PX };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    match decoder.set_limits(limits) {
        Ok(()) => {}
        Err(ImageError::Limits(_)) => return Err(too_large()),
        Err(e) => return Err(decode_error(e, path)),
    }
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_large());
    }
    if width == 0 || height == 0 {
        return Err(not_an_image(path, "the image has no pixels"));
    }

    // A broken EXIF block should not stop the import; the picture is then used as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        ImageError::Limits(_) => too_large(),
        e => decode_error(e, path),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Grayscale luma of `image`, with any transparency composited over a uniform `paper` gray level.
fn luma_over(image: &DynamicImage, paper: u8) -> GrayImage {
    if !image.color().has_alpha() {
        return image.to_luma8();
    }
    let with_alpha = image.to_luma_alpha8();
    let paper = u32::from(paper);
    let pixels = with_alpha
        .as_raw()
        .chunks_exact(2)
        .map(|la| {
            let (l, a) = (u32::from(la[0]), u32::from(la[1]));
            // Rounded (l·a + paper·(255 − a)) / 255, always ≤ 255.
            ((l * a + paper * (255 - a) + 127) / 255) as u8
        })
        .collect();
    GrayImage::from_raw(with_alpha.width(), with_alpha.height(), pixels).unwrap_or_default()
}

fn convert(image: &DynamicImage, path: &Path, height: usize, width: usize) -> Result<ImportedImage, ImportError> {
    match normalise(&luma_over(image, 255), height, width) {
        Some(imported) => Some(imported),
        // Light ink drawn on a transparent background vanishes over white paper; try dark paper instead.
        None if image.color().has_alpha() => normalise(&luma_over(image, 0), height, width),
        None => None,
    }
    .ok_or_else(|| ImportError::Blank { path: path.to_path_buf() })
}

#[cfg(test)]
mod tests;
