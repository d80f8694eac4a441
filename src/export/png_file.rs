//! PNG files with provenance text chunks.

use std::io::BufReader;
use std::path::Path;

use image::RgbImage;

use super::{ExportError, write_file};

/// Writes `image` as an 8-bit PNG with one text chunk per `(key, value)` pair: RGB, or grayscale
/// when every pixel is grey (a grey model's pictures, a third of the size, decoding to the same pixels).
///
/// Values are stored as uncompressed UTF-8 `iTXt` chunks, so any text (such as JSON with non-ASCII
/// model names) survives unchanged; keys follow PNG keyword rules (1–79 Latin-1 characters, see
/// [`ExportError::InvalidTextKey`]), e.g. `("vae-explorer:seed", "42")`. The file is written
/// atomically: an existing file at `path` is replaced only once the new one is complete.
///
/// # Errors
///
/// [`ExportError::EmptyImage`] for a 0-pixel image, [`ExportError::InvalidTextKey`] for a bad key,
/// [`ExportError::Write`] if the destination cannot be written (nothing is left behind), and
/// [`ExportError::PngEncode`] if encoding fails.
pub fn write_png(path: &Path, image: &RgbImage, text: &[(String, String)]) -> Result<(), ExportError> {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return Err(ExportError::EmptyImage { width, height });
    }
    for (key, _) in text {
        validate_text_key(key)?;
    }

    let png_error = |source| ExportError::PngEncode { path: path.to_path_buf(), cause: source };
    let mut bytes = Vec::new();
    let grey = is_grey(image);
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(if grey { png::ColorType::Grayscale } else { png::ColorType::Rgb });
    encoder.set_depth(png::BitDepth::Eight);
    for (key, value) in text {
        encoder.add_itxt_chunk(key.clone(), value.clone()).map_err(png_error)?;
    }
    let mut writer = encoder.write_header().map_err(png_error)?;
    if grey {
        let levels: Vec<u8> = image.pixels().map(|pixel| pixel.0[0]).collect();
        writer.write_image_data(&levels).map_err(png_error)?;
    } else {
        writer.write_image_data(image.as_raw()).map_err(png_error)?;
    }
    writer.finish().map_err(png_error)?;

    write_file(path, &bytes, "png")
}

/// Reads back all text chunks (`tEXt`, `zTXt` and `iTXt`) of a PNG file as `(key, value)` pairs.
///
/// Pairs are grouped by chunk type (`tEXt`, then `zTXt`, then `iTXt`) and keep file order within
/// a type, so for files written by [`write_png`] they come back in the order they were given.
/// Chunks placed after the image data are included.
///
/// # Errors
///
/// [`ExportError::Read`] if the file cannot be opened, [`ExportError::PngDecode`] if it is not a
/// valid PNG or a text chunk cannot be decoded.
pub fn read_png_text(path: &Path) -> Result<Vec<(String, String)>, ExportError> {
    let png_error = |source| ExportError::PngDecode { path: path.to_path_buf(), cause: source };
    let (file, _) = crate::safe_read::open_regular(path).map_err(ExportError::from_read)?;
    let mut reader = png::Decoder::new(BufReader::new(file)).read_info().map_err(png_error)?;
    // `finish` skips the image data and parses the remaining chunks, including late text chunks.
    reader.finish().map_err(png_error)?;

    let info = reader.info();
    let mut pairs = Vec::new();
    for chunk in &info.uncompressed_latin1_text {
        pairs.push((chunk.keyword.clone(), chunk.text.clone()));
    }
    for chunk in &info.compressed_latin1_text {
        pairs.push((chunk.keyword.clone(), chunk.get_text().map_err(png_error)?));
    }
    for chunk in &info.utf8_text {
        pairs.push((chunk.keyword.clone(), chunk.get_text().map_err(png_error)?));
    }
    Ok(pairs)
}

/// Checks a PNG text keyword: 1–79 printable Latin-1 characters, no leading, trailing or
/// consecutive spaces.
fn validate_text_key(key: &str) -> Result<(), ExportError> {
    let invalid = |reason: &'static str| ExportError::InvalidTextKey { key: key.to_owned(), reason };
    let length = key.chars().count();
    if length == 0 || length > 79 {
        return Err(invalid("it must be 1 to 79 characters long"));
    }
    if !key.chars().all(|c| matches!(u32::from(c), 0x20..=0x7E | 0xA1..=0xFF)) {
        return Err(invalid("it may only contain printable Latin-1 characters"));
    }
    if key.starts_with(' ') || key.ends_with(' ') || key.contains("  ") {
        return Err(invalid("it may not start or end with a space or contain two spaces in a row"));
    }
    Ok(())
}

/// True when every pixel has equal red, green and blue.
pub(super) fn is_grey(image: &RgbImage) -> bool {
    image.pixels().all(|pixel| pixel.0[0] == pixel.0[1] && pixel.0[1] == pixel.0[2])
}
