//! 3×3 stride-1 convolutions with padding 1 (the residual blocks' layers) by Winograd's
//! F(m×m, 3×3), a few images at a time in parallel and each chunk a band of tile rows at a time:
//! a band's maps are cut into tiles and transformed, multiplied by the transformed weights in
//! (m + 2)² matrix products, and transformed back (see `winograd_transforms`). F(4×4, 3×3) takes
//! 1/4 of the direct multiply-adds, F(2×2, 3×3) 4/9; the first runs on maps at least
//! [`F4_WIDTH_AT_LEAST`] wide, the second on narrower ones. A band's transformed values are sized
//! to stay in the core's cache.
//!
//! forward:  M[ξ] = U[ξ]·V[ξ];       Y = Aᵀ M A
//! backward: dM = A dY Aᵀ;  dU[ξ] = dM[ξ]·V[ξ]ᵀ (dW = Gᵀ dU G);  dV[ξ] = U[ξ]ᵀ·dM[ξ] (dX = B dV Bᵀ)
//! (U [positions][out][in], V [positions][in][columns], M and dM [positions][out][columns]; dU
//! summed over the bands and chunks.)

use super::chunked::{
    GradientSums, Scratch, backward_by_chunks, forward_by_chunks, image_range, images_per_chunk, sized,
};
use super::geometry::PatchGeometry;
use super::layouts::add_channel_sums;
use super::winograd_tiles::Tiles;
use super::winograd_transforms::{F2x2, F4x4, Variant};
use crate::model::ops::host_matmul::{HostMatrix, matmul_into};
use crate::model::ops::relu::relu_in_place;

/// Values of a band's largest transformed buffer under F(4×4, 3×3), about: 512 KB, so that it and
/// the product it feeds stay in a core's L2 cache.
const BAND_VALUES: usize = 128 * 1024;

/// [`BAND_VALUES`] under F(2×2, 3×3): twice as many, so that each transformed weight read into
/// cache serves more columns. On the 128-px bench's 16-wide 192-channel maps (a band of 5 tile
/// rows, 40 columns, became the whole map's 8, 64 columns) those layers' share of the step went
/// 18.2–19.4 % → 16.3–17.1 %, 4 pairs alternated; the 8-wide maps are one band either way. Under
/// F(4×4, 3×3) larger bands made the 32-wide maps' backward pass slower.
const F2_BAND_VALUES: usize = 2 * BAND_VALUES;

/// Narrowest maps worth cutting into tiles. On the 128-px bench's 8-wide maps (256 channels, 4
/// tiles of F(2×2, 3×3) across) the tiles took 0.145–0.155 s a step against im2col's 0.186–0.189;
/// on its 4-wide maps (2 tiles across, half a vector) 0.075–0.099 against 0.048–0.056.
const WIDTH_AT_LEAST: usize = 8;

/// Narrowest maps F(4×4, 3×3) runs on (8 tiles across, a whole vector of the transforms' lanes);
/// F(2×2, 3×3) on narrower ones. On 16-wide maps (4 tiles across) F(4×4, 3×3) took 1.4 times as
/// long as F(2×2, 3×3), and still 1.1 times once rows of 4 tiles ran on whole 4-lane vectors (the
/// bench's 192-channel maps: 0.310–0.343 s a step against 0.269–0.316); on 32- and 64-wide maps
/// its backward pass took 0.85 and 0.75 times as long.
const F4_WIDTH_AT_LEAST: usize = 32;

/// True when `g` is a 3×3 convolution with stride 1 and padding 1 (its output the size of its
/// input), which Winograd's F(m×m, 3×3) computes, over maps at least [`WIDTH_AT_LEAST`] wide.
pub fn applies(g: &PatchGeometry) -> bool {
    g.kernel == [3, 3]
        && g.stride == [1, 1]
        && g.padding == [1, 1]
        && g.side_out == g.side_in
        && g.side_in[1] >= WIDTH_AT_LEAST
}

/// The channels of a convolution, [in, out].
#[derive(Clone, Copy, Debug)]
pub struct Channels {
    /// Channels of the maps read.
    pub input: usize,
    /// Channels of the maps made.
    pub output: usize,
}

impl Channels {
    /// Transformed values of one tile: its positions × the larger channel count.
    fn per_tile(&self, tiles: Tiles) -> usize {
        tiles.positions() * self.input.max(self.output)
    }

    /// Images per chunk: about [`images_per_chunk`]'s share of the transformed values.
    fn images_per_chunk(&self, g: &PatchGeometry, tiles: Tiles) -> usize {
        images_per_chunk(g.batch, self.per_tile(tiles) * tiles.per_map())
    }

    /// The bands of tile rows a chunk of `images` images is worked in: each about
    /// [`BAND_VALUES`] transformed values ([`F2_BAND_VALUES`] for 2×2 tiles), at least one tile
    /// row.
    fn bands(&self, tiles: Tiles, images: usize) -> impl Iterator<Item = Tiles> {
        let row_values = (self.per_tile(tiles) * tiles.count[1] * images).max(1);
        let band_values = if tiles.size == 2 { F2_BAND_VALUES } else { BAND_VALUES };
        let rows = (band_values / row_values).max(1);
        (0..tiles.count[0]).step_by(rows).map(move |first| tiles.band(first, first + rows))
    }
}

/// The matrix of position `position` in a [positions][rows][columns] buffer.
fn at(values: &[f32], position: usize, rows: usize, columns: usize) -> HostMatrix<'_> {
    HostMatrix::new(&values[position * rows * columns..][..rows * columns], rows, columns)
}

/// The convolution of `input` ([batch, in, h, w]) with `weight` ([out, in, 3, 3]) plus `bias`, then
/// a ReLU when `with_relu`, into `output` ([batch, out, h, w]).
pub fn forward_into(
    output: &mut [f32],
    parameters: (&[f32], &[f32], &[f32]),
    g: &PatchGeometry,
    channels: Channels,
    with_relu: bool,
) {
    if g.side_in[1] >= F4_WIDTH_AT_LEAST {
        forward_by::<F4x4>(output, parameters, g, channels, with_relu);
    } else {
        forward_by::<F2x2>(output, parameters, g, channels, with_relu);
    }
}

/// [`forward_into`] by the variant `V`.
fn forward_by<V: Variant>(
    output: &mut [f32],
    (input, weight, bias): (&[f32], &[f32], &[f32]),
    g: &PatchGeometry,
    channels: Channels,
    with_relu: bool,
) {
    let tiles = Tiles::of(g.side_in, V::TILE);
    let weights = V::transform_weights(weight, channels.output, channels.input);
    let images = channels.images_per_chunk(g, tiles);
    forward_by_chunks(output, channels.output * tiles.map_values(), images, |chunk, out, scratch| {
        let Scratch { rows, product, tiles: tile_scratch, .. } = scratch;
        let maps = &input[image_range(chunk.clone(), channels.input * tiles.map_values())];
        for band in channels.bands(tiles, chunk.len()) {
            let columns = chunk.len() * band.per_map();
            let transformed = sized(rows, V::POSITIONS * channels.input * columns);
            V::transform_input(maps, channels.input, band, transformed, tile_scratch);
            let product = sized(product, V::POSITIONS * channels.output * columns);
            for (position, part) in product.chunks_exact_mut(channels.output * columns).enumerate() {
                let lhs = at(&weights, position, channels.output, channels.input);
                matmul_into(part, lhs, at(transformed, position, channels.input, columns), false);
            }
            V::transform_output(product, channels.output, band, bias, out, tile_scratch);
        }
        if with_relu {
            relu_in_place(out);
        }
    });
}

/// The gradients of the weight ([out, in, 3, 3]) and bias, and of the input ([batch, in, h, w])
/// when `input_grad` is given (zeros on entry), from the output's (`output_grad`, [batch, out, h, w],
/// already carried back through any fused ReLU).
pub fn backward(
    values: (&[f32], &[f32], &[f32]),
    g: &PatchGeometry,
    channels: Channels,
    input_grad: Option<&mut [f32]>,
    need_weight: bool,
) -> (Vec<f32>, Vec<f64>) {
    if g.side_in[1] >= F4_WIDTH_AT_LEAST {
        backward_by::<F4x4>(values, g, channels, input_grad, need_weight)
    } else {
        backward_by::<F2x2>(values, g, channels, input_grad, need_weight)
    }
}

/// [`backward`] by the variant `V`.
fn backward_by<V: Variant>(
    (input, weight, output_grad): (&[f32], &[f32], &[f32]),
    g: &PatchGeometry,
    channels: Channels,
    input_grad: Option<&mut [f32]>,
    need_weight: bool,
) -> (Vec<f32>, Vec<f64>) {
    let tiles = Tiles::of(g.side_in, V::TILE);
    let weights = V::transform_weights(weight, channels.output, channels.input);
    let images = channels.images_per_chunk(g, tiles);
    let (values_in, values_out) = (channels.input * tiles.map_values(), channels.output * tiles.map_values());
    let parts = input_grad.map(|values| (values, values_in));
    let pairs = channels.output * channels.input;
    let sums = backward_by_chunks(g.batch, images, parts, [V::POSITIONS * pairs, channels.output], {
        |chunk, mut input_part, scratch, sums: &mut GradientSums| {
            let Scratch { rows, product, tiles: tile_scratch, .. } = scratch;
            let chunk_grad = &output_grad[image_range(chunk.clone(), values_out)];
            let maps = &input[image_range(chunk.clone(), values_in)];
            add_channel_sums(chunk_grad, channels.output, tiles.map_values(), &mut sums.bias);
            if input_part.is_some() {
                tile_scratch.start_input_gradient(chunk.len() * channels.input, tiles);
            }
            for band in channels.bands(tiles, chunk.len()) {
                let columns = chunk.len() * band.per_map();
                let grad_transformed = sized(product, V::POSITIONS * channels.output * columns);
                V::transform_output_adjoint(chunk_grad, channels.output, band, grad_transformed, tile_scratch);
                let transformed = sized(rows, V::POSITIONS * channels.input * columns);
                if need_weight {
                    V::transform_input(maps, channels.input, band, transformed, tile_scratch);
                    for (position, part) in sums.weight.chunks_exact_mut(pairs).enumerate() {
                        let lhs = at(grad_transformed, position, channels.output, columns);
                        matmul_into(part, lhs, at(transformed, position, channels.input, columns).t(), true);
                    }
                }
                if input_part.is_some() {
                    // dV overwrites V, which the weight gradient no longer needs.
                    for (position, part) in transformed.chunks_exact_mut(channels.input * columns).enumerate() {
                        let lhs = at(&weights, position, channels.output, channels.input).t();
                        matmul_into(part, lhs, at(grad_transformed, position, channels.output, columns), false);
                    }
                    V::transform_input_adjoint(transformed, channels.input, band, tile_scratch);
                }
            }
            if let Some(maps) = input_part.as_deref_mut() {
                V::finish_input_gradient(tile_scratch, tiles, maps);
            }
        }
    });
    (V::weight_gradient(&sums.weight, channels.output, channels.input), sums.bias)
}
