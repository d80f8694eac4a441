//! The Winograd transforms against the direct correlation, whole and by bands, and each adjoint
//! against its transform.

use super::winograd_tiles::{TileScratch, Tiles};
use super::winograd_transforms::{
    transform_input, transform_input_adjoint, transform_output, transform_output_adjoint, transform_weights,
    weight_gradient,
};

/// Made-up values in [-1, 1).
fn made_up(count: usize, seed: usize) -> Vec<f32> {
    (0..count).map(|index| ((index * 7919 + seed * 104_729) % 2003) as f32 / 1001.5 - 1.0).collect()
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum()
}

/// The 3×3 correlation with padding 1 by its definition, in f64: maps [channels_in, h, w],
/// weight [out, in, 3, 3] → [out, h, w].
fn direct(maps: &[f32], weight: &[f32], channels_in: usize, channels_out: usize, side: [usize; 2]) -> Vec<f32> {
    let [height, width] = side;
    let mut output = Vec::new();
    for out in 0..channels_out {
        for y in 0..height {
            for x in 0..width {
                let mut sum = 0.0f64;
                for (input, ky, kx) in taps_of(channels_in) {
                    let (source_y, source_x) = ((y + ky).checked_sub(1), (x + kx).checked_sub(1));
                    let (Some(sy), Some(sx)) = (source_y, source_x) else { continue };
                    if sy < height && sx < width {
                        let w = weight[((out * channels_in + input) * 3 + ky) * 3 + kx];
                        sum += f64::from(w) * f64::from(maps[(input * height + sy) * width + sx]);
                    }
                }
                output.push(sum as f32);
            }
        }
    }
    output
}

fn taps_of(channels: usize) -> impl Iterator<Item = (usize, usize, usize)> {
    (0..channels).flat_map(|input| (0..3).flat_map(move |ky| (0..3).map(move |kx| (input, ky, kx))))
}

/// The convolution through the transforms, a band of `band_rows` tile rows at a time, with
/// one product per position done by hand.
fn through_transforms(
    maps: &[f32],
    weight: &[f32],
    [channels_in, channels_out]: [usize; 2],
    side: [usize; 2],
    band_rows: usize,
) -> Vec<f32> {
    let whole = Tiles::of(side);
    let weights = transform_weights(weight, channels_out, channels_in);
    let mut output = vec![0.0; channels_out * whole.map_values()];
    let mut scratch = TileScratch::default();
    for first in (0..whole.count[0]).step_by(band_rows) {
        let tiles = whole.band(first, first + band_rows);
        let columns = tiles.per_map();
        let mut input = vec![0.0; 16 * channels_in * columns];
        transform_input(maps, channels_in, tiles, &mut input, &mut scratch);
        let mut products = vec![0.0; 16 * channels_out * columns];
        for position in 0..16 {
            for out in 0..channels_out {
                for column in 0..columns {
                    products[(position * channels_out + out) * columns + column] = (0..channels_in)
                        .map(|i| {
                            weights[(position * channels_out + out) * channels_in + i]
                                * input[(position * channels_in + i) * columns + column]
                        })
                        .sum();
                }
            }
        }
        transform_output(&products, channels_out, tiles, &[], &mut output, &mut scratch);
    }
    output
}

#[test]
fn the_transforms_give_the_direct_correlation_for_even_and_odd_sides_whole_or_by_bands() {
    let cases = [(1, 1, [2, 2]), (2, 3, [4, 4]), (3, 2, [5, 7]), (1, 2, [1, 1]), (2, 2, [6, 3]), (2, 3, [9, 20])];
    for (case, (channels_in, channels_out, side)) in cases.into_iter().enumerate() {
        let maps = made_up(channels_in * side[0] * side[1], case);
        let weight = made_up(channels_out * channels_in * 9, case + 7);
        let want = direct(&maps, &weight, channels_in, channels_out, side);
        for band_rows in [1, 2, usize::MAX] {
            let got = through_transforms(&maps, &weight, [channels_in, channels_out], side, band_rows);
            let gap = crate::model::ops::test_values::largest_gap(&got, &want);
            assert!(gap < 1e-5, "case {case}, bands of {band_rows} rows: off by {gap}");
        }
    }
}

#[test]
fn each_adjoint_is_the_transpose_of_its_transform() {
    // ⟨T x, y⟩ = ⟨x, T* y⟩ for made-up x and y: the defining property of the adjoint.
    let (channels, side) = (2, [5, 6]);
    let tiles = Tiles::of(side);
    let columns = 3 * tiles.per_map();
    let maps = made_up(3 * channels * tiles.map_values(), 1);
    let transformed = made_up(16 * channels * columns, 2);

    let mut forward = vec![0.0; transformed.len()];
    transform_input(&maps, channels, tiles, &mut forward, &mut TileScratch::default());
    // The adjoint added up band by band (bands of 2 tile rows: 3 tile rows, so a band of 1 last).
    let mut back = vec![0.0; maps.len()];
    let mut scratch = TileScratch::default();
    scratch.start_input_gradient(3 * channels, tiles);
    for first in [0, 2] {
        let band = tiles.band(first, first + 2);
        let band_values: Vec<f32> = (0..16 * channels)
            .flat_map(|row| {
                (0..3).flat_map(move |image| {
                    let start = row * columns + image * tiles.per_map() + first * tiles.count[1];
                    start..start + band.per_map()
                })
            })
            .map(|index| transformed[index])
            .collect();
        transform_input_adjoint(&band_values, channels, band, &mut scratch);
    }
    scratch.finish_input_gradient(tiles, &mut back);
    let (left, right) = (dot(&forward, &transformed), dot(&maps, &back));
    assert!((left - right).abs() < 1e-3, "input transform: {left} against {right}");

    let mut forward = vec![0.0; maps.len()];
    transform_output(&transformed, channels, tiles, &[], &mut forward, &mut TileScratch::default());
    let mut back = vec![0.0; transformed.len()];
    transform_output_adjoint(&maps, channels, tiles, &mut back, &mut TileScratch::default());
    let (left, right) = (dot(&forward, &maps), dot(&transformed, &back));
    assert!((left - right).abs() < 1e-3, "output transform: {left} against {right}");

    let (weight, weight_gradient_in) = (made_up(3 * 2 * 9, 3), made_up(16 * 3 * 2, 4));
    let (left, right) = (
        dot(&transform_weights(&weight, 3, 2), &weight_gradient_in),
        dot(&weight, &weight_gradient(&weight_gradient_in, 3, 2)),
    );
    assert!((left - right).abs() < 1e-4, "kernel transform: {left} against {right}");
}
