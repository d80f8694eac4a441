//! Reading IDX files (the MNIST format), raw or gzip-compressed.

use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;

use super::DataError;

/// Magic number of an idx3-ubyte images file.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an idx1-ubyte labels file.
pub const LABELS_MAGIC: u32 = 0x0000_0801;

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
    let bytes = read_maybe_gzip(path)?;
    parse_images(&bytes, path)
}

/// Reads an idx1-ubyte labels file (raw or `.gz`).
pub fn read_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    let bytes = read_maybe_gzip(path)?;
    parse_labels(&bytes, path)
}

/// Parses the bytes of an idx3-ubyte images file; `path` only names it in errors.
pub fn parse_images(bytes: &[u8], path: &Path) -> Result<IdxImages, DataError> {
    let header = read_header::<4>(bytes, path, "images", IMAGES_MAGIC)?;
    let [_, count, height, width] = header.map(|value| value as usize);
    let len = count.checked_mul(height).and_then(|len| len.checked_mul(width)).unwrap_or(usize::MAX - 16);
    let pixels = payload(bytes, 16, len, path)?;
    if count == 0 || height == 0 || width == 0 {
        return Err(DataError::Empty { path: path.to_path_buf(), count, height, width });
    }
    Ok(IdxImages { count, height, width, pixels: pixels.to_vec() })
}

/// Parses the bytes of an idx1-ubyte labels file; `path` only names it in errors.
pub fn parse_labels(bytes: &[u8], path: &Path) -> Result<Vec<u8>, DataError> {
    let [_, count] = read_header::<2>(bytes, path, "labels", LABELS_MAGIC)?.map(|v| v as usize);
    Ok(payload(bytes, 8, count, path)?.to_vec())
}

/// Reads the big-endian u32 header words, checking the magic number (word 0).
fn read_header<const WORDS: usize>(
    bytes: &[u8],
    path: &Path,
    kind: &'static str,
    expected: u32,
) -> Result<[u32; WORDS], DataError> {
    let header_len = 4 * WORDS;
    if bytes.len() < header_len {
        return Err(DataError::Truncated { path: path.to_path_buf(), expected: header_len, found: bytes.len() });
    }
    let mut words = [0u32; WORDS];
    for (index, chunk) in bytes[..header_len].chunks_exact(4).enumerate() {
        words[index] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    if words[0] != expected {
        return Err(DataError::WrongMagic { path: path.to_path_buf(), kind, found: words[0], expected });
    }
    Ok(words)
}

/// The `len` bytes after a header of `header_len` bytes, or a truncation error.
fn payload<'a>(bytes: &'a [u8], header_len: usize, len: usize, path: &Path) -> Result<&'a [u8], DataError> {
    let expected = header_len.saturating_add(len);
    bytes.get(header_len..expected).ok_or_else(|| DataError::Truncated {
        path: path.to_path_buf(),
        expected,
        found: bytes.len(),
    })
}

/// Reads a whole file, gunzipping it when it starts with the gzip magic bytes.
fn read_maybe_gzip(path: &Path) -> Result<Vec<u8>, DataError> {
    let raw = std::fs::read(path).map_err(|source| DataError::Io { path: path.to_path_buf(), source })?;
    gunzip_if_compressed(raw, path)
}

/// `raw` itself, or its decompressed content when it starts with the gzip magic bytes.
pub fn gunzip_if_compressed(raw: Vec<u8>, path: &Path) -> Result<Vec<u8>, DataError> {
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut inflated = Vec::with_capacity(raw.len() * 4);
    GzDecoder::new(raw.as_slice())
        .read_to_end(&mut inflated)
        .map_err(|source| DataError::CorruptGzip { path: path.to_path_buf(), source })?;
    Ok(inflated)
}

/// The first of `stem` and `stem.gz` that exists in `dir`.
pub fn find_file(dir: &Path, stem: &str) -> Option<PathBuf> {
    [stem.to_string(), format!("{stem}.gz")].into_iter().map(|name| dir.join(name)).find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_bytes(count: u32, height: u32, width: u32, pixels: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for word in [IMAGES_MAGIC, count, height, width] {
            bytes.extend_from_slice(&word.to_be_bytes());
        }
        bytes.extend(std::iter::repeat_n(7u8, pixels));
        bytes
    }

    #[test]
    fn parses_a_good_images_file() {
        let images = parse_images(&images_bytes(2, 3, 4, 24), Path::new("x")).expect("valid");
        assert_eq!((images.count, images.height, images.width), (2, 3, 4));
        assert_eq!(images.pixels.len(), 24);
    }

    #[test]
    fn truncated_images_are_an_error() {
        let error = parse_images(&images_bytes(2, 3, 4, 23), Path::new("x")).unwrap_err();
        assert!(matches!(error, DataError::Truncated { expected: 40, found: 39, .. }), "{error}");
    }

    #[test]
    fn labels_file_given_as_images_is_wrong_magic() {
        let mut bytes = LABELS_MAGIC.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0; 12]);
        let error = parse_images(&bytes, Path::new("x")).unwrap_err();
        assert!(matches!(error, DataError::WrongMagic { found: LABELS_MAGIC, .. }), "{error}");
    }

    #[test]
    fn short_header_is_truncated_not_a_panic() {
        let error = parse_labels(&[0, 0, 8], Path::new("x")).unwrap_err();
        assert!(matches!(error, DataError::Truncated { .. }), "{error}");
    }
}
