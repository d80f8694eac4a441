//! Animated GIF files: morphs and the scatter's evolution over training.

use std::borrow::Cow;
use std::io::BufReader;
use std::path::Path;

use image::RgbImage;

use super::png_file::is_grey;
use super::{ExportError, write_file};
use crate::render::check_animation_size;

/// Shortest GIF frame delay written, in hundredths of a second (2 = 50 frames per second).
///
/// Browsers and viewers replace shorter delays (0 or 1) with a slow default of 100 ms, so faster
/// requested frame rates are capped here instead.
pub const MIN_GIF_DELAY_CENTISECONDS: u16 = 2;

/// Speed of the colour quantiser for frames of more than 256 colours (1 best … 30 fastest).
const QUANTIZER_SPEED: i32 = 10;

/// Writes `frames` as an infinitely looping GIF animation; returns the number of frames written.
///
/// When every frame is grey they share a 256-entry grey palette, so grey levels are kept exactly;
/// otherwise each frame has its own palette: exact for up to 256 colours, else chosen by the
/// NeuQuant quantiser. The frame
/// delay is `round(100 / frames_per_sec)` hundredths of a second, at least
/// [`MIN_GIF_DELAY_CENTISECONDS`] (i.e. at most 50 fps). With `ping_pong`, the frames are followed
/// by the same frames in reverse without repeating the last and first frame, so `k >= 2` frames
/// become `2k - 2` frames (`0, 1, …, k-1, k-2, …, 1`) that loop seamlessly. The file is written
/// atomically like [`write_png`].
///
/// # Errors
///
/// [`ExportError::NoFrames`], [`ExportError::InvalidFrameRate`], [`ExportError::EmptyImage`],
/// [`ExportError::FrameSizeMismatch`] if frames differ in size, [`ExportError::Render`] over
/// [`crate::render::MAX_ANIMATION_PIXELS`] in all, [`ExportError::TooLargeForGif`]
/// beyond 65535 pixels on a side, [`ExportError::Write`] if the destination cannot be written
/// (nothing is left behind), and [`ExportError::GifEncode`] if encoding fails.
pub fn write_gif(path: &Path, frames: &[RgbImage], frames_per_sec: f32, ping_pong: bool) -> Result<usize, ExportError> {
    let Some(first) = frames.first() else {
        return Err(ExportError::NoFrames);
    };
    if !(frames_per_sec.is_finite() && frames_per_sec > 0.0) {
        return Err(ExportError::InvalidFrameRate { frames_per_sec });
    }
    let (width, height) = first.dimensions();
    if width == 0 || height == 0 {
        return Err(ExportError::EmptyImage { width, height });
    }
    for (index, frame) in frames.iter().enumerate() {
        if frame.dimensions() != (width, height) {
            let (found_width, found_height) = frame.dimensions();
            return Err(ExportError::FrameSizeMismatch {
                index,
                expected_width: width,
                expected_height: height,
                found_width,
                found_height,
            });
        }
    }
    check_animation_size(frames.len(), width, height)?;
    let too_large = || ExportError::TooLargeForGif { width, height };
    let gif_width = u16::try_from(width).map_err(|_| too_large())?;
    let gif_height = u16::try_from(height).map_err(|_| too_large())?;
    // Clamped into the u16 range before the cast, so the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let delay =
        (100.0 / frames_per_sec).round().clamp(f32::from(MIN_GIF_DELAY_CENTISECONDS), f32::from(u16::MAX)) as u16;

    let gif_error = |source| ExportError::GifEncode { path: path.to_path_buf(), cause: source };
    let grey = frames.iter().all(is_grey);
    let global_palette: Vec<u8> =
        if grey { (0..=255u8).flat_map(|level| [level, level, level]).collect() } else { Vec::new() };
    let mut bytes = Vec::new();
    let mut written = 0;
    let mut encoder = gif::Encoder::new(&mut bytes, gif_width, gif_height, &global_palette).map_err(gif_error)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(gif_error)?;
    // Each frame is quantised once; ping-pong plays the same encoded frames again in reverse.
    let encoded: Vec<gif::Frame<'static>> = frames
        .iter()
        .map(|frame| {
            let mut gif_frame = if grey {
                let levels: Vec<u8> = frame.pixels().map(|pixel| pixel.0[0]).collect();
                gif::Frame { buffer: Cow::Owned(levels), ..gif::Frame::default() }
            } else {
                // The size was checked above: the buffer holds exactly width × height × 3 bytes.
                gif::Frame::from_rgb_speed(gif_width, gif_height, frame.as_raw(), QUANTIZER_SPEED)
            };
            gif_frame.delay = delay;
            gif_frame.dispose = gif::DisposalMethod::Keep;
            gif_frame.width = gif_width;
            gif_frame.height = gif_height;
            gif_frame
        })
        .collect();
    for gif_frame in playback_order(&encoded, ping_pong) {
        encoder.write_frame(gif_frame).map_err(gif_error)?;
        written += 1;
    }
    encoder.into_inner().map_err(gif_error)?;

    write_file(path, &bytes, "gif")?;
    Ok(written)
}

/// Frames in playback order: all frames, then (for ping-pong) the inner frames in reverse.
fn playback_order<T>(frames: &[T], ping_pong: bool) -> impl Iterator<Item = &T> {
    let inner_reversed = match (ping_pong, frames.len()) {
        (true, len) if len > 2 => &frames[1..len - 1],
        _ => &[],
    };
    frames.iter().chain(inner_reversed.iter().rev())
}

/// Counts the frames of a GIF file.
///
/// # Errors
///
/// [`ExportError::Read`] if the file cannot be opened, [`ExportError::GifDecode`] if it is not a
/// valid GIF.
pub fn gif_frame_count(path: &Path) -> Result<usize, ExportError> {
    let gif_error = |source| ExportError::GifDecode { path: path.to_path_buf(), cause: source };
    let (file, _) = crate::safe_read::open_regular(path).map_err(ExportError::from_read)?;
    let mut options = gif::DecodeOptions::new();
    // Only count: hand back the compressed frame data instead of decompressing it.
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(BufReader::new(file)).map_err(gif_error)?;
    let mut count = 0;
    while decoder.read_next_frame().map_err(gif_error)?.is_some() {
        count += 1;
    }
    Ok(count)
}
