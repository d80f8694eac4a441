//! Exported PNG and GIF files: sizes, pixels, text chunks and frame counts (how writes fail:
//! `export_writes.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;

use image::RgbImage;
use vae_explorer::export::*;
use vae_explorer::image_shape::ImageShape;
use vae_explorer::render::*;

/// A grid whose every value is `fill`.
fn grid(rows: usize, cols: usize, cell_height: usize, cell_width: usize, fill: f32) -> ImageGrid {
    let shape = ImageShape::grey(cell_height, cell_width);
    ImageGrid { rows, cols, shape, pixels: vec![fill; rows * cols * cell_height * cell_width] }
}

use crate::support::{entries, frame, text};

#[test]
fn png_size_is_cells_times_cell_size_times_scale_plus_gutters() {
    let image = grid(3, 4, 5, 7, 0.5).to_rgb_image(&GridStyle { scale: 2, gutter_px: 3 }).unwrap();
    assert_eq!(image.dimensions(), (4 * 7 * 2 + 3 * 3, 3 * 5 * 2 + 2 * 3));

    let single = grid(1, 1, 28, 28, 0.5).to_rgb_image(&GridStyle { scale: 8, gutter_px: 10 }).unwrap();
    assert_eq!(single.dimensions(), (224, 224), "no gutter around a single cell");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");
    write_png(&path, &image, &[]).unwrap();
    let decoded = image::open(&path).unwrap();
    assert_eq!(decoded.color(), image::ColorType::L8, "a grey picture is stored as a grey PNG");
    assert_eq!(decoded.to_rgb8(), image, "the PNG decodes to exactly the rendered grid");
}

#[test]
fn white_cell_lands_at_expected_offset() {
    let (rows, cols, cell_h, cell_w) = (2, 3, 2, 3);
    let mut g = grid(rows, cols, cell_h, cell_w, 0.0);
    let cell = cols + 2; // row 1, column 2
    g.pixels[cell * cell_h * cell_w..(cell + 1) * cell_h * cell_w].fill(1.0);
    let (scale, gutter) = (2u32, 3u32);
    let image = g.to_rgb_image(&GridStyle { scale, gutter_px: gutter }).unwrap();

    let x0 = 2 * (3 * scale + gutter);
    let y0 = 2 * scale + gutter;
    let (white_w, white_h) = (3 * scale, 2 * scale);
    for (x, y, pixel) in image.enumerate_pixels() {
        let in_white = (x0..x0 + white_w).contains(&x) && (y0..y0 + white_h).contains(&y);
        let in_cell_x = x % (3 * scale + gutter) < 3 * scale;
        let in_cell_y = y % (2 * scale + gutter) < 2 * scale;
        let expected = match (in_white, in_cell_x && in_cell_y) {
            (true, _) => 255,
            (false, true) => 0,
            (false, false) => GUTTER_GRAY,
        };
        assert_eq!(pixel.0, [expected; 3], "pixel ({x}, {y})");
    }
    assert_eq!(image.get_pixel(x0 + white_w - 1, y0 + white_h - 1).0[0], 255);
    assert_eq!(image.get_pixel(x0 - 1, y0).0[0], GUTTER_GRAY);
}

#[test]
fn nearest_neighbour_scaling_keeps_pixel_positions() {
    let g = ImageGrid { rows: 1, cols: 1, shape: ImageShape::grey(2, 2), pixels: vec![0.0, 1.0, 0.5, 0.25] };
    let image = g.to_rgb_image(&GridStyle { scale: 3, gutter_px: 5 }).unwrap();
    for (x, y, pixel) in image.enumerate_pixels() {
        let expected = [[0, 255], [128, 64]][(y / 3) as usize][(x / 3) as usize];
        assert_eq!(pixel.0, [expected; 3], "pixel ({x}, {y})");
    }
}

#[test]
fn out_of_range_values_are_clamped_and_nan_is_black() {
    let g = ImageGrid {
        rows: 1,
        cols: 5,
        shape: ImageShape::grey(1, 1),
        pixels: vec![-3.0, 7.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY],
    };
    let image = g.to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    let levels: Vec<u8> = image.pixels().map(|pixel| pixel.0[0]).collect();
    assert_eq!(levels, vec![0, 255, 0, 255, 0]);
}

#[test]
fn bad_scale_is_rejected_with_clear_error() {
    let g = grid(1, 1, 2, 2, 0.5);
    for scale in [0, 9, 100] {
        let err = g.to_rgb_image(&GridStyle { scale, gutter_px: 1 }).unwrap_err();
        assert!(matches!(err, RenderError::ScaleOutOfRange { scale: s } if s == scale), "{err:?}");
        assert!(err.to_string().contains("from 1 to 8"), "{err}");
    }
    for scale in MIN_SCALE..=MAX_SCALE {
        assert!(g.to_rgb_image(&GridStyle { scale, gutter_px: 1 }).is_ok());
    }
}

#[test]
fn empty_grid_and_wrong_pixel_count_are_rejected() {
    let style = GridStyle { scale: 1, gutter_px: 1 };
    for g in [grid(0, 3, 2, 2, 0.0), grid(2, 0, 2, 2, 0.0), grid(2, 2, 0, 2, 0.0), grid(2, 2, 2, 0, 0.0)] {
        let err = g.to_rgb_image(&style).unwrap_err();
        assert!(matches!(err, RenderError::EmptyGrid { .. }), "{err:?}");
        assert!(err.to_string().contains("empty"), "{err}");
    }
    let mut g = grid(2, 2, 2, 2, 0.0);
    g.pixels.pop();
    let err = g.to_rgb_image(&style).unwrap_err();
    assert!(matches!(err, RenderError::PixelCountMismatch { expected: 16, actual: 15, .. }), "{err:?}");
}

#[test]
fn png_text_chunks_read_back_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("provenance.png");
    let pairs = text(&[
        ("vae-explorer:model", r#"{"name":"β-VAE ünïcode 模型","latent_dim":16}"#),
        ("vae-explorer:seed", "42"),
        ("vae-explorer:empty", ""),
        ("Software", "vae-explorer\nmulti-line"),
    ]);
    write_png(&path, &frame(4, 3, 9), &pairs).unwrap();
    assert_eq!(read_png_text(&path).unwrap(), pairs);

    write_png(&path, &frame(4, 3, 9), &[]).unwrap();
    assert_eq!(read_png_text(&path).unwrap(), Vec::new());
}

#[test]
fn invalid_png_text_keys_are_rejected_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.png");
    for key in ["", &"k".repeat(80), "模型", " lead", "trail ", "two  spaces", "tab\tkey"] {
        let err = write_png(&path, &frame(1, 1, 0), &text(&[(key, "v")])).unwrap_err();
        assert!(matches!(err, ExportError::InvalidTextKey { .. }), "{key:?}: {err:?}");
    }
    assert!(entries(dir.path()).is_empty());
    assert!(write_png(&path, &frame(1, 1, 0), &text(&[(&"k".repeat(79), "v")])).is_ok());
}

#[test]
fn gif_frame_count_is_k_without_ping_pong() {
    let dir = tempfile::tempdir().unwrap();
    for k in 1..=5u8 {
        let frames: Vec<_> = (0..k).map(|i| frame(6, 4, i * 40)).collect();
        let path = dir.path().join(format!("anim{k}.gif"));
        write_gif(&path, &frames, 12.0, false).unwrap();
        assert_eq!(gif_frame_count(&path).unwrap(), usize::from(k));
    }
}

#[test]
fn gif_frame_count_is_2k_minus_2_with_ping_pong() {
    let dir = tempfile::tempdir().unwrap();
    for k in 2..=6u8 {
        let frames: Vec<_> = (0..k).map(|i| frame(5, 3, i * 40)).collect();
        let path = dir.path().join(format!("pingpong{k}.gif"));
        write_gif(&path, &frames, 10.0, true).unwrap();
        assert_eq!(gif_frame_count(&path).unwrap(), 2 * usize::from(k) - 2);
    }
    let single = dir.path().join("single.gif");
    write_gif(&single, &[frame(5, 3, 0)], 10.0, true).unwrap();
    assert_eq!(gif_frame_count(&single).unwrap(), 1, "one frame has nothing to bounce back");
}

#[test]
fn gif_holds_exact_gray_levels_in_ping_pong_order_and_loops_forever() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anim.gif");
    let frames: Vec<_> = [0u8, 1, 127, 255].iter().map(|&level| frame(3, 2, level)).collect();
    write_gif(&path, &frames, 25.0, true).unwrap();

    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(File::open(&path).unwrap()).unwrap();
    assert_eq!((decoder.width(), decoder.height()), (3, 2));
    let mut levels = Vec::new();
    while let Some(f) = decoder.read_next_frame().unwrap() {
        assert_eq!(f.delay, 4, "25 fps is 4 hundredths of a second per frame");
        assert!(f.buffer.chunks_exact(4).all(|px| px == &f.buffer[..4]));
        assert_eq!(&f.buffer[..4], &[f.buffer[0], f.buffer[0], f.buffer[0], 255]);
        levels.push(f.buffer[0]);
    }
    assert_eq!(levels, vec![0, 1, 127, 255, 127, 1]);
    assert_eq!(decoder.repeat(), gif::Repeat::Infinite);
}

#[test]
fn gif_frame_delay_is_clamped_to_valid_range() {
    let dir = tempfile::tempdir().unwrap();
    for (fps, expected) in [(1000.0, MIN_GIF_DELAY_CENTISECONDS), (0.0001, u16::MAX), (3.0, 33)] {
        let path = dir.path().join("d.gif");
        write_gif(&path, &[frame(1, 1, 0)], fps, false).unwrap();
        let mut decoder = gif::DecodeOptions::new().read_info(File::open(&path).unwrap()).unwrap();
        assert_eq!(decoder.read_next_frame().unwrap().unwrap().delay, expected, "{fps} fps");
    }
}

#[test]
fn gif_rejects_bad_input_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.gif");

    let err = write_gif(&path, &[frame(4, 4, 0), frame(4, 4, 0), frame(4, 5, 0)], 10.0, false).unwrap_err();
    assert!(matches!(err, ExportError::FrameSizeMismatch { index: 2, found_height: 5, .. }), "{err:?}");
    assert!(err.to_string().contains("same size"), "{err}");

    let err = write_gif(&path, &[], 10.0, true).unwrap_err();
    assert!(matches!(err, ExportError::NoFrames), "{err:?}");

    for fps in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let err = write_gif(&path, &[frame(1, 1, 0)], fps, false).unwrap_err();
        assert!(matches!(err, ExportError::InvalidFrameRate { .. }), "{fps}: {err:?}");
    }

    let err = write_gif(&path, &[RgbImage::new(70_000, 1)], 10.0, false).unwrap_err();
    assert!(matches!(err, ExportError::TooLargeForGif { .. }), "{err:?}");

    assert!(entries(dir.path()).is_empty());
}

#[test]
fn the_scatter_evolution_gif_has_one_frame_per_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evolution.gif");
    let frame = |spread: f32| ScatterFrame {
        points: (0..50).map(|i| [i as f32 * spread, (i % 7) as f32 * spread]).collect(),
        labels: (0..50).map(|i| (i % 10) as u8).collect(),
        epoch: 1,
    };
    let frames = [frame(0.1), frame(0.2), frame(0.3)];
    write_scatter_gif(&path, &frames, ["z0", "z1"], 120, 2.0, |label| [label * 20, 100, 200]).unwrap();
    assert_eq!(gif_frame_count(&path).unwrap(), 3);
    assert!(matches!(write_scatter_gif(&path, &[], ["z0", "z1"], 120, 2.0, |_| [0, 0, 0]), Err(ExportError::NoFrames)));
}

#[test]
fn colour_pictures_are_written_as_rgb_png_and_colour_gif() {
    let dir = tempfile::tempdir().unwrap();
    // A 1 × 2 grid of 2 × 2 RGB cells: red | green over blue | white, and a black cell.
    let shape = ImageShape { channels: 3, height: 2, width: 2 };
    let mut first = vec![1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0];
    first.extend([0.0; 12]);
    let grid = morph_strip(first, shape, 2, 2);
    let image = grid.to_rgb_image(&GridStyle { scale: 2, gutter_px: 1 }).unwrap();
    assert_eq!(image.dimensions(), (9, 4));
    assert_eq!(image.get_pixel(0, 0).0, [255, 0, 0]);
    assert_eq!(image.get_pixel(3, 0).0, [0, 255, 0]);
    assert_eq!(image.get_pixel(0, 3).0, [0, 0, 255]);
    assert_eq!(image.get_pixel(3, 3).0, [255, 255, 255]);
    assert_eq!(image.get_pixel(4, 0).0, [GUTTER_GRAY; 3]);

    let png = dir.path().join("colour.png");
    let text = text(&[("vae-explorer:seed", "3")]);
    assert_eq!(write_grid_png(&png, &grid, &GridStyle { scale: 2, gutter_px: 1 }, &text).unwrap(), (9, 4));
    let decoded = image::open(&png).unwrap();
    assert_eq!(decoded.color(), image::ColorType::Rgb8);
    assert_eq!(decoded.to_rgb8(), image, "the PNG decodes to exactly the rendered grid");
    assert_eq!(read_png_text(&png).unwrap(), text);

    let gif_path = dir.path().join("colour.gif");
    let frames = morph_frames(&grid.pixels, shape);
    assert_eq!(write_frames_gif(&gif_path, &frames, &GridStyle { scale: 1, gutter_px: 0 }, 10.0, true).unwrap(), 2);
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(File::open(&gif_path).unwrap()).unwrap();
    let first_frame = decoder.read_next_frame().unwrap().unwrap().buffer.to_vec();
    let pixels: Vec<&[u8]> = first_frame.chunks_exact(4).collect();
    // Four colours fit a palette exactly.
    assert_eq!(pixels, vec![&[255, 0, 0, 255][..], &[0, 255, 0, 255], &[0, 0, 255, 255], &[255, 255, 255, 255]]);
}

#[test]
fn frames_over_the_animation_limit_are_refused_before_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.gif");
    // No pixels at all: the size alone is refused, before anything is drawn.
    let frame = ImageGrid { rows: 1, cols: 1, shape: ImageShape::grey(4096, 4096), pixels: Vec::new() };
    let frames = vec![frame; 17];
    let error = write_frames_gif(&path, &frames, &GridStyle { scale: 1, gutter_px: 0 }, 10.0, false).unwrap_err();
    assert!(matches!(error, ExportError::Render(RenderError::AnimationTooLarge { frames: 17, .. })), "{error}");
    assert!(!path.exists());
}
