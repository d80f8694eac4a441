//! Reading and decoding one picture file safely: regular files only, a size cap before reading, and a
//! pixel cap checked from the header before any pixel is decoded. Failures are short reasons
//! ("empty", "truncated or corrupt", …) for the skip report.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, Limits};

use crate::safe_read::{SafeReadError, read_regular};

/// Largest picture file read, in bytes.
pub const MAX_PICTURE_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest accepted width or height of a picture, in pixels; refused from the header.
pub const MAX_PICTURE_SIDE_PX: u32 = 8192;
/// Largest decoded pixel buffer of one picture, in bytes (pictures are decoded on every core at once).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a picture file of at most [`MAX_PICTURE_FILE_BYTES`]; the error is a short reason.
pub fn read_picture(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = read_regular(path, MAX_PICTURE_FILE_BYTES).map_err(|error| match error {
        SafeReadError::NotRegular { kind, .. } => format!("{kind}, not a regular file"),
        SafeReadError::TooLarge { .. } => format!("larger than {} MiB", MAX_PICTURE_FILE_BYTES >> 20),
        SafeReadError::Io { source, .. } => format!("unreadable: {source}"),
    })?;
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
        ImageError::Limits(_) => too_large(width, height),
        other => reason(other),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// A decoder for `bytes` whose header has been read and whose size passed the caps.
fn checked_decoder(bytes: &[u8]) -> Result<impl ImageDecoder + '_, String> {
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|error| format!("unreadable: {error}"))?;
    if reader.format().is_none() {
        return Err("not an image".to_string());
    }
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
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(too_large(width, height));
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
}
