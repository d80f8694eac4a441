//! Winograd's F(m×m, 3×3) transforms (the algebra in `winograd_algebra`) and their adjoints on
//! whole maps cut into tiles, for m = 2 ([`F2x2`]) and m = 4 ([`F4x4`]).
//!
//! Transformed values are laid out as [positions][channels][columns], where column = image · tiles
//! of the band + (tile row − the band's first) · tiles across + tile column: the (m + 2)² matrices
//! the products read and write. Each map transform works a row of tiles at a time, as two passes of
//! a one-dimensional transform (down the tiles' columns, then across their rows, or the reverse)
//! over whole rows of values, so its loops vectorise: a padded row is kept as its m phases (see
//! `winograd_tiles`), and tile t of a row reads columns t and t + 1 of every phase.

use std::marker::PhantomData;

use super::chunked::sized;
use super::winograd_algebra::{F2, F4, TileAlgebra};
use super::winograd_tiles::{TileScratch, Tiles};

/// One F(m×m, 3×3) on whole maps: what the passes in `winograd` use.
pub trait Variant {
    /// m, the side of an output tile.
    const TILE: usize;
    /// (m + 2)², the positions of a transformed tile: one matrix product each.
    const POSITIONS: usize;

    /// The transformed weights U = G g Gᵀ of every kernel: `weight` [out, in, 3, 3] →
    /// [positions][out][in].
    fn transform_weights(weight: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32>;

    /// The weight gradient [out, in, 3, 3] from the gradient of the transformed weights
    /// ([positions][out][in]): dg = Gᵀ dU G for every kernel.
    fn weight_gradient(transformed_gradient: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32>;

    /// V = Bᵀ d B of the band's input tiles of `maps` ([images, channels, height, width]) into
    /// `transformed` ([positions][channels][columns]).
    fn transform_input(maps: &[f32], channels: usize, tiles: Tiles, transformed: &mut [f32], scratch: &mut TileScratch);

    /// The input gradient of [`Variant::transform_input`] over the band: dd = B dV Bᵀ of every
    /// tile of `transformed` ([positions][channels][columns]), added into the padded maps of the
    /// scratch's input gradient (see [`TileScratch::start_input_gradient`]), one per map of the
    /// chunk.
    fn transform_input_adjoint(transformed: &[f32], channels: usize, tiles: Tiles, scratch: &mut TileScratch);

    /// The input gradients added up by [`Variant::transform_input_adjoint`], written into `maps`
    /// ([images, channels, height, width]).
    fn finish_input_gradient(scratch: &TileScratch, tiles: Tiles, maps: &mut [f32]);

    /// Y = Aᵀ M A of the band's tiles of `transformed` ([positions][channels][columns]) plus
    /// `bias[channel]`, written into the band's rows of `maps` ([images, channels, height, width]).
    fn transform_output(
        transformed: &[f32],
        channels: usize,
        tiles: Tiles,
        bias: &[f32],
        maps: &mut [f32],
        scratch: &mut TileScratch,
    );

    /// The gradient of the band's transformed output tiles from the output's: dM = A dY Aᵀ of
    /// every tile of `maps` ([images, channels, height, width], zeros past the side) into
    /// `transformed` ([positions][channels][columns]).
    fn transform_output_adjoint(
        maps: &[f32],
        channels: usize,
        tiles: Tiles,
        transformed: &mut [f32],
        scratch: &mut TileScratch,
    );
}

/// F(M×M, 3×3) by the algebra `A` on whole maps, with N = M + 2, P = N² and Q = M²: array
/// lengths Rust's const generics can't compute from M (checked in [`Variant::TILE`]).
pub struct OnMaps<A, const M: usize, const N: usize, const P: usize, const Q: usize>(PhantomData<A>);

/// F(2×2, 3×3): 16 products per 2×2 output tile.
pub type F2x2 = OnMaps<F2, 2, 4, 16, 4>;

/// F(4×4, 3×3): 36 products per 4×4 output tile.
pub type F4x4 = OnMaps<F4, 4, 6, 36, 16>;

/// F t Fᵀ for the matrix F that `transform` multiplies a column by: `transform` on every column of
/// `tile`, then on every row of the result.
#[inline(always)]
fn both_sides<const I: usize, const O: usize>(
    tile: [[f32; I]; I],
    transform: impl Fn([f32; I]) -> [f32; O],
) -> [[f32; O]; O] {
    let columns: [[f32; O]; I] = std::array::from_fn(|column| transform(std::array::from_fn(|row| tile[row][column])));
    std::array::from_fn(|row| transform(std::array::from_fn(|column| columns[column][row])))
}

/// Tiles a [`per_tile`] step works on at once in rows of at least that many tiles: a fixed-length
/// loop the compiler turns into SIMD.
const LANES: usize = 8;

/// Tiles a step works on in rows of fewer than [`LANES`] tiles (the 8-wide maps' rows of 4 tiles
/// and 5 phase columns), so that rows of at least this many run on whole vectors too.
const NARROW_LANES: usize = 4;

/// `outputs[m][t] = transform(inputs[0][t], …, inputs[I − 1][t])[m]` for every tile t of a row
/// (`across` of them; every slice at least that long), [`LANES`] tiles at a time, or
/// [`NARROW_LANES`] in a narrower row. The outputs are written, never added to, so a tile done
/// twice (see [`per_block`]) is harmless.
#[inline(always)]
fn per_tile<const I: usize, const O: usize>(
    inputs: [&[f32]; I],
    outputs: [&mut [f32]; O],
    across: usize,
    transform: impl Fn([f32; I]) -> [f32; O],
) {
    if across >= LANES {
        per_block::<I, O, LANES>(inputs, outputs, across, transform);
    } else {
        per_block::<I, O, NARROW_LANES>(inputs, outputs, across, transform);
    }
}

/// [`per_tile`] `L` tiles at a time.
#[inline(always)]
fn per_block<const I: usize, const O: usize, const L: usize>(
    inputs: [&[f32]; I],
    mut outputs: [&mut [f32]; O],
    across: usize,
    transform: impl Fn([f32; I]) -> [f32; O],
) {
    for start in (0..across).step_by(L) {
        // A last partial block moves back to end at `across`, overlapping the block before: its
        // tiles are transformed again, to the same values, on whole vectors.
        let start = start.min(across.saturating_sub(L));
        let count = L.min(across - start);
        let mut lanes_in = [[0.0f32; L]; I];
        for (lanes, input) in lanes_in.iter_mut().zip(&inputs) {
            // A whole block is copied at a length known here, a partial one (only in a row of
            // fewer than L tiles) value by value up to the row's end: no call to memcpy either
            // way, rows here being short. Every row is `across` long.
            match input[start..].first_chunk::<L>() {
                Some(block) if count == L => *lanes = *block,
                _ => (0..L).for_each(|lane| lanes[lane] = input.get(start + lane).copied().unwrap_or(0.0)),
            }
        }
        let mut lanes_out = [[0.0f32; L]; O];
        for lane in 0..L {
            let values = transform(std::array::from_fn(|n| lanes_in[n][lane]));
            for (lanes, value) in lanes_out.iter_mut().zip(values) {
                lanes[lane] = value;
            }
        }
        for (output, lanes) in outputs.iter_mut().zip(&lanes_out) {
            match output[start..].first_chunk_mut::<L>() {
                Some(block) if count == L => *block = *lanes,
                _ => (0..L).for_each(|lane| {
                    if let Some(value) = output.get_mut(start + lane) {
                        *value = lanes[lane];
                    }
                }),
            }
        }
    }
}

/// An S×S tile from its `S²` (= `V`) values, row by row.
#[inline(always)]
fn tile_of<const S: usize, const V: usize>(values: [f32; V]) -> [[f32; S]; S] {
    std::array::from_fn(|row| std::array::from_fn(|column| values[S * row + column]))
}

/// The rows `first..first + length` of each of the `P` position matrices of a
/// [positions][channels][columns] buffer whose matrices are `stride` apart.
fn position_rows<const P: usize>(transformed: &[f32], stride: usize, first: usize, length: usize) -> [&[f32]; P] {
    std::array::from_fn(|position| &transformed[position * stride + first..][..length])
}

/// [`position_rows`], to write.
fn position_rows_mut<const P: usize>(
    transformed: &mut [f32],
    stride: usize,
    first: usize,
    length: usize,
) -> [&mut [f32]; P] {
    let mut rows = transformed.chunks_exact_mut(stride.max(1)).map(|matrix| &mut matrix[first..first + length]);
    std::array::from_fn(|_| rows.next().unwrap_or_default())
}

/// `buffer` as `COUNT` rows of `length` values (`buffer` at least that long).
fn split_rows<const COUNT: usize>(buffer: &mut [f32], length: usize) -> [&mut [f32]; COUNT] {
    let mut rows = buffer.chunks_exact_mut(length.max(1));
    std::array::from_fn(|_| rows.next().unwrap_or_default())
}

/// `sums[i] += values[i]`.
#[inline(always)]
fn add_into(sums: &mut [f32], values: &[f32]) {
    sums.iter_mut().zip(values).for_each(|(sum, value)| *sum += value);
}

impl<A, const M: usize, const N: usize, const P: usize, const Q: usize> Variant for OnMaps<A, M, N, P, Q>
where
    A: TileAlgebra<M, N>,
{
    const TILE: usize = {
        assert!(N == M + 2 && P == N * N && Q == M * M, "OnMaps needs N = M + 2, P = N² and Q = M²");
        M
    };
    const POSITIONS: usize = P;

    fn transform_weights(weight: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32> {
        let pairs = channels_out * channels_in;
        let mut transformed = vec![0.0f32; P * pairs];
        for (pair, kernel) in weight.chunks_exact(9).enumerate().take(pairs) {
            let kernel: [[f32; 3]; 3] = tile_of::<3, 9>(std::array::from_fn(|index| kernel[index]));
            for (position, value) in both_sides(kernel, A::kernel).as_flattened().iter().enumerate() {
                transformed[position * pairs + pair] = *value;
            }
        }
        transformed
    }

    fn weight_gradient(transformed_gradient: &[f32], channels_out: usize, channels_in: usize) -> Vec<f32> {
        let pairs = channels_out * channels_in;
        let mut gradient = vec![0.0f32; 9 * pairs];
        for (pair, kernel) in gradient.chunks_exact_mut(9).enumerate() {
            let tile = tile_of::<N, P>(std::array::from_fn(|position| transformed_gradient[position * pairs + pair]));
            kernel.copy_from_slice(both_sides(tile, A::kernel_adjoint).as_flattened());
        }
        gradient
    }

    fn transform_input(
        maps: &[f32],
        channels: usize,
        tiles: Tiles,
        transformed: &mut [f32],
        scratch: &mut TileScratch,
    ) {
        let (across, phase_width) = (tiles.count[1], tiles.phase_width());
        let TileScratch { input: plane, rows, .. } = scratch;
        // Bᵀ down the N padded rows of a tile row, phase by phase: [phase][r][phase width].
        let down = sized(rows, M * N * phase_width);
        for (index, map) in maps.chunks_exact(tiles.map_values().max(1)).enumerate() {
            let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
            plane.fill_band::<M>(map, tiles);
            let phases = plane.phases::<M>();
            for tile_row in tiles.rows[0]..tiles.rows[1] {
                for (phase, rows) in phases.iter().zip(down.chunks_exact_mut(N * phase_width)) {
                    let inputs = std::array::from_fn(|r| &phase[(M * tile_row + r) * phase_width..][..phase_width]);
                    per_tile(inputs, split_rows::<N>(rows, phase_width), phase_width, A::input);
                }
                // Then Bᵀ across each of those rows: column c of tile t is phase c mod M at t + c / M.
                let mut outputs =
                    position_rows_mut::<P>(transformed, stride, tiles.row_start(first_column, tile_row), across)
                        .into_iter();
                for r in 0..N {
                    let inputs = std::array::from_fn(|c| &down[((c % M) * N + r) * phase_width + c / M..][..across]);
                    let row_outputs = std::array::from_fn(|_| outputs.next().unwrap_or_default());
                    per_tile(inputs, row_outputs, across, A::input);
                }
            }
        }
    }

    fn transform_input_adjoint(transformed: &[f32], channels: usize, tiles: Tiles, scratch: &mut TileScratch) {
        let (across, phase_width) = (tiles.count[1], tiles.phase_width());
        let maps = transformed.len() / (P * tiles.per_map()).max(1);
        let TileScratch { gradient, rows, .. } = scratch;
        // B across each row of the tiles, then B down all columns at once: both [r][c][across].
        let (across_done, down_done) = sized(rows, 2 * P * across).split_at_mut(P * across);
        let phases = gradient.phases_mut::<M>();
        for index in 0..maps {
            let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
            let plane = index * tiles.phase_plane();
            for tile_row in tiles.rows[0]..tiles.rows[1] {
                let inputs = position_rows::<P>(transformed, stride, tiles.row_start(first_column, tile_row), across);
                for (r, rows) in across_done.chunks_exact_mut(N * across).enumerate() {
                    let row_inputs = std::array::from_fn(|c| inputs[N * r + c]);
                    per_tile(row_inputs, split_rows::<N>(rows, across), across, A::input_adjoint);
                }
                let column_inputs = std::array::from_fn(|r| &across_done[N * r * across..][..N * across]);
                per_tile(column_inputs, split_rows::<N>(down_done, N * across), N * across, A::input_adjoint);
                // Value (r, c) of tile t adds into phase c mod M, column t + c / M, of padded row
                // M · tile row + r.
                for (slot, values) in down_done.chunks_exact(across.max(1)).enumerate() {
                    let (r, c) = (slot / N, slot % N);
                    let start = plane + (M * tile_row + r) * phase_width + c / M;
                    add_into(&mut phases[c % M][start..start + across], values);
                }
            }
        }
    }

    fn finish_input_gradient(scratch: &TileScratch, tiles: Tiles, maps: &mut [f32]) {
        scratch.finish_input_gradient::<M>(tiles, maps);
    }

    fn transform_output(
        transformed: &[f32],
        channels: usize,
        tiles: Tiles,
        bias: &[f32],
        maps: &mut [f32],
        scratch: &mut TileScratch,
    ) {
        let across = tiles.count[1];
        let [height, width] = tiles.side;
        // Aᵀ across each row of the tiles ([r][j][across], N × M rows), then Aᵀ down all columns at
        // once: output row i of a tile row, phase j, is rows[M · i + j], and its value t map column
        // M · t + j.
        let (across_done, rows) = sized(&mut scratch.rows, (N * M + Q) * across).split_at_mut(N * M * across);
        for (index, map) in maps.chunks_exact_mut(tiles.map_values().max(1)).enumerate() {
            let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
            let shift = bias.get(index % channels.max(1)).copied().unwrap_or(0.0);
            for tile_row in tiles.rows[0]..tiles.rows[1] {
                let inputs = position_rows::<P>(transformed, stride, tiles.row_start(first_column, tile_row), across);
                for (r, row_outputs) in across_done.chunks_exact_mut(M * across).enumerate() {
                    let row_inputs = std::array::from_fn(|c| inputs[N * r + c]);
                    per_tile(row_inputs, split_rows::<M>(row_outputs, across), across, A::output);
                }
                let column_inputs = std::array::from_fn(|r| &across_done[M * r * across..][..M * across]);
                per_tile(column_inputs, split_rows::<M>(rows, M * across), M * across, |v| {
                    A::output(v).map(|value| value + shift)
                });
                let rows: &[f32] = rows;
                for i in 0..M {
                    let y = M * tile_row + i;
                    if y >= height {
                        break;
                    }
                    let phase_rows: [&[f32]; M] = std::array::from_fn(|j| &rows[(M * i + j) * across..][..across]);
                    let (groups, rest) = map[y * width..(y + 1) * width].as_chunks_mut::<M>();
                    let full = groups.len();
                    for (t, group) in groups.iter_mut().enumerate() {
                        for (j, value) in group.iter_mut().enumerate() {
                            *value = phase_rows[j][t];
                        }
                    }
                    for (j, value) in rest.iter_mut().enumerate() {
                        *value = phase_rows[j][full];
                    }
                }
            }
        }
    }

    fn transform_output_adjoint(
        maps: &[f32],
        channels: usize,
        tiles: Tiles,
        transformed: &mut [f32],
        scratch: &mut TileScratch,
    ) {
        let across = tiles.count[1];
        let [height, width] = tiles.side;
        // Map row M · tile row + i, phase j: rows[M · i + j][t] is map column M · t + j, 0 past the
        // side. Then A down all columns at once ([r][j][across], N × M rows), then A across each row.
        let (rows, down_done) = sized(&mut scratch.rows, (Q + N * M) * across).split_at_mut(Q * across);
        for (index, map) in maps.chunks_exact(tiles.map_values().max(1)).enumerate() {
            let (stride, first_column) = tiles.columns_of(transformed.len(), channels, index);
            for tile_row in tiles.rows[0]..tiles.rows[1] {
                for (i, phase_rows) in rows.chunks_exact_mut(M * across).enumerate() {
                    let mut phase_rows = split_rows::<M>(phase_rows, across);
                    let y = M * tile_row + i;
                    if y >= height {
                        phase_rows.iter_mut().for_each(|row| row.fill(0.0));
                        continue;
                    }
                    let (groups, rest) = map[y * width..(y + 1) * width].as_chunks::<M>();
                    for (t, group) in groups.iter().enumerate() {
                        for (j, value) in group.iter().enumerate() {
                            phase_rows[j][t] = *value;
                        }
                    }
                    if !rest.is_empty() {
                        for (j, row) in phase_rows.iter_mut().enumerate() {
                            row[groups.len()] = rest.get(j).copied().unwrap_or(0.0);
                        }
                    }
                }
                let column_inputs = std::array::from_fn(|i| &rows[M * i * across..][..M * across]);
                per_tile(column_inputs, split_rows::<N>(down_done, M * across), M * across, A::output_adjoint);
                let mut outputs =
                    position_rows_mut::<P>(transformed, stride, tiles.row_start(first_column, tile_row), across)
                        .into_iter();
                for r in 0..N {
                    let row_inputs = std::array::from_fn(|j| &down_done[(M * r + j) * across..][..across]);
                    let row_outputs = std::array::from_fn(|_| outputs.next().unwrap_or_default());
                    per_tile(row_inputs, row_outputs, across, A::output_adjoint);
                }
            }
        }
    }
}
