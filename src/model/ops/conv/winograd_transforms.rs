//! Winograd's F(2×2, 3×3) transforms (Lavin and Gray, "Fast Algorithms for Convolutional Neural
//! Networks", 2016) and their adjoints, on single tiles and on whole maps cut into tiles.
//!
//! A 3×3 correlation of a 4×4 input tile d with a kernel g gives a 2×2 output tile
//! Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A: 16 multiplies where the direct sum takes 36. Over many channels
//! the ⊙ becomes 16 matrix products (one per position ξ of the 4×4 transformed tile), so a 3×3
//! stride-1 convolution costs 4/9 of its direct multiply-adds plus the transforms. Backward uses the
//! adjoints: dM = A dY Aᵀ, dd = B dV Bᵀ and dg = Gᵀ dU G.
//!
//! Transformed values are laid out as [16][channels][columns], where column = image · tiles of the
//! band + (tile row − the band's first) · tiles across + tile column: the 16 matrices the products
//! read and write. The
//! map transforms work a row of tiles at a time on whole rows, so their loops vectorise: a padded
//! row is kept as its even and odd columns, and tile t of a row reads even and odd columns t and
//! t + 1.

use super::winograd_tiles::{TileScratch, Tiles};

/// Bᵀ v, for a column of an input tile.
#[inline(always)]
fn input_transform(v: [f32; 4]) -> [f32; 4] {
    [v[0] - v[2], v[1] + v[2], v[2] - v[1], v[1] - v[3]]
}

/// B v, the adjoint of [`input_transform`].
#[inline(always)]
fn input_transform_adjoint(v: [f32; 4]) -> [f32; 4] {
    [v[0], v[1] - v[2] + v[3], v[1] + v[2] - v[0], -v[3]]
}

/// G v, for a column of a 3×3 kernel.
fn kernel_transform(v: [f32; 3]) -> [f32; 4] {
    [v[0], 0.5 * (v[0] + v[1] + v[2]), 0.5 * (v[0] - v[1] + v[2]), v[2]]
}

/// Gᵀ v, the adjoint of [`kernel_transform`].
fn kernel_transform_adjoint(v: [f32; 4]) -> [f32; 3] {
    [v[0] + 0.5 * (v[1] + v[2]), 0.5 * (v[1] - v[2]), 0.5 * (v[1] + v[2]) + v[3]]
}

/// Aᵀ v, for a column of a transformed output tile.
#[inline(always)]
fn output_transform(v: [f32; 4]) -> [f32; 2] {
    [v[0] + v[1] + v[2], v[1] - v[2] - v[3]]
}

/// A v, the adjoint of [`output_transform`].
#[inline(always)]
fn output_transform_adjoint(v: [f32; 2]) -> [f32; 4] {
    [v[0], v[0] + v[1], v[0] - v[1], -v[1]]
}

/// F t Fᵀ for the matrix F that `transform` multiplies a column by: `transform` on every column of
/// `tile`, then on every row of the result.
#[inline(always)]
fn both_sides<const N: usize, const M: usize>(
    tile: [[f32; N]; N],
    transform: impl Fn([f32; N]) -> [f32; M],
) -> [[f32; M]; M] {
    let columns: [[f32; M]; N] = std::array::from_fn(|column| transform(std::array::from_fn(|row| tile[row][column])));
    std::array::from_fn(|row| transform(std::array::from_fn(|column| columns[column][row])))
}

/// Tiles a [`per_tile`] step works on at once: a fixed-length loop the compiler turns into SIMD.
const LANES: usize = 8;

/// `outputs[m][t] = transform(inputs[0][t], …, inputs[N − 1][t])[m]` for every tile t of a row
/// (`across` of them; every slice at least that long), [`LANES`] tiles at a time.
#[inline(always)]
fn per_tile<const N: usize, const M: usize>(
    inputs: [&[f32]; N],
    mut outputs: [&mut [f32]; M],
    across: usize,
    transform: impl Fn([f32; N]) -> [f32; M],
) {
    for start in (0..across).step_by(LANES) {
        let count = LANES.min(across - start);
        let mut lanes_in = [[0.0f32; LANES]; N];
        for (lanes, input) in lanes_in.iter_mut().zip(&inputs) {
            // A whole block is copied at a length known here (no call to memcpy).
            match input[start..].first_chunk::<LANES>() {
                Some(block) if count == LANES => *lanes = *block,
                _ => lanes[..count].copy_from_slice(&input[start..start + count]),
            }
        }
        let mut lanes_out = [[0.0f32; LANES]; M];
        for lane in 0..LANES {
            let values = transform(std::array::from_fn(|n| lanes_in[n][lane]));
            for (lanes, value) in lanes_out.iter_mut().zip(values) {
                lanes[lane] = value;
            }
        }
        for (output, lanes) in outputs.iter_mut().zip(&lanes_out) {
            match output[start..].first_chunk_mut::<LANES>() {
                Some(block) if count == LANES => *block = *lanes,
                _ => output[start..start + count].copy_from_slice(&lanes[..count]),
            }
        }
    }
}

/// A 4×4 tile from its 16 values, row by row.
#[inline(always)]
fn tile_of(values: [f32; 16]) -> [[f32; 4]; 4] {
    std::array::from_fn(|row| std::array::from_fn(|column| values[4 * row + column]))
}

/// A 4×4 tile's 16 values, row by row.
#[inline(always)]
fn values_of(tile: [[f32; 4]; 4]) -> [f32; 16] {
    std::array::from_fn(|index| tile[index / 4][index % 4])
}

/// The 16 rows `first..first + length` of each position's matrix in a [16][channels][columns]
/// buffer whose matrices are `stride` apart.
fn position_rows(transformed: &[f32], stride: usize, first: usize, length: usize) -> [&[f32]; 16] {
    std::array::from_fn(|position| &transformed[position * stride + first..][..length])
}

/// [`position_rows`], to write.
fn position_rows_mut(transformed: &mut [f32], stride: usize, first: usize, length: usize) -> [&mut [f32]; 16] {
    let mut rows = transformed.chunks_exact_mut(stride.max(1)).map(|matrix| &mut matrix[first..first + length]);
    std::array::from_fn(|_| rows.next().unwrap_or_default())
}

/// `sums[i] += values[i]`.
#[inline(always)]
fn add_into(sums: &mut [f32], values: &[f32]) {
    sums.iter_mut().zip(values).for_each(|(sum, value)| *sum += value);
}

/// The 16 transformed weights U = G g Gᵀ of every kernel: `weight` [out, in, 3, 3] →
/// [16][out][in].
pub fn transform_weights(weight: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32> {
    let pairs = channels_out * channels_in;
    let mut transformed = vec![0.0f32; 16 * pairs];
    for (pair, kernel) in weight.chunks_exact(9).enumerate().take(pairs) {
        let kernel: [[f32; 3]; 3] = std::array::from_fn(|row| std::array::from_fn(|column| kernel[3 * row + column]));
        for (position, value) in both_sides(kernel, kernel_transform).as_flattened().iter().enumerate() {
            transformed[position * pairs + pair] = *value;
        }
    }
    transformed
}

/// The weight gradient [out, in, 3, 3] from the gradient of the transformed weights
/// ([16][out][in]): dg = Gᵀ dU G for every kernel.
pub fn weight_gradient(transformed_gradient: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32> {
    let pairs = channels_out * channels_in;
    let mut gradient = vec![0.0f32; 9 * pairs];
    for (pair, kernel) in gradient.chunks_exact_mut(9).enumerate() {
        let tile: [[f32; 4]; 4] = std::array::from_fn(|row| {
            std::array::from_fn(|column| transformed_gradient[(4 * row + column) * pairs + pair])
        });
        kernel.copy_from_slice(both_sides(tile, kernel_transform_adjoint).as_flattened());
    }
    gradient
}

/// V = Bᵀ d B of the band's input tiles of `maps` ([images, channels, height, width]) into
/// `transformed` ([16][channels][columns]).
pub fn transform_input(
    maps: &[f32],
    channels: usize,
    tiles: Tiles,
    transformed: &mut [f32],
    scratch: &mut TileScratch,
) {
    let (across, half) = (tiles.count[1], tiles.half_width());
    let plane = &mut scratch.input;
    for (index, map) in maps.chunks_exact(tiles.map_values().max(1)).enumerate() {
        let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
        plane.fill_band(map, tiles);
        for tile_row in tiles.rows[0]..tiles.rows[1] {
            // Row r of tile t: even t, odd t, even t + 1 and odd t + 1 of padded row 2 · tile row + r.
            let inputs: [&[f32]; 16] = std::array::from_fn(|slot| {
                let (r, c) = (slot / 4, slot % 4);
                let source = if c % 2 == 0 { &plane.even } else { &plane.odd };
                &source[(2 * tile_row + r) * half + c / 2..][..across]
            });
            let outputs = position_rows_mut(transformed, stride, tiles.row_start(first_column, tile_row), across);
            per_tile(inputs, outputs, across, |values| values_of(both_sides(tile_of(values), input_transform)));
        }
    }
}

/// The input gradient of [`transform_input`] over the band: dd = B dV Bᵀ of every tile of
/// `transformed` ([16][channels][columns]), added into the padded maps of the scratch's input
/// gradient (see [`TileScratch::start_input_gradient`]), one per map of the chunk.
pub fn transform_input_adjoint(transformed: &[f32], channels: usize, tiles: Tiles, scratch: &mut TileScratch) {
    let (across, half) = (tiles.count[1], tiles.half_width());
    let maps = transformed.len() / (16 * tiles.per_map()).max(1);
    let TileScratch { gradient, rows, .. } = scratch;
    if rows.len() < 16 * across {
        rows.resize(16 * across, 0.0);
    }
    let mut tile_values: [&mut [f32]; 16] = {
        let mut rows = rows.chunks_exact_mut(across.max(1));
        std::array::from_fn(|_| rows.next().unwrap_or_default())
    };
    for index in 0..maps {
        let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
        let plane = index * tiles.half_plane();
        for tile_row in tiles.rows[0]..tiles.rows[1] {
            let inputs = position_rows(transformed, stride, tiles.row_start(first_column, tile_row), across);
            let outputs: [&mut [f32]; 16] = tile_values.each_mut().map(|row| &mut **row);
            per_tile(inputs, outputs, across, |values| values_of(both_sides(tile_of(values), input_transform_adjoint)));
            // Value (r, c) of tile t adds into padded row 2 · tile row + r at even t, odd t,
            // even t + 1 or odd t + 1.
            for (slot, values) in tile_values.iter().enumerate() {
                let (r, c) = (slot / 4, slot % 4);
                let start = plane + (2 * tile_row + r) * half + c / 2;
                let target = if c % 2 == 0 { &mut gradient.even } else { &mut gradient.odd };
                add_into(&mut target[start..start + across], values);
            }
        }
    }
}

/// Y = Aᵀ M A of the band's tiles of `transformed` ([16][channels][columns]) plus
/// `bias[channel]`, written into the band's rows of `maps` ([images, channels, height, width]).
pub fn transform_output(
    transformed: &[f32],
    channels: usize,
    tiles: Tiles,
    bias: &[f32],
    maps: &mut [f32],
    scratch: &mut TileScratch,
) {
    let across = tiles.count[1];
    let [height, width] = tiles.side;
    let [top_even, top_odd, bottom_even, bottom_odd]: [&mut [f32]; 4] = {
        let mut rows = scratch.rows(4, across).into_iter();
        std::array::from_fn(|_| rows.next().unwrap_or_default())
    };
    for (index, map) in maps.chunks_exact_mut(tiles.map_values().max(1)).enumerate() {
        let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
        let shift = bias.get(index % channels.max(1)).copied().unwrap_or(0.0);
        for tile_row in tiles.rows[0]..tiles.rows[1] {
            let inputs = position_rows(transformed, stride, tiles.row_start(first_column, tile_row), across);
            let outputs = [&mut *top_even, &mut *top_odd, &mut *bottom_even, &mut *bottom_odd];
            per_tile(inputs, outputs, across, |values| {
                let [[a, b], [c, d]] = both_sides(tile_of(values), output_transform);
                [a + shift, b + shift, c + shift, d + shift]
            });
            for (r, (even, odd)) in [(&*top_even, &*top_odd), (&*bottom_even, &*bottom_odd)].into_iter().enumerate() {
                let y = 2 * tile_row + r;
                if y >= height {
                    break;
                }
                for (pair, (even, odd)) in map[y * width..(y + 1) * width].chunks_mut(2).zip(even.iter().zip(odd)) {
                    pair[0] = *even;
                    if let Some(value) = pair.get_mut(1) {
                        *value = *odd;
                    }
                }
            }
        }
    }
}

/// The gradient of the band's transformed output tiles from the output's: dM = A dY Aᵀ of every
/// 2×2 tile of `maps` ([images, channels, height, width], zeros past an odd side) into
/// `transformed` ([16][channels][columns]).
pub fn transform_output_adjoint(
    maps: &[f32],
    channels: usize,
    tiles: Tiles,
    transformed: &mut [f32],
    scratch: &mut TileScratch,
) {
    let across = tiles.count[1];
    let [height, width] = tiles.side;
    let mut rows = scratch.rows(4, across);
    for (index, map) in maps.chunks_exact(tiles.map_values().max(1)).enumerate() {
        let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
        for tile_row in tiles.rows[0]..tiles.rows[1] {
            // The tile's two rows as even and odd columns: rows [even 0, odd 0, even 1, odd 1].
            for (r, halves) in rows.chunks_mut(2).enumerate() {
                let [even, odd] = halves else { continue };
                even.fill(0.0);
                odd.fill(0.0);
                let y = 2 * tile_row + r;
                if y < height {
                    for (tile, pair) in map[y * width..(y + 1) * width].chunks(2).enumerate() {
                        even[tile] = pair[0];
                        odd[tile] = pair.get(1).copied().unwrap_or(0.0);
                    }
                }
            }
            let inputs = [&*rows[0], &*rows[1], &*rows[2], &*rows[3]];
            let outputs = position_rows_mut(transformed, stride, tiles.row_start(first_column, tile_row), across);
            per_tile(inputs, outputs, across, |[a, b, c, d]| {
                values_of(both_sides([[a, b], [c, d]], output_transform_adjoint))
            });
        }
    }
}
