//! Turns an image file (PNG, JPEG, BMP, GIF or WebP) into an MNIST-style input, following how MNIST was made.
//!
//! Steps: decode (refusing oversized images before their pixels are decoded), apply the EXIF orientation,
//! composite transparency over white paper, convert to grayscale, make the ink bright on a black background
//! (inverting when the border is light), stretch the contrast between the background and the brightest ink,
//! crop to the ink's bounding box, resize with the aspect ratio kept so the longer side fills a 20/28 share of
//! the target, and paste onto a black canvas so the intensity centre of mass lands at the canvas centre.

use std::io::{self, BufRead, Cursor, Seek};
use std::path::{Path, PathBuf};

use crate::safe_read::{SafeReadError, read_regular};
use image::imageops::{self, FilterType};
use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, ImageBuffer, ImageDecoder, ImageError, ImageReader, Limits, Luma};

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

/// Why an image could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or read.
    #[error("could not read {}: {source}. Check that the file exists and that you may read it.", path.display())]
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// The path is a folder, FIFO or device, or the file is larger than [`MAX_FILE_BYTES`].
    #[error(transparent)]
    File(SafeReadError),
    /// The data is not an image in a supported format, or it is corrupt or truncated.
    #[error("{} is not an image that can be imported ({reason}). Use a PNG, JPEG, BMP, GIF or WebP file.", path.display())]
    NotAnImage {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
        /// What the decoder reported.
        reason: String,
    },
    /// The image is larger than the import accepts; it was refused before its pixels were decoded.
    #[error(
        "{} is {width} × {height} pixels, too large to import (at most {max} pixels per side and {} MiB of pixel \
         data). Scale or crop it down and try again.",
        path.display(),
        MAX_DECODED_BYTES / (1024 * 1024)
    )]
    TooLarge {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
        /// Width stated by the image header.
        width: u32,
        /// Height stated by the image header.
        height: u32,
        /// The largest accepted side, [`MAX_SIDE_PX`].
        max: u32,
    },
    /// Nothing in the image stands out from its background.
    #[error(
        "{} looks blank: nothing stands out from the background. Use a picture of a single digit, dark on a light \
         background or light on a dark one.",
        path.display()
    )]
    Blank {
        /// The file (or the name given to in-memory data).
        path: PathBuf,
    },
    /// The requested output size is unusable.
    #[error("cannot import into a {height} × {width} pixel model input: both sides must be between 1 and {max} pixels")]
    InvalidTarget {
        /// Requested number of rows.
        height: usize,
        /// Requested number of columns.
        width: usize,
        /// The largest accepted side.
        max: u32,
    },
}

/// Reads the image file at `path` and converts it to a `target_height × target_width` MNIST-style input.
///
/// The format is recognised from the content, not the extension. See the module docs for the steps.
pub fn import_image(path: &Path, target_height: usize, target_width: usize) -> Result<ImportedImage, ImportError> {
    check_target(target_height, target_width)?;
    let bytes = read_regular(path, MAX_FILE_BYTES).map_err(|error| match error {
        SafeReadError::Io { path, source } => ImportError::Io { path, source },
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

/// Runs the MNIST normalisation on a grayscale image; `None` when it is blank.
fn normalise(gray: &GrayImage, target_height: usize, target_width: usize) -> Option<ImportedImage> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    if w == 0 || h == 0 || raw.len() != w * h {
        return None;
    }

    // Border pixels decide which side is paper: a light border means dark ink, which is inverted.
    let mut border_hist = [0u64; 256];
    let mut add = |v: u8| border_hist[usize::from(v)] += 1;
    for x in 0..w {
        add(raw[x]);
        if h > 1 {
            add(raw[(h - 1) * w + x]);
        }
    }
    for y in 1..h.saturating_sub(1) {
        add(raw[y * w]);
        if w > 1 {
            add(raw[y * w + w - 1]);
        }
    }
    let border_count: u64 = border_hist.iter().sum();
    let border_sum: u64 = border_hist.iter().enumerate().map(|(v, &c)| v as u64 * c).sum();
    let invert = border_sum > 127 * border_count;
    let ink = |v: u8| if invert { 255 - v } else { v };

    // Background level: median border value, in ink orientation.
    let mut seen = 0;
    let mut background = 0u8;
    for v in 0..=255u8 {
        seen += border_hist[usize::from(ink(v))];
        if 2 * seen >= border_count {
            background = v;
            break;
        }
    }
    let peak = raw.iter().map(|&v| ink(v)).max().unwrap_or(0);
    if peak < background.saturating_add(MIN_CONTRAST) {
        return None;
    }

    // Linear map: the noise floor above the background goes to 0, the brightest ink to 1.
    let floor = f32::from(background) + INK_THRESHOLD * f32::from(peak - background);
    let span = f32::from(peak) - floor;
    let mut lut = [0.0f32; 256];
    for (v, out) in lut.iter_mut().enumerate() {
        *out = ((f32::from(ink(v as u8)) - floor) / span).clamp(0.0, 1.0);
    }

    // Bounding box of the ink.
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for (y, row) in raw.chunks_exact(w).enumerate() {
        let is_ink = |&v: &u8| lut[usize::from(v)] > 0.0;
        if let (Some(first), Some(last)) = (row.iter().position(is_ink), row.iter().rposition(is_ink)) {
            x0 = x0.min(first);
            x1 = x1.max(last);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if x0 > x1 || y0 > y1 {
        return None;
    }
    let (crop_w, crop_h) = (x1 - x0 + 1, y1 - y0 + 1);

    // Size of the fitted box, keeping the aspect ratio.
    let box_h = ((target_height as f64 * BOX_FRACTION).round() as usize).clamp(1, target_height);
    let box_w = ((target_width as f64 * BOX_FRACTION).round() as usize).clamp(1, target_width);
    let scale = (box_h as f64 / crop_h as f64).min(box_w as f64 / crop_w as f64);
    let out_h = ((crop_h as f64 * scale).round() as usize).clamp(1, box_h);
    let out_w = ((crop_w as f64 * scale).round() as usize).clamp(1, box_w);

    // Large reductions: average k × k blocks first (cost linear in the source), leaving ≥ 2× for the filter.
    let factor = if scale < 0.25 { (0.5 / scale).floor() as usize } else { 1 };
    let reduced = box_reduce(raw, w, (x0, y0, crop_w, crop_h), factor, &lut);
    // Catmull-Rom is about as sharp as Lanczos3 but lacks its outer positive lobe, whose ringing leaves faint
    // speckles on the black background.
    let resized = imageops::resize(&reduced, out_w as u32, out_h as u32, FilterType::CatmullRom);
    let mut values: Vec<f32> = resized.into_raw().into_iter().map(|v| v.clamp(0.0, 1.0)).collect();

    // Thin strokes get dimmer when shrunk; bring the brightest pixel back to full ink as in MNIST.
    let max = values.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return None;
    }
    values.iter_mut().for_each(|v| *v /= max);

    // Centre of mass, with pixel centres at i + 0.5.
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (y, row) in values.chunks_exact(out_w).enumerate() {
        for (x, &v) in row.iter().enumerate() {
            let v = f64::from(v);
            mass += v;
            mx += v * (x as f64 + 0.5);
            my += v * (y as f64 + 0.5);
        }
    }
    let place = |target: usize, size: usize, centre: f64| -> usize {
        let offset = (target as f64 / 2.0 - centre).round().max(0.0) as usize;
        offset.min(target - size)
    };
    let left = place(target_width, out_w, mx / mass);
    let top = place(target_height, out_h, my / mass);

    let mut pixels = vec![0u8; target_height * target_width];
    for (y, row) in values.chunks_exact(out_w).enumerate() {
        let start = (top + y) * target_width + left;
        for (out, &v) in pixels[start..start + out_w].iter_mut().zip(row) {
            *out = (v * 255.0).round() as u8;
        }
    }
    Some(ImportedImage { height: target_height, width: target_width, pixels })
}

/// Crops `(x0, y0, cw, ch)` out of the row-major `raw` image of width `w`, maps it through `lut` and averages
/// `factor × factor` blocks (partial blocks at the right and bottom edges average what they cover).
fn box_reduce(
    raw: &[u8],
    w: usize,
    (x0, y0, cw, ch): (usize, usize, usize, usize),
    factor: usize,
    lut: &[f32; 256],
) -> ImageBuffer<Luma<f32>, Vec<f32>> {
    let factor = factor.max(1);
    let (rw, rh) = (cw.div_ceil(factor), ch.div_ceil(factor));
    let mut sums = vec![0.0f32; rw * rh];
    let mut counts = vec![0u32; rw * rh];
    for y in 0..ch {
        let row = &raw[(y0 + y) * w + x0..(y0 + y) * w + x0 + cw];
        let out_row = (y / factor) * rw;
        for (x, &v) in row.iter().enumerate() {
            sums[out_row + x / factor] += lut[usize::from(v)];
            counts[out_row + x / factor] += 1;
        }
    }
    let data: Vec<f32> = sums.iter().zip(&counts).map(|(&s, &c)| s / c.max(1) as f32).collect();
    ImageBuffer::from_raw(rw as u32, rh as u32, data).unwrap_or_else(|| ImageBuffer::new(rw as u32, rh as u32))
}

#[cfg(test)]
mod tests;
