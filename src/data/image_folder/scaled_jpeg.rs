//! Decoding a JPEG far larger than the size it is wanted at by its DCT scaling (1/2, 1/4 or 1/8 of
//! each side), which costs a fraction of the full decode's time and memory; the picture is then resized
//! as any other.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{Decoder, PixelFormat};

/// The DCT scales a JPEG can be decoded at: 1/1, 1/2, 1/4 and 1/8 of each side.
const SCALE_DENOMINATORS: [u32; 4] = [8, 4, 2, 1];

/// The largest denominator `d` (of 1, 2, 4, 8) such that a `width × height` picture decoded at 1/d of
/// each side still has a shorter side of at least `target_side_px`: no detail the resize would keep
/// is lost.
pub fn scale_denominator(width: u32, height: u32, target_side_px: u32) -> u32 {
    let shorter = width.min(height);
    SCALE_DENOMINATORS.into_iter().find(|&denominator| shorter.div_ceil(denominator) >= target_side_px).unwrap_or(1)
}

/// The size of a `width × height` picture decoded at 1/`denominator` of each side.
pub fn scaled_size(width: u32, height: u32, denominator: u32) -> (u32, u32) {
    (width.div_ceil(denominator), height.div_ceil(denominator))
}

/// Decodes the JPEG `bytes` (of `width × height` pixels) at 1/`denominator` of each side, holding at
/// most `max_bytes` of decoded pixels. `Ok(None)` when the picture is not 8-bit grey or RGB (CMYK,
/// 16-bit grey): those are decoded at full size by the caller. The error is a short reason.
pub fn decode_scaled(
    bytes: &[u8],
    (width, height): (u32, u32),
    denominator: u32,
    max_bytes: u64,
) -> Result<Option<DynamicImage>, String> {
    let (scaled_width, scaled_height) = scaled_size(width, height, denominator);
    let requested = |side: u32| u16::try_from(side).map_err(|_| "too large for a JPEG".to_string());
    let (requested_width, requested_height) = (requested(scaled_width)?, requested(scaled_height)?);
    // The decoder asserts on a few malformed headers; a panic is a skip reason, as for `image`.
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let mut decoder = Decoder::new(Cursor::new(bytes));
        decoder.set_max_decoding_buffer_size(usize::try_from(max_bytes).unwrap_or(usize::MAX));
        let (out_width, out_height) = decoder.scale(requested_width, requested_height)?;
        let format = decoder.info().map(|info| info.pixel_format);
        if !matches!(format, Some(PixelFormat::L8 | PixelFormat::RGB24)) {
            return Ok(None);
        }
        decoder.decode().map(|pixels| Some((pixels, format, u32::from(out_width), u32::from(out_height))))
    }))
    .map_err(|_| "the decoder failed on it".to_string())?
    .map_err(|error| match error {
        // The data ends before the picture does.
        jpeg_decoder::Error::Io(_) => "truncated or corrupt".to_string(),
        other => short(&other.to_string()),
    })?;
    let Some((pixels, format, out_width, out_height)) = decoded else { return Ok(None) };
    let image = match format {
        Some(PixelFormat::L8) => GrayImage::from_raw(out_width, out_height, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(out_width, out_height, pixels).map(DynamicImage::ImageRgb8),
    };
    image.map(Some).ok_or_else(|| "truncated or corrupt".to_string())
}

/// A decoder message as a short reason on one line.
fn short(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("corrupt: {}", one_line.chars().take(110).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_keeps_the_shorter_side_at_least_the_target() {
        assert_eq!(scale_denominator(8000, 8000, 64), 8);
        assert_eq!(scale_denominator(8000, 8000, 256), 8);
        assert_eq!(scale_denominator(2000, 6000, 256), 4, "1/8 would leave 250 px");
        assert_eq!(scale_denominator(600, 600, 256), 2);
        assert_eq!(scale_denominator(300, 300, 256), 1);
        assert_eq!(scale_denominator(10, 10, 64), 1, "never scaled up");
        assert_eq!(scaled_size(6001, 3000, 8), (751, 375));
    }
}
