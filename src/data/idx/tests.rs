//! Tests of the IDX reader: good files, truncated and oversized ones, wrong magic, extreme headers, inflation past the promised size.

use super::*;

fn images_bytes(count: u32, height: u32, width: u32, pixels: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    for word in [IMAGES_MAGIC, count, height, width] {
        bytes.extend_from_slice(&word.to_be_bytes());
    }
    bytes.extend(std::iter::repeat_n(7u8, pixels));
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
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
fn bytes_past_the_promised_size_are_an_error() {
    let error = parse_images(&images_bytes(2, 3, 4, 25), Path::new("x")).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { expected: 40, .. }), "{error}");
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

#[test]
fn header_words_at_the_extremes_are_refused_before_reading() {
    for (count, side) in [(u32::MAX, 28), (1 << 31, 28), (1, 4097), (1, u32::MAX), (u32::MAX, 4096)] {
        let error = parse_images(&images_bytes(count, side, side, 0), Path::new("x")).unwrap_err();
        assert!(
            matches!(error, DataError::HeaderTooLarge { .. } | DataError::ImagesTooLarge { .. }),
            "{count}×{side}²: {error}"
        );
    }
}

#[test]
fn inflation_stops_past_the_promised_size() {
    let good = images_bytes(2, 3, 4, 24);
    assert_eq!(gunzip_if_compressed(gzip(&good), Path::new("x")).expect("valid"), good);
    let long = images_bytes(2, 3, 4, 10_000);
    let error = gunzip_if_compressed(gzip(&long), Path::new("x")).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { expected: 40, .. }), "{error}");
    let mut labels = LABELS_MAGIC.to_be_bytes().to_vec();
    labels.extend_from_slice(&2u32.to_be_bytes());
    labels.extend_from_slice(&[1, 2, 3]);
    let error = gunzip_if_compressed(gzip(&labels), Path::new("x")).unwrap_err();
    assert!(matches!(error, DataError::MoreThanHeader { expected: 10, .. }), "{error}");
}
