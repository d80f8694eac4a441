//! Rendering: colour planes, gutters, scale, clamping and the size limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::image_shape::ImageShape;

const RGB_2X2: ImageShape = ImageShape { channels: 3, height: 2, width: 2 };

#[test]
fn colour_planes_land_in_their_rgb_channels() {
    // One 2×2 RGB image, planar: red plane, green plane, blue plane.
    let red = [1.0, 0.0, 0.0, 0.5];
    let green = [0.0, 1.0, 0.0, 0.25];
    let blue = [0.0, 0.0, 1.0, 0.75];
    let pixels: Vec<f32> = red.iter().chain(&green).chain(&blue).copied().collect();
    let image = single_image(pixels, RGB_2X2).to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    assert_eq!(image.dimensions(), (2, 2));
    assert_eq!(image.get_pixel(0, 0).0, [255, 0, 0]);
    assert_eq!(image.get_pixel(1, 0).0, [0, 255, 0]);
    assert_eq!(image.get_pixel(0, 1).0, [0, 0, 255]);
    assert_eq!(image.get_pixel(1, 1).0, [128, 64, 191]);
}

#[test]
fn one_channel_renders_grey() {
    let shape = ImageShape::grey(1, 3);
    let image = single_image(vec![0.0, 0.5, 1.0], shape).to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    let levels: Vec<[u8; 3]> = image.pixels().map(|pixel| pixel.0).collect();
    assert_eq!(levels, vec![[0, 0, 0], [128, 128, 128], [255, 255, 255]]);
}

#[test]
fn gutters_lie_between_cells_only_and_cells_scale_by_nearest_neighbour() {
    // 1 row of 2 RGB cells: the first all red, the second a 2×2 pattern.
    let mut pixels = vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    pixels.extend([0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    let (scale, gutter) = (3u32, 2u32);
    let image = morph_strip(pixels, RGB_2X2, 2, 2).to_rgb_image(&GridStyle { scale, gutter_px: gutter }).unwrap();
    assert_eq!(image.dimensions(), (2 * 2 * scale + gutter, 2 * scale));
    for (x, y, pixel) in image.enumerate_pixels() {
        let expected = match x {
            x if x < 2 * scale => [255, 0, 0],
            x if x < 2 * scale + gutter => [GUTTER_GRAY; 3],
            x => {
                let (cell_x, cell_y) = ((x - 2 * scale - gutter) / scale, y / scale);
                [[[0, 0, 0], [255, 0, 0]], [[0, 255, 0], [0, 0, 255]]][cell_y as usize][cell_x as usize]
            }
        };
        assert_eq!(pixel.0, expected, "pixel ({x}, {y})");
    }
}

#[test]
fn out_of_range_values_clamp_and_nan_is_black() {
    let shape = ImageShape::grey(1, 5);
    let values = vec![-3.0, 7.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
    let image = single_image(values, shape).to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    let reds: Vec<u8> = image.pixels().map(|pixel| pixel.0[0]).collect();
    assert_eq!(reds, vec![0, 255, 0, 255, 0]);
    let mut colour = vec![0.5; 12];
    colour[4] = f32::NAN; // green of the first pixel
    let image = single_image(colour, RGB_2X2).to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    assert_eq!(image.get_pixel(0, 0).0, [128, 0, 128]);
}

#[test]
fn limits_and_bad_grids_are_refused_before_drawing() {
    let style = GridStyle { scale: 1, gutter_px: 0 };
    let side = MAX_EXPORT_SIDE_PX as usize;
    let too_wide = ImageGrid { rows: 1, cols: 1, shape: ImageShape::grey(1, side + 1), pixels: Vec::new() };
    assert!(matches!(too_wide.to_rgb_image(&style), Err(RenderError::ImageTooLarge { .. })));
    let square = (MAX_EXPORT_PIXELS as f64).sqrt() as usize;
    assert!(rendered_size(1, 1, square, square, &style).is_ok());
    assert!(matches!(rendered_size(1, 1, square, square + 1, &style), Err(RenderError::ImageTooLarge { .. })));
    let huge = GridStyle { scale: 8, gutter_px: u32::MAX };
    assert!(matches!(rendered_size(usize::MAX, usize::MAX, 1, 1, &huge), Err(RenderError::ImageTooLarge { .. })));
    assert!(matches!(check_animation_size(64, 16_384, 4096), Err(RenderError::AnimationTooLarge { .. })));
    for scale in [0, 9] {
        let error = single_image(vec![0.0; 12], RGB_2X2).to_rgb_image(&GridStyle { scale, gutter_px: 0 });
        assert_eq!(error, Err(RenderError::ScaleOutOfRange { scale }));
    }
    let short = single_image(vec![0.0; 11], RGB_2X2).to_rgb_image(&style);
    assert!(matches!(short, Err(RenderError::PixelCountMismatch { expected: 12, actual: 11, .. })));
    let no_channels = ImageShape { channels: 0, height: 2, width: 2 };
    assert_eq!(single_image(Vec::new(), no_channels).to_rgb_image(&style), Err(RenderError::NoChannels));
    let empty = decoder_grid(Vec::new(), RGB_2X2, 0).to_rgb_image(&style);
    assert!(matches!(empty, Err(RenderError::EmptyGrid { .. })));
}

#[test]
fn reconstructions_put_each_original_above_its_reconstruction() {
    let shape = ImageShape::grey(1, 1);
    let originals: Vec<f32> = (0..10).map(|index| index as f32 / 100.0).collect();
    let recons: Vec<f32> = (0..10).map(|index| 0.5 + index as f32 / 100.0).collect();
    let grid = reconstructions(&originals, &recons, shape);
    assert_eq!((grid.rows, grid.cols), (reconstruction_rows(10), PAIRS_PER_ROW));
    assert_eq!(grid.rows, 4);
    assert_eq!(&grid.pixels[..8], &originals[..8]);
    assert_eq!(&grid.pixels[8..16], &recons[..8]);
    assert_eq!(&grid.pixels[16..18], &originals[8..]);
    assert_eq!(&grid.pixels[18..24], &[0.0; 6], "a short row is padded with black");
    assert_eq!(&grid.pixels[24..26], &recons[8..]);
}

#[test]
fn views_with_fixed_layouts_have_their_cells() {
    let grid = prior_samples(vec![0.0; 64 * 12], RGB_2X2);
    assert_eq!((grid.rows, grid.cols), (crate::inference::SAMPLE_GRID_SIDE, crate::inference::SAMPLE_GRID_SIDE));
    let pair = image_pair(&[1.0; 12], &[], RGB_2X2);
    assert_eq!((pair.rows, pair.cols, pair.pixels.len()), (1, 2, 24));
    assert_eq!(&pair.pixels[12..], &[0.0; 12]);
    let frames = morph_frames(&[0.25; 36], RGB_2X2);
    assert_eq!(frames.len(), 3);
    assert_eq!(thumbnail_row(vec![1.0; 12], RGB_2X2, 8).pixels.len(), 96);
    assert_eq!(WINDOW_STYLE, GridStyle { scale: 1, gutter_px: 1 });
}

#[test]
fn a_300_frame_strip_too_wide_for_one_row_wraps_into_even_rows() {
    let style = GridStyle { scale: 4, gutter_px: 2 };
    assert_eq!(strip_columns(64, 28, &style), 64, "64 digit frames at scale 4 still fit one row");
    // 143 frames of 114 pixels fit 16,384: 300 frames need 3 rows, filled evenly.
    assert_eq!(strip_columns(300, 28, &style), 100);
    let digit = ImageShape::grey(28, 28);
    let strip = exported_strip(vec![0.5; 300 * 28 * 28], digit, 300, &style);
    assert_eq!((strip.rows, strip.cols), (3, 100));
    assert_eq!(strip.rendered_size(&style).unwrap(), (100 * 112 + 99 * 2, 3 * 112 + 2 * 2));
    assert!(strip.to_rgb_image(&style).is_ok());
}

#[test]
fn a_short_last_row_of_a_strip_is_padded_with_black() {
    let grey = ImageShape::grey(1, 1);
    let strip = morph_strip(vec![1.0; 5], grey, 5, 2);
    assert_eq!((strip.rows, strip.cols), (3, 2));
    let image = strip.to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }).unwrap();
    let levels: Vec<u8> = image.pixels().map(|pixel| pixel.0[0]).collect();
    assert_eq!(levels, vec![255, 255, 255, 255, 255, 0]);
    // A strip of the wrong length is not padded: it is refused.
    assert!(matches!(
        morph_strip(vec![1.0; 4], grey, 5, 2).to_rgb_image(&GridStyle { scale: 1, gutter_px: 0 }),
        Err(RenderError::PixelCountMismatch { .. })
    ));
}

#[test]
fn a_300_frame_colour_strip_at_scale_8_is_refused_as_a_picture_but_fits_as_an_animation() {
    let style = GridStyle { scale: 8, gutter_px: 2 };
    let shape = ImageShape { channels: 3, height: 64, width: 64 };
    // 10 rows of 30 frames of 512 × 512 pixels: 79 Mpixel, over the 64 Mpixel of one picture.
    let strip = exported_strip(Vec::new(), shape, 300, &style);
    let error = strip.rendered_size(&style).unwrap_err();
    assert!(matches!(error, RenderError::ImageTooLarge { .. }), "{error}");
    assert!(error.to_string().contains("lower the scale"), "{error}");
    assert!(check_animation_size(300, 512, 512).is_ok(), "the GIF's 300 frames stay under 256 Mpixel");
}
