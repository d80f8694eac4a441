//! Reading and decoding one picture file safely: regular files only, a size cap before reading, and a
//! pixel cap checked from the header before any pixel is decoded. Failures are short reasons
//! ("empty", "truncated or corrupt", …) for the skip report.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use super::scaled_jpeg::{decode_scaled, scale_denominator, scaled_size};
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
        SafeReadError::Io { cause, .. } if cause.to_string() == super::scan::CHANGED_SINCE_LISTED => {
            super::scan::CHANGED_SINCE_LISTED.to_string()
        }
        SafeReadError::Io { cause, .. } => format!("unreadable: {cause}"),
    }
}

fn non_empty(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.is_empty() {
        return Err("empty".to_string());
    }
    Ok(bytes)
}

/// The width and height a picture's header states, in pixels, checked against the caps (a JPEG as if
/// it were wanted at the largest side a model takes).
pub fn probe_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let (decoder, _) = checked_decoder(bytes, crate::data::MAX_IMAGE_SIZE_PX as u32)?;
    Ok(decoder.dimensions())
}

/// Decodes the first frame of a picture (EXIF orientation applied), refusing oversized ones from
/// their header. A JPEG at least twice `target_side_px` on its shorter side is decoded scaled down by
/// its DCT (1/2, 1/4 or 1/8 of each side, keeping the shorter side at least `target_side_px`).
pub fn decode_picture(bytes: &[u8], target_side_px: u32) -> Result<DynamicImage, String> {
    let (mut decoder, jpeg_denominator) = checked_decoder(bytes, target_side_px)?;
    let (width, height) = decoder.dimensions();
    // A broken EXIF block does not stop the load; the picture is then used as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    if jpeg_denominator > 1 {
        let max_bytes = MAX_DECODED_BYTES / JPEG_DECODER_FACTOR;
        if let Some(mut image) = decode_scaled(bytes, (width, height), jpeg_denominator, max_bytes)? {
            image.apply_orientation(orientation);
            return Ok(image);
        }
        // CMYK or 16-bit grey: decoded at full size, if that fits the cap.
        check_decoded_bytes(decoder.total_bytes().saturating_mul(JPEG_DECODER_FACTOR), (width, height))?;
    }
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

/// A decoder for `bytes` whose header has been read and whose size passed the caps, and the
/// denominator a JPEG will be decoded at for `target_side_px` (1 for other formats), which the memory
/// cap counts.
fn checked_decoder(bytes: &[u8], target_side_px: u32) -> Result<(impl ImageDecoder + '_, u32), String> {
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
    if width == 0 || height == 0 {
        // image-webp 0.2 reads a lossless side of 16384 (the format's largest) as 0.
        return match stated_lossless_webp_size(bytes) {
            Some((width, height)) if format == ImageFormat::WebP && width > 0 && height > 0 => {
                Err(too_large(width, height))
            }
            _ => Err("no pixels".to_string()),
        };
    }
    // The JPEG decoder holds about as much again beside the pixels (planes before colour conversion);
    // a JPEG decoded scaled down holds 1/denominator² of them.
    let (denominator, decoder_factor) = match format {
        ImageFormat::Jpeg => (scale_denominator(width, height, target_side_px), JPEG_DECODER_FACTOR),
        _ => (1, 1),
    };
    let (scaled_width, scaled_height) = scaled_size(width, height, denominator);
    let bytes_per_pixel = decoder.total_bytes() / (u64::from(width) * u64::from(height));
    let decoded_bytes = u64::from(scaled_width) * u64::from(scaled_height) * bytes_per_pixel;
    check_decoded_bytes(decoded_bytes.saturating_mul(decoder_factor), (width, height))?;
    Ok((decoder, denominator))
}

/// Refuses a `width × height` picture whose decoding would hold more than [`MAX_DECODED_BYTES`].
fn check_decoded_bytes(decoding_bytes: u64, (width, height): (u32, u32)) -> Result<(), String> {
    if decoding_bytes > MAX_DECODED_BYTES {
        return Err(format!(
            "{width}×{height} pixels, too large to decode (at most {} MiB of pixels, {MAX_PICTURE_SIDE_PX} per side)",
            MAX_DECODED_BYTES >> 20
        ));
    }
    Ok(())
}

/// The width and height a simple lossless WebP (`RIFF…WEBPVP8L`) states in its header: 14 bits each,
/// plus one.
fn stated_lossless_webp_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..16)? != b"WEBPVP8L" || *bytes.get(20)? != 0x2f {
        return None;
    }
    let header = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
    Some(((header & 0x3fff) + 1, ((header >> 14) & 0x3fff) + 1))
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
        assert_eq!(decode_picture(b"hello, not a picture", 64).err().as_deref(), Some("not an image"));
        let mut png = Vec::new();
        image::RgbImage::new(4, 4).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).expect("encode");
        assert_eq!(probe_size(&png), Ok((4, 4)));
        let truncated = decode_picture(&png[..png.len() / 2], 64).expect_err("truncated");
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
        let error = decode_picture(&png, 64).expect_err("refused");
        assert!(error.contains("too large"), "{error}");
    }

    #[test]
    fn a_lossless_webp_of_16384_pixels_a_side_is_too_large_not_empty() {
        let mut webp = Vec::new();
        image::RgbImage::new(16, 16).write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP).expect("encode");
        assert_eq!(stated_lossless_webp_size(&webp), Some((16, 16)));
        // Width and height minus one, 14 bits each, after the signature byte 0x2f.
        let mut header = u32::from_le_bytes(webp[21..25].try_into().expect("4 bytes"));
        header = (header & !0x0fff_ffff) | 16383 | (16383 << 14);
        webp[21..25].copy_from_slice(&header.to_le_bytes());
        let error = decode_picture(&webp, 64).expect_err("refused");
        assert_eq!(error, "16384×16384 pixels, too large (at most 8192 per side)");
    }

    /// A small JPEG whose frame header (SOF0) is rewritten to announce `side × side` pixels.
    fn lying_jpeg(side: u16) -> Vec<u8> {
        let mut jpeg = Vec::new();
        image::RgbImage::new(8, 8).write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).expect("encode");
        let sof = jpeg.windows(2).position(|pair| pair == [0xFF, 0xC0]).expect("a SOF0 marker");
        jpeg[sof + 5..sof + 7].copy_from_slice(&side.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&side.to_be_bytes());
        jpeg
    }

    #[test]
    fn a_large_jpeg_is_decoded_scaled_down_to_the_size_wanted() {
        // 2048 × 2048 of noise: at 64 pixels it is decoded at 1/8 (256 × 256), at 256 pixels too
        // (its shorter side stays 256), at 512 it is decoded at 1/4.
        let mut state = 12345u32;
        let noise = image::RgbImage::from_fn(2048, 2048, |_, _| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            image::Rgb([(state >> 24) as u8, (state >> 16) as u8, (state >> 8) as u8])
        });
        let mut jpeg = Vec::new();
        noise.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).expect("encode");
        let decoded = |target| decode_picture(&jpeg, target).map(|image| (image.width(), image.height()));
        assert_eq!(decoded(64), Ok((256, 256)));
        assert_eq!(decoded(256), Ok((256, 256)));
        assert_eq!(decoded(512), Ok((512, 512)));
        assert_eq!(decoded(2048), Ok((2048, 2048)), "not scaled when the size wanted is its own");
    }

    #[test]
    fn a_lying_jpeg_header_is_cheap_or_refused() {
        // 8000 × 8000 announced in a few hundred bytes: decoded at 1/8 (1000 × 1000, 3 MB) or refused as
        // corrupt, never decoded at full size.
        match decode_picture(&lying_jpeg(8000), 64) {
            Ok(image) => assert_eq!((image.width(), image.height()), (1000, 1000)),
            Err(reason) => assert!(reason.contains("corrupt") || reason.contains("truncated"), "{reason}"),
        }
        // Wanted at full size (a CMYK or 16-bit picture cannot be scaled), it counts its decoder's overhead.
        let error = check_decoded_bytes(6000 * 6000 * 3 * JPEG_DECODER_FACTOR, (6000, 6000)).expect_err("refused");
        assert!(error.contains("6000×6000 pixels, too large to decode"), "{error}");
    }
}
