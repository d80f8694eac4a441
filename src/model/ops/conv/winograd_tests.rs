//! The Winograd transforms, F(2×2, 3×3) and F(4×4, 3×3), against the direct correlation, whole
//! and by bands, and each adjoint against its transform.

use super::winograd_tiles::{TileScratch, Tiles};
use super::winograd_transforms::{F2x2, F4x4, Variant};

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

/// The convolution through `V`'s transforms, a band of `band_rows` tile rows at a time, with
/// one product per position done by hand.
fn through_transforms<V: Variant>(
    maps: &[f32],
    weight: &[f32],
    [channels_in, channels_out]: [usize; 2],
    side: [usize; 2],
    band_rows: usize,
) -> Vec<f32> {
    let whole = Tiles::of(side, V::TILE);
    let positions = V::POSITIONS;
    let weights = V::transform_weights(weight, channels_out, channels_in);
    let mut output = vec![0.0; channels_out * whole.map_values()];
    let mut scratch = TileScratch::default();
    for first in (0..whole.count[0]).step_by(band_rows) {
        let tiles = whole.band(first, first + band_rows);
        let columns = tiles.per_map();
        let mut input = vec![0.0; positions * channels_in * columns];
        V::transform_input(maps, channels_in, tiles, &mut input, &mut scratch);
        let mut products = vec![0.0; positions * channels_out * columns];
        for position in 0..positions {
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
        V::transform_output(&products, channels_out, tiles, &[], &mut output, &mut scratch);
    }
    output
}

/// The direct correlation through `V` on sides that are and are not multiples of its tile,
/// whole and by bands; rows of fewer than 4 tiles, of 4 to 7 (worked 4 at a time), of exactly 8
/// and of more than 8 but not a multiple (the last block of 8 overlaps the one before).
fn check_against_direct<V: Variant>(name: &str) {
    let cases = [(1, 1, [2, 2]), (2, 3, [4, 4]), (3, 2, [5, 7]), (1, 2, [1, 1]), (2, 2, [6, 3]), (2, 3, [9, 20])];
    let extra = [(2, 2, [11, 13]), (1, 3, [16, 17]), (2, 1, [3, 10]), (1, 2, [6, 37]), (2, 1, [5, 32])];
    for (case, (channels_in, channels_out, side)) in cases.into_iter().chain(extra).enumerate() {
        let maps = made_up(channels_in * side[0] * side[1], case);
        let weight = made_up(channels_out * channels_in * 9, case + 7);
        let want = direct(&maps, &weight, channels_in, channels_out, side);
        for band_rows in [1, 2, usize::MAX] {
            let got = through_transforms::<V>(&maps, &weight, [channels_in, channels_out], side, band_rows);
            let gap = crate::model::ops::test_values::largest_gap(&got, &want);
            assert!(gap < 1e-5, "{name}, case {case}, bands of {band_rows} rows: off by {gap}");
        }
    }
}

#[test]
fn the_transforms_give_the_direct_correlation_on_any_side_whole_or_by_bands() {
    check_against_direct::<F2x2>("F(2×2, 3×3)");
    check_against_direct::<F4x4>("F(4×4, 3×3)");
}

/// ⟨T x, y⟩ = ⟨x, T* y⟩ for made-up x and y, the defining property of the adjoint, for each of
/// `V`'s map transforms on maps of `side`.
fn check_adjoints<V: Variant>(name: &str, side: [usize; 2]) {
    let channels = 2;
    let tiles = Tiles::of(side, V::TILE);
    let positions = V::POSITIONS;
    let columns = 3 * tiles.per_map();
    let maps = made_up(3 * channels * tiles.map_values(), 1);
    let transformed = made_up(positions * channels * columns, 2);

    let mut forward = vec![0.0; transformed.len()];
    V::transform_input(&maps, channels, tiles, &mut forward, &mut TileScratch::default());
    // The adjoint added up band by band (bands of 2 tile rows, the last one shorter when the tile
    // rows are odd).
    let mut back = vec![0.0; maps.len()];
    let mut scratch = TileScratch::default();
    scratch.start_input_gradient(3 * channels, tiles);
    for first in (0..tiles.count[0]).step_by(2) {
        let band = tiles.band(first, first + 2);
        let band_values: Vec<f32> = (0..positions * channels)
            .flat_map(|row| {
                (0..3).flat_map(move |image| {
                    let start = row * columns + image * tiles.per_map() + first * tiles.count[1];
                    start..start + band.per_map()
                })
            })
            .map(|index| transformed[index])
            .collect();
        V::transform_input_adjoint(&band_values, channels, band, &mut scratch);
    }
    V::finish_input_gradient(&scratch, tiles, &mut back);
    let (left, right) = (dot(&forward, &transformed), dot(&maps, &back));
    assert!((left - right).abs() < 1e-3 * left.abs().max(1.0), "{name} input transform: {left} against {right}");

    let mut forward = vec![0.0; maps.len()];
    V::transform_output(&transformed, channels, tiles, &[], &mut forward, &mut TileScratch::default());
    let mut back = vec![0.0; transformed.len()];
    V::transform_output_adjoint(&maps, channels, tiles, &mut back, &mut TileScratch::default());
    let (left, right) = (dot(&forward, &maps), dot(&transformed, &back));
    assert!((left - right).abs() < 1e-3 * left.abs().max(1.0), "{name} output transform: {left} against {right}");

    let (weight, weight_gradient_in) = (made_up(3 * 2 * 9, 3), made_up(positions * 3 * 2, 4));
    let (left, right) = (
        dot(&V::transform_weights(&weight, 3, 2), &weight_gradient_in),
        dot(&weight, &V::weight_gradient(&weight_gradient_in, 3, 2)),
    );
    assert!((left - right).abs() < 1e-4, "{name} kernel transform: {left} against {right}");
}

#[test]
fn each_adjoint_is_the_transpose_of_its_transform() {
    for side in [[5, 6], [9, 11], [12, 8], [5, 37]] {
        check_adjoints::<F2x2>("F(2×2, 3×3)", side);
        check_adjoints::<F4x4>("F(4×4, 3×3)", side);
    }
}
