//! Tests of the image import: formats, transparency, depth, sizes and damaged files.

use super::*;
use image::{ImageBuffer, ImageFormat, Luma, Rgb, RgbImage, Rgba, RgbaImage};

const SIDE: usize = 28;

/// Ink coverage of a pixel for a ring (a "0") with centre (cx, cy), radii (rx, ry) and stroke `thickness`,
/// plus a short tail, like a quickly written digit.
fn ink_at(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32, thickness: f32) -> bool {
    let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
    let r = (dx * dx + dy * dy).sqrt();
    let ring = (r - 1.0).abs() * rx.min(ry) < thickness / 2.0;
    let tail = (x - (cx + rx * 0.6)).abs() < thickness / 2.0 && y > cy && y < cy + ry * 1.3;
    ring || tail
}

/// A dark digit on white paper, off-centre in a `w × h` page.
fn dark_digit_on_white(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let on = ink_at(x as f32, y as f32, w as f32 * 0.35, h as f32 * 0.45, w as f32 * 0.15, h as f32 * 0.25, 6.0);
        if on { Rgb([20, 25, 30]) } else { Rgb([245, 243, 240]) }
    })
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encode");
    bytes.into_inner()
}

fn import(bytes: &[u8]) -> Result<ImportedImage, ImportError> {
    import_bytes(bytes, Path::new("test.img"), SIDE, SIDE)
}

/// Checks the MNIST layout: black background, bright ink, centred mass, 20 px bounding box.
fn assert_mnist_like(img: &ImportedImage) {
    assert_eq!((img.height, img.width, img.pixels.len()), (SIDE, SIDE, SIDE * SIDE));
    let at = |x: usize, y: usize| img.pixels[y * SIDE + x];
    for i in 0..SIDE {
        for v in [at(i, 0), at(i, SIDE - 1), at(0, i), at(SIDE - 1, i)] {
            assert_eq!(v, 0, "border pixel");
        }
    }
    assert!(img.pixels.iter().copied().max() >= Some(250), "ink is not bright");
    let background = img.pixels.iter().filter(|&&v| v == 0).count();
    assert!(background > SIDE * SIDE / 2, "background is mostly 0 (only {background} zero pixels)");

    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    let (mut x0, mut y0, mut x1, mut y1) = (SIDE, SIDE, 0, 0);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let v = f64::from(at(x, y));
            mass += v;
            mx += v * x as f64;
            my += v * y as f64;
            if at(x, y) > 0 {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    let centre = (SIDE as f64 - 1.0) / 2.0;
    assert!((mx / mass - centre).abs() <= 1.0, "centre of mass x {}", mx / mass);
    assert!((my / mass - centre).abs() <= 1.0, "centre of mass y {}", my / mass);
    let longest = (x1 - x0 + 1).max(y1 - y0 + 1);
    assert!((19..=21).contains(&longest), "bounding box {}×{}", x1 - x0 + 1, y1 - y0 + 1);
}

#[test]
fn dark_digit_on_white_png_becomes_bright_on_black() {
    let page = DynamicImage::ImageRgb8(dark_digit_on_white(200, 160));
    let img = import(&encode(&page, ImageFormat::Png)).expect("import");
    assert_mnist_like(&img);
}

#[test]
fn white_blob_on_black_jpeg_is_kept_as_is() {
    let page = RgbImage::from_fn(120, 90, |x, y| {
        let (dx, dy) = (x as f32 - 80.0, y as f32 - 30.0);
        if (dx * dx / 400.0 + dy * dy / 144.0) <= 1.0 { Rgb([250, 250, 250]) } else { Rgb([8, 8, 8]) }
    });
    let img = import(&encode(&DynamicImage::ImageRgb8(page), ImageFormat::Jpeg)).expect("import");
    assert_mnist_like(&img);
    // Wide blob (40 × 24): width fills the box, height is scaled by the same factor.
    let rows_with_ink = (0..SIDE).filter(|&y| img.pixels[y * SIDE..(y + 1) * SIDE].iter().any(|&v| v > 0)).count();
    assert!((11..=14).contains(&rows_with_ink), "{rows_with_ink} rows");
}

#[test]
fn transparent_background_is_treated_as_paper() {
    // Transparent pixels are black with alpha 0: ignoring alpha would make the image all black.
    let page = RgbaImage::from_fn(150, 150, |x, y| {
        if ink_at(x as f32, y as f32, 90.0, 70.0, 25.0, 40.0, 8.0) { Rgba([0, 0, 0, 255]) } else { Rgba([0, 0, 0, 0]) }
    });
    let img = import(&encode(&DynamicImage::ImageRgba8(page), ImageFormat::Png)).expect("import");
    assert_mnist_like(&img);
}

#[test]
fn light_ink_on_transparent_background_falls_back_to_dark_paper() {
    let page = RgbaImage::from_fn(100, 100, |x, y| {
        let on = ink_at(x as f32, y as f32, 50.0, 40.0, 15.0, 25.0, 6.0);
        if on { Rgba([255, 255, 255, 255]) } else { Rgba([255, 255, 255, 0]) }
    });
    let img = import(&encode(&DynamicImage::ImageRgba8(page), ImageFormat::Png)).expect("import");
    assert_mnist_like(&img);
}

#[test]
fn sixteen_bit_png_is_converted() {
    let page = ImageBuffer::from_fn(180, 240, |x, y| {
        let on = ink_at(x as f32, y as f32, 100.0, 110.0, 30.0, 60.0, 10.0);
        Luma([if on { 3000u16 } else { 64000 }])
    });
    let page = DynamicImage::ImageLuma16(page);
    let bytes = encode(&page, ImageFormat::Png);
    let img = import(&bytes).expect("import");
    assert_mnist_like(&img);
}

#[test]
fn every_supported_format_imports() {
    let page = DynamicImage::ImageRgb8(dark_digit_on_white(90, 120));
    let reference = import(&encode(&page, ImageFormat::Png)).expect("png");
    for format in [ImageFormat::Bmp, ImageFormat::Gif, ImageFormat::WebP, ImageFormat::Jpeg] {
        let page = if format == ImageFormat::Jpeg { DynamicImage::ImageRgb8(page.to_rgb8()) } else { page.clone() };
        let img = import(&encode(&page, format)).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_mnist_like(&img);
        if format != ImageFormat::Jpeg && format != ImageFormat::Gif {
            // Lossless formats give exactly the same result.
            assert_eq!(img, reference, "{format:?}");
        }
    }
}

#[test]
fn non_square_targets_use_the_same_proportions() {
    let page = DynamicImage::ImageRgb8(dark_digit_on_white(300, 300));
    let img = import_bytes(&encode(&page, ImageFormat::Png), Path::new("x.png"), 32, 24).expect("import");
    assert_eq!((img.height, img.width, img.pixels.len()), (32, 24, 32 * 24));
    let rows = (0..32).filter(|&y| img.pixels[y * 24..(y + 1) * 24].iter().any(|&v| v > 0)).count();
    let cols = (0..24).filter(|&x| (0..32).any(|y| img.pixels[y * 24 + x] > 0)).count();
    // Box is round(32·20/28) = 23 by round(24·20/28) = 17; the digit is taller than wide.
    assert!(rows <= 23 && cols <= 17 && (rows == 23 || cols == 17), "{rows}×{cols}");
}

#[test]
fn huge_source_is_reduced_correctly() {
    let page = DynamicImage::ImageRgb8(dark_digit_on_white(2400, 2000));
    let img = import(&encode(&page, ImageFormat::Png)).expect("import");
    assert_mnist_like(&img);
}

#[test]
fn non_image_bytes_are_not_an_image() {
    let err = import(b"hello, this is plain text and not a picture").expect_err("text");
    assert!(matches!(err, ImportError::NotAnImage { .. }), "{err:?}");
    let err = import(&[]).expect_err("empty");
    assert!(matches!(err, ImportError::NotAnImage { .. }), "{err:?}");
    assert!(err.to_string().contains("test.img") && err.to_string().contains("PNG"), "{err}");
}

#[test]
fn truncated_png_is_not_an_image() {
    let bytes = encode(&DynamicImage::ImageRgb8(dark_digit_on_white(200, 160)), ImageFormat::Png);
    for cut in [8, 20, 40, bytes.len() / 2, bytes.len() - 13] {
        let err = import(&bytes[..cut]).expect_err("truncated");
        assert!(matches!(err, ImportError::NotAnImage { .. }), "cut at {cut}: {err:?}");
    }
}

/// CRC-32 (ISO-HDLC) as used by PNG chunks.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn header_claiming_huge_size_is_refused_before_decoding() {
    // Take a valid 1 × 1 PNG and rewrite the IHDR size to 100000 × 100000 (with a matching CRC): decoding it
    // would need 30 GB, so a refusal that returns promptly shows nothing was allocated for the pixels.
    let mut bytes = encode(&DynamicImage::ImageRgb8(RgbImage::new(1, 1)), ImageFormat::Png);
    assert_eq!(&bytes[12..16], b"IHDR");
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    match import(&bytes) {
        Err(ImportError::TooLarge { width: 100_000, height: 100_000, max: MAX_SIDE_PX, .. }) => {}
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn side_just_over_the_limit_is_too_large() {
    let page = DynamicImage::ImageLuma8(GrayImage::new(MAX_SIDE_PX + 1, 2));
    let err = import(&encode(&page, ImageFormat::Png)).expect_err("too wide");
    assert!(matches!(err, ImportError::TooLarge { width: 8193, height: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("8193 × 2"), "{err}");
}

#[test]
fn blank_images_are_reported() {
    let white = DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, Rgb([250, 250, 250])));
    let black = DynamicImage::ImageLuma8(GrayImage::new(64, 64));
    let clear = DynamicImage::ImageRgba8(RgbaImage::new(64, 64));
    let faint = DynamicImage::ImageRgb8(RgbImage::from_fn(64, 64, |x, _| Rgb([240 + (x % 2) as u8 * 10; 3])));
    for (name, page) in [("white", white), ("black", black), ("transparent", clear), ("faint", faint)] {
        let err = import(&encode(&page, ImageFormat::Png)).expect_err(name);
        assert!(matches!(err, ImportError::Blank { .. }), "{name}: {err:?}");
    }
}

#[test]
fn invalid_target_is_refused() {
    let bytes = encode(&DynamicImage::ImageRgb8(dark_digit_on_white(50, 50)), ImageFormat::Png);
    let err = import_bytes(&bytes, Path::new("x.png"), 0, 28).expect_err("zero height");
    assert!(matches!(err, ImportError::InvalidTarget { height: 0, width: 28, .. }), "{err:?}");
}

#[test]
fn files_are_read_and_missing_files_reported() {
    let dir = std::env::temp_dir().join(format!("digit-import-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Wrong extension on purpose: the format comes from the content.
    let path = dir.join("digit.jpg");
    let page = DynamicImage::ImageRgb8(dark_digit_on_white(200, 160));
    std::fs::write(&path, encode(&page, ImageFormat::Png)).expect("write");
    let from_file = import_image(&path, SIDE, SIDE).expect("import file");
    assert_mnist_like(&from_file);
    let bytes = std::fs::read(&path).expect("read");
    assert_eq!(from_file, import_bytes(&bytes, &path, SIDE, SIDE).expect("import bytes"));

    let truncated = dir.join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let err = import_image(&truncated, SIDE, SIDE).expect_err("truncated file");
    assert!(matches!(err, ImportError::NotAnImage { .. }), "{err:?}");

    let empty = dir.join("empty.png");
    std::fs::write(&empty, b"").expect("write");
    let err = import_image(&empty, SIDE, SIDE).expect_err("empty file");
    assert!(err.to_string().contains("empty"), "{err}");

    let missing = dir.join("missing.png");
    let err = import_image(&missing, SIDE, SIDE).expect_err("missing");
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.png"), "{err}");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
