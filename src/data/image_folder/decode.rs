//! Reading and decoding one picture file safely: regular files only, a size cap before reading, and a
//! pixel cap checked from the header before any pixel is decoded. Failures are short reasons
//! ("empty", "truncated or corrupt", …) for the skip report.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use super::scan::ScannedFile;
use crate::safe_read::{Links, SafeReadError, open_checked, read_opened};

/// Largest picture file read, in bytes.
pub const MAX_PICTURE_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest accepted width or height of a picture, in pixels; refused from the header.
pub const MAX_PICTURE_SIDE_PX: u32 = 8192;
/// Largest decoded pixel buffer of one picture, in bytes (pictures are decoded on every core at once).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;
/// Memory the JPEG decoder takes per byte of decoded pixels (measured: an 8000×8000 picture, 192 MB of
/// pixels, took about 540 MB): a JPEG's pixels count this many times against [`MAX_DECODED_BYTES`].
const JPEG_DECODER_FACTOR: u64 = 3;

/// Reads a picture file of at most [`MAX_PICTURE_FILE_BYTES`] chosen by the user (links followed);
/// the error is a short reason.
pub fn read_picture(path: &Path) -> Result<Vec<u8>, String> {
    let opened = open_checked(path, Links::Follow).map_err(short_reason)?;
    non_empty(read_opened(opened, MAX_PICTURE_FILE_BYTES, path).map_err(short_reason)?)
}

/// Reads a listed picture of a folder, only if it is still the very file that was listed (a link or
/// FIFO swapped in since is not read); the error is a short reason.
pub fn read_listed_picture(root: &Path, file: &ScannedFile) -> Result<Vec<u8>, String> {
    let opened = file.open(root).map_err(short_reason)?;
    non_empty(read_opened(opened, MAX_PICTURE_FILE_BYTES, &file.relative_path).map_err(short_reason)?)
}

fn short_reason(error: SafeReadError) -> String {
    match error {
        SafeReadError::NotRegular { kind: "a link", .. } => super::scan::CHANGED_SINCE_LISTED.to_string(),
        SafeReadError::NotRegular { kind, .. } => format!("{kind}, not a regular file"),
        SafeReadError::TooLarge { .. } => format!("larger than {} MiB", MAX_PICTURE_FILE_BYTES >> 20),
        SafeReadError::LinkOutside { .. } => "a link leading out of the folder".to_string(),
        SafeReadError::Io { source, .. } if source.to_string() == super::scan::CHANGED_SINCE_LISTED => {
            super::scan::CHANGED_SINCE_LISTED.to_string()
        }
        SafeReadError::Io { source, .. } => format!("unreadable: {source}"),
    }
}

fn non_empty(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.is_empty() {
        return Err("empty".to_string());
    }
    Ok(bytes)
}

/// The width and height a picture's header states, in pixels, checked against the caps.
pub fn probe_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let decoder = checked_decoder(bytes)?;
    Ok(decoder.dimensions())
}

/// Decodes the first frame of a picture (EXIF orientation applied), refusing oversized ones from
/// their header.
pub fn decode_picture(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut decoder = checked_decoder(bytes)?;
    let (width, height) = decoder.dimensions();
    // A broken EXIF block does not stop the load; the picture is then used as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| match error {
        // The header passed the caps: what was too large is a frame or a buffer inside the picture.
        ImageError::Limits(_) => format!(
            "{width}×{height} pixels, but a frame or buffer inside needs more than {} MiB to decode",
            MAX_DECODED_BYTES >> 20
        ),
        other => reason(other),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A decoder for `bytes` whose header has been read and whose size passed the caps.
fn checked_decoder(bytes: &[u8]) -> Result<impl ImageDecoder + '_, String> {
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|error| format!("unreadable: {error}"))?;
    let Some(format) = reader.format() else {
        return Err("not an image".to_string());
    };
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(reason)?;
    let (width, height) = decoder.dimensions();
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PICTURE_SIDE_PX);
    limits.max_image_height = Some(MAX_PICTURE_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    match decoder.set_limits(limits) {
        Ok(()) => {}
        Err(ImageError::Limits(_)) => return Err(too_large(width, height)),
        Err(other) => return Err(reason(other)),
    }
    // The JPEG decoder holds about as much again beside the pixels (planes before colour conversion).
    let decoder_factor = if format == ImageFormat::Jpeg { JPEG_DECODER_FACTOR } else { 1 };
    if decoder.total_bytes().saturating_mul(decoder_factor) > MAX_DECODED_BYTES {
        return Err(format!(
            "{width}×{height} pixels, too large to decode (at most {} MiB of pixels, {MAX_PICTURE_SIDE_PX} per side)",
            MAX_DECODED_BYTES >> 20
        ));
    }
    if width == 0 || height == 0 {
        return Err("no pixels".to_string());
    }
    Ok(decoder)
}

fn too_large(width: u32, height: u32) -> String {
    format!("{width}×{height} pixels, too large (at most {MAX_PICTURE_SIDE_PX} per side)")
}

/// A decoder error as a short reason on one line.
fn reason(error: ImageError) -> String {
    let text = match error {
        ImageError::IoError(_) => return "truncated or corrupt".to_string(),
        ImageError::Limits(_) => return "too large".to_string(),
        ImageError::Unsupported(error) => format!("unsupported: {error}"),
        other => format!("corrupt: {other}"),
    };
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_bytes_give_short_reasons() {
        assert_eq!(decode_picture(b"hello, not a picture").err().as_deref(), Some("not an image"));
        let mut png = Vec::new();
        image::RgbImage::new(4, 4).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
        assert_eq!(probe_size(&png), Ok((4, 4)));
        let truncated = decode_picture(&png[..png.len() / 2]).expect_err("truncated");
        assert!(truncated.contains("truncated") || truncated.contains("corrupt"), "{truncated}");
    }

    #[test]
    fn huge_headers_are_refused_before_decoding() {
        // A valid 1 × 1 PNG whose header is rewritten to announce 100000 × 100000 pixels (30 GB).
        let mut png = Vec::new();
        image::RgbImage::new(1, 1).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&png[12..29]);
        png[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let error = decode_picture(&png).expect_err("refused");
        assert!(error.contains("too large"), "{error}");
    }

    #[test]
    fn a_jpeg_header_counts_its_decoder_overhead() {
        // A small JPEG whose frame header (SOF0) is rewritten to announce 6000 × 6000 pixels: 108 MB of
        // RGB pixels, within the cap, but the decoder would take about three times that.
        let mut jpeg = Vec::new();
        image::RgbImage::new(8, 8).write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).expect("encode");
        let sof = jpeg.windows(2).position(|pair| pair == [0xFF, 0xC0]).expect("a SOF0 marker");
        jpeg[sof + 5..sof + 7].copy_from_slice(&6000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&6000u16.to_be_bytes());
        let error = decode_picture(&jpeg).expect_err("refused from the header");
        assert!(error.contains("6000×6000 pixels, too large to decode"), "{error}");
    }
}
