//! The host convolution's passes run a few images at a time, in parallel: each chunk's column
//! matrix, channel-major copy and product live in scratch buffers that a task reuses from chunk
//! to chunk, so they stay in cache, are never zero-filled afresh and never touch fresh pages. A
//! backward pass adds its chunks' weight and bias gradients into per-task sums.

use std::ops::Range;

use rayon::prelude::*;

use super::geometry::PatchGeometry;
use super::winograd_tiles::TileScratch;

/// Values of one chunk's largest buffer, about: 1 MB, well inside the 32 MB L3 and near the L2.
const CHUNK_VALUES: usize = 256 * 1024;

/// Images per chunk: buffers of about [`CHUNK_VALUES`] values (`values_per_image` is the largest
/// buffer's share of one image), and at least four chunks per thread so the threads stay evenly
/// busy.
pub fn images_per_chunk(batch: usize, values_per_image: usize) -> usize {
    let by_size = CHUNK_VALUES / values_per_image.max(1);
    let by_balance = batch / (4 * rayon::current_num_threads()).max(1);
    by_size.min(by_balance).max(1)
}

/// The values of `images` images of `values_per_image` each, as a range of the batch's values.
pub fn image_range(images: Range<usize>, values_per_image: usize) -> Range<usize> {
    images.start * values_per_image..images.end * values_per_image
}

/// Buffers a task reuses from one chunk to the next.
#[derive(Default)]
pub struct Scratch {
    /// The chunk's column matrix (see [`Scratch::cols_for`]).
    cols: Vec<f32>,
    /// The geometry whose padding entries `cols` holds zeros for.
    cols_geometry: Option<PatchGeometry>,
    /// The chunk's maps, channel-major.
    pub rows: Vec<f32>,
    /// The chunk's matrix product.
    pub product: Vec<f32>,
    /// The Winograd transforms' buffers.
    pub tiles: TileScratch,
}

impl Scratch {
    /// The column-matrix buffer for a chunk of geometry `g`, ready for `im2col_into` (its padding
    /// entries are 0), beside the other two buffers. The column matrix is cleared only when the
    /// chunk's geometry differs from the last chunk's: im2col writes the same entries for every
    /// chunk of one geometry, so the padding stays 0.
    pub fn with_cols(&mut self, g: &PatchGeometry) -> (&mut [f32], &mut Vec<f32>, &mut Vec<f32>) {
        let len = g.taps() * g.columns();
        if self.cols_geometry != Some(*g) {
            sized(&mut self.cols, len).fill(0.0);
            self.cols_geometry = Some(*g);
        }
        (&mut self.cols[..len], &mut self.rows, &mut self.product)
    }
}

/// The first `len` values of `buffer`, grown with zeros when it is shorter (what it held stays:
/// the caller overwrites every value).
pub fn sized(buffer: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buffer.len() < len {
        buffer.resize(len, 0.0);
    }
    &mut buffer[..len]
}

/// The weight and bias gradients summed over the chunks one task ran.
pub struct GradientSums {
    /// The weight gradient, laid out as the pass's product writes it.
    pub weight: Vec<f32>,
    /// The bias gradient, per channel, summed in f64.
    pub bias: Vec<f64>,
}

impl GradientSums {
    fn zeros(weight_len: usize, bias_len: usize) -> Self {
        Self { weight: vec![0.0; weight_len], bias: vec![0.0; bias_len] }
    }

    fn add(mut self, other: Self) -> Self {
        self.weight.iter_mut().zip(&other.weight).for_each(|(sum, value)| *sum += value);
        self.bias.iter_mut().zip(&other.bias).for_each(|(sum, value)| *sum += value);
        self
    }
}

/// Fills `output` (`values_per_image` per image) a chunk of `images` images at a time, in
/// parallel: `work(images of the chunk, its part of output, scratch)`.
pub fn forward_by_chunks(
    output: &mut [f32],
    values_per_image: usize,
    images: usize,
    work: impl Fn(Range<usize>, &mut [f32], &mut Scratch) + Sync,
) {
    let chunk_values = (images * values_per_image).max(1);
    output.par_chunks_mut(chunk_values).enumerate().for_each_init(Scratch::default, |scratch, (chunk, part)| {
        let first = chunk * images;
        work(first..first + part.len() / values_per_image.max(1), part, scratch);
    });
}

/// A backward pass over `batch` images, a chunk of `images` at a time, in parallel:
/// `work(images of the chunk, its part of the input gradient, scratch, sums)` adds the chunk's
/// weight and bias gradients into `sums` and, when `input_grad` is given (`values_per_image` per
/// image, zeros on entry), writes the chunk's input gradient. Returns the sums over all chunks.
///
/// The chunks are split into one run of consecutive chunks per thread, each summed in order, and
/// the runs' sums are added in order: the same bits whichever thread ran what, so a seed gives the
/// same model every time (rayon's `fold` groups chunks by how work was stolen).
pub fn backward_by_chunks(
    batch: usize,
    images: usize,
    input_grad: Option<(&mut [f32], usize)>,
    [weight_len, bias_len]: [usize; 2],
    work: impl Fn(Range<usize>, Option<&mut [f32]>, &mut Scratch, &mut GradientSums) + Sync,
) -> GradientSums {
    let images = images.max(1);
    let chunks = batch.div_ceil(images);
    let mut parts: Vec<(usize, Option<&mut [f32]>)> = match input_grad {
        Some((values, per_image)) => values.chunks_mut((images * per_image).max(1)).map(Some).enumerate().collect(),
        None => (0..chunks).map(|chunk| (chunk, None)).collect(),
    };
    let chunks_per_run = chunks.div_ceil(rayon::current_num_threads().max(1)).max(1);
    let run_sums: Vec<GradientSums> = parts
        .par_chunks_mut(chunks_per_run)
        .map(|run| {
            let (mut sums, mut scratch) = (GradientSums::zeros(weight_len, bias_len), Scratch::default());
            for (chunk, part) in run {
                let first = *chunk * images;
                work(first..(first + images).min(batch), part.take(), &mut scratch, &mut sums);
            }
            sums
        })
        .collect();
    run_sums.into_iter().reduce(GradientSums::add).unwrap_or_else(|| GradientSums::zeros(weight_len, bias_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunk `chunk`'s made-up gradient: large and small by turns, so that another grouping of the
    /// chunks sums to other bits.
    fn value_of(chunk: usize) -> f32 {
        if chunk.is_multiple_of(3) { 1.0e7 + chunk as f32 } else { 0.3 + chunk as f32 * 0.01 }
    }

    #[test]
    fn backward_sums_the_chunks_in_runs_added_in_order_every_time() {
        let chunks_per_run = 64usize.div_ceil(rayon::current_num_threads().max(1));
        let chunk_indices: Vec<usize> = (0..64).collect();
        let want = chunk_indices
            .chunks(chunks_per_run)
            .map(|run| run.iter().fold(0.0f32, |sum, &chunk| sum + value_of(chunk)))
            .fold(0.0f32, |total, run| total + run);
        for _ in 0..50 {
            let sums = backward_by_chunks(64, 1, None, [1, 1], |images, _, _, sums| {
                sums.weight[0] += value_of(images.start);
                sums.bias[0] += f64::from(value_of(images.start));
            });
            assert_eq!(sums.weight[0].to_bits(), want.to_bits(), "{} != {want}", sums.weight[0]);
        }
    }

    #[test]
    fn backward_hands_every_chunk_its_own_part_of_the_input_gradient() {
        let mut input_grad = vec![0.0f32; 10 * 3];
        let sums = backward_by_chunks(10, 4, Some((&mut input_grad, 3)), [2, 1], |images, part, _, sums| {
            let part = part.expect("an input gradient was given");
            assert_eq!(part.len(), images.len() * 3);
            part.fill(images.start as f32);
            sums.weight[0] += images.len() as f32;
            sums.bias[0] += 1.0;
        });
        assert_eq!(sums.weight, [10.0, 0.0]);
        assert_eq!(sums.bias, [3.0], "three chunks: 4, 4 and 2 images");
        assert_eq!(input_grad[..12], [0.0; 12]);
        assert_eq!(input_grad[12..24], [4.0; 12]);
        assert_eq!(input_grad[24..], [8.0; 6]);
    }
}
