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
    let image = morph_strip(pixels, RGB_2X2, 2).to_rgb_image(&GridStyle { scale, gutter_px: gutter }).unwrap();
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
