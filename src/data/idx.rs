//! Reading IDX files (the MNIST format), raw or gzip-compressed, bounded by what their header promises.
//!
//! A header is read and checked (magic number, sides at most [`MAX_SIDE_PX`], total at most
//! [`MAX_IDX_BYTES`], all with checked arithmetic) before the payload is read; the payload is then read,
//! or inflated, up to the promised size plus one byte, so a gzip bomb stops at once.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use super::DataError;
use crate::safe_read::open_regular;

/// Magic number of an idx3-ubyte images file.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an idx1-ubyte labels file.
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Largest image side, in pixels, an IDX header may announce.
pub const MAX_SIDE_PX: usize = 4096;

/// Largest IDX file accepted, in bytes after decompression, header included (1 GiB: EMNIST's largest
/// file holds about 550 MB).
pub const MAX_IDX_BYTES: u64 = 1 << 30;

/// Length of an images header: magic, count, height, width.
const IMAGES_HEADER_BYTES: usize = 16;
/// Length of a labels header: magic, count.
const LABELS_HEADER_BYTES: usize = 8;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Pixels of an images file: `count` images of `height × width` bytes, row-major.
#[derive(Clone, Debug)]
pub struct IdxImages {
    /// Number of images.
    pub count: usize,
    /// Rows per image.
    pub height: usize,
    /// Columns per image.
    pub width: usize,
    /// [count, height, width] bytes.
    pub pixels: Vec<u8>,
}

/// Reads an idx3-ubyte images file (raw or `.gz`).
pub fn read_images(path: &Path) -> Result<IdxImages, DataError> {
    read_images_limited(path, MAX_SIDE_PX * MAX_SIDE_PX)
}

/// Reads an idx3-ubyte images file (raw or `.gz`), refusing images of more than `max_pixels_per_image`
/// pixels from the header, before the pixels are read.
pub fn read_images_limited(path: &Path, max_pixels_per_image: usize) -> Result<IdxImages, DataError> {
    let mut bytes = read_idx(path, Some(max_pixels_per_image))?;
    let (count, height, width) = check_images(&bytes, path)?;
    bytes.drain(..IMAGES_HEADER_BYTES);
    Ok(IdxImages { count, height, width, pixels: bytes })
}

/// Reads an idx1-ubyte labels file (raw or `.gz`).
pub fn read_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    let mut bytes = read_idx(path, None)?;
    check_labels(&bytes, path)?;
    bytes.drain(..LABELS_HEADER_BYTES);
    Ok(bytes)
}

/// Parses the bytes of an idx3-ubyte images file; `path` only names it in errors.
pub fn parse_images(bytes: &[u8], path: &Path) -> Result<IdxImages, DataError> {
    let (count, height, width) = check_images(bytes, path)?;
    Ok(IdxImages { count, height, width, pixels: bytes[IMAGES_HEADER_BYTES..].to_vec() })
}

/// Parses the bytes of an idx1-ubyte labels file; `path` only names it in errors.
pub fn parse_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>, DataError> {
    check_labels(bytes, path)?;
    Ok(bytes[LABELS_HEADER_BYTES..].to_vec())
}

/// `raw` itself, or its decompressed content when it starts with the gzip magic bytes. Inflation stops one
/// byte past the size the inflated header promises ([`DataError::MoreThanHeader`]).
pub fn gunzip_if_compressed(raw: Vec<u8>, path: &Path) -> Result<Vec<u8>, DataError> {
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    read_bounded(GzDecoder::new(raw.as_slice()), path, true, None)
}

/// The first of `stem` and `stem.gz` in `dir` that is a regular file, else the first that exists (so that a
/// folder or FIFO under that name is reported as such when read).
pub fn find_file(dir: &Path, stem: &str) -> Option<PathBuf> {
    let candidates = [dir.join(stem), dir.join(format!("{stem}.gz"))];
    candidates.iter().find(|path| path.is_file()).or_else(|| candidates.iter().find(|path| path.exists())).cloned()
}

/// Checks an images file's header against its length: `(count, height, width)`.
fn check_images(bytes: &[u8], path: &Path) -> Result<(usize, usize, usize), DataError> {
    let [_, count, height, width] = read_header::<4>(bytes, path, "images", IMAGES_MAGIC)?;
    let (count, height, width) = (to_usize(count), to_usize(height), to_usize(width));
    check_sides(path, height, width, MAX_SIDE_PX * MAX_SIDE_PX)?;
    let expected = promised_bytes(path, IMAGES_HEADER_BYTES, &[count, height, width])?;
    check_length(bytes, expected, path)?;
    if count == 0 || height == 0 || width == 0 {
        return Err(DataError::Empty { path: path.to_path_buf(), count, height, width });
    }
    Ok((count, height, width))
}

/// Checks a labels file's header against its length.
fn check_labels(bytes: &[u8], path: &Path) -> Result<(), DataError> {
    let [_, count] = read_header::<2>(bytes, path, "labels", LABELS_MAGIC)?;
    let expected = promised_bytes(path, LABELS_HEADER_BYTES, &[to_usize(count)])?;
    check_length(bytes, expected, path)
}

/// Refuses sides over [`MAX_SIDE_PX`] and images of more than `max_pixels` pixels.
fn check_sides(path: &Path, height: usize, width: usize, max_pixels: usize) -> Result<(), DataError> {
    if height > MAX_SIDE_PX || width > MAX_SIDE_PX {
        return Err(DataError::ImagesTooLarge { path: path.to_path_buf(), height, width, max_side: MAX_SIDE_PX });
    }
    if height.saturating_mul(width) > max_pixels {
        return Err(DataError::TooLargeToTrain { path: path.to_path_buf(), height, width, max_pixels });
    }
    Ok(())
}

/// Header plus the product of `dims` bytes, with checked arithmetic, refused above [`MAX_IDX_BYTES`].
fn promised_bytes(path: &Path, header_len: usize, dims: &[usize]) -> Result<u64, DataError> {
    let payload = dims.iter().try_fold(1u64, |total, &dim| total.checked_mul(dim as u64));
    let total = payload.and_then(|payload| payload.checked_add(header_len as u64));
    match total {
        Some(total) if total <= MAX_IDX_BYTES => Ok(total),
        _ => Err(DataError::HeaderTooLarge { path: path.to_path_buf(), max_bytes: MAX_IDX_BYTES }),
    }
}

/// The file must hold exactly what its header promises.
fn check_length(bytes: &[u8], expected: u64, path: &Path) -> Result<(), DataError> {
    let found = bytes.len() as u64;
    if found < expected {
        return Err(DataError::Truncated { path: path.to_path_buf(), expected, found });
    }
    if found > expected {
        return Err(DataError::MoreThanHeader { path: path.to_path_buf(), expected });
    }
    Ok(())
}

fn to_usize(word: u32) -> usize {
    usize::try_from(word).unwrap_or(usize::MAX)
}

/// Reads the big-endian u32 header words, checking the magic number (word 0).
fn read_header<const WORDS: usize>(
    bytes: &[u8],
    path: &Path,
    kind: &'static str,
    expected: u32,
) -> Result<[u32; WORDS], DataError> {
    let header_len = 4 * WORDS;
    let Some(header) = bytes.get(..header_len) else {
        return Err(DataError::Truncated {
            path: path.to_path_buf(),
            expected: header_len as u64,
            found: bytes.len() as u64,
        });
    };
    let mut words = [0u32; WORDS];
    for (word, chunk) in words.iter_mut().zip(header.chunks_exact(4)) {
        *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    if words[0] != expected {
        return Err(DataError::WrongMagic { path: path.to_path_buf(), kind, found: words[0], expected });
    }
    Ok(words)
}

/// Reads a regular file, gunzipping it when it starts with the gzip magic bytes, never past what its header
/// promises. `max_pixels` (images only) refuses large images before their pixels are read.
fn read_idx(path: &Path, max_pixels: Option<usize>) -> Result<Vec<u8>, DataError> {
    let (file, _) = open_regular(path)?;
    let mut reader = BufReader::new(file);
    let head = reader.fill_buf().map_err(|source| DataError::Io { path: path.to_path_buf(), cause: source })?;
    if head.starts_with(&GZIP_MAGIC) {
        read_bounded(GzDecoder::new(reader), path, true, max_pixels)
    } else {
        read_bounded(reader, path, false, max_pixels)
    }
}

/// Reads the header from `reader`, then at most the rest it promises plus one byte. Unknown magic numbers
/// and short headers are returned as read, for the parser to report.
fn read_bounded(reader: impl Read, path: &Path, gzip: bool, max_pixels: Option<usize>) -> Result<Vec<u8>, DataError> {
    let read_error = |source: std::io::Error| {
        if gzip {
            DataError::CorruptGzip { path: path.to_path_buf(), cause: source }
        } else {
            DataError::Io { path: path.to_path_buf(), cause: source }
        }
    };
    let mut reader = reader;
    let mut bytes = Vec::with_capacity(IMAGES_HEADER_BYTES);
    (&mut reader).take(IMAGES_HEADER_BYTES as u64).read_to_end(&mut bytes).map_err(read_error)?;
    let word = |index: usize| {
        bytes.get(4 * index..4 * index + 4).map(|w| to_usize(u32::from_be_bytes([w[0], w[1], w[2], w[3]])))
    };
    let promised = match (word(0), word(1), word(2), word(3)) {
        (Some(magic), Some(count), Some(height), Some(width)) if magic == IMAGES_MAGIC as usize => {
            check_sides(path, height, width, max_pixels.unwrap_or(MAX_SIDE_PX * MAX_SIDE_PX))?;
            promised_bytes(path, IMAGES_HEADER_BYTES, &[count, height, width])?
        }
        (Some(magic), Some(count), ..) if magic == LABELS_MAGIC as usize => {
            promised_bytes(path, LABELS_HEADER_BYTES, &[count])?
        }
        _ => return Ok(bytes),
    };
    if bytes.len() as u64 > promised {
        // A labels header followed by more than it promises, already within the first 16 bytes.
        return Err(DataError::MoreThanHeader { path: path.to_path_buf(), expected: promised });
    }
    // At most one byte past the promise, read straight after the header (no second buffer of the payload).
    let limit = promised.saturating_add(1);
    reader.take(limit - bytes.len() as u64).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > promised {
        return Err(DataError::MoreThanHeader { path: path.to_path_buf(), expected: promised });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
