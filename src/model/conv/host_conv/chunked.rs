//! Matrix products computed a few images at a time and consumed while they are still in cache:
//! the products that are only laid out again (batch-major, or added back by col2im) never go to
//! memory whole, and each chunk's consumer runs right after its gemm on the same thread.

use burn::backend::flex::FlexTensor;
use rayon::prelude::*;

use super::tensors::{matmul, with_values};

/// Values of one chunk's product, about: 1 MB, well inside the 32 MB L3 and near the L2.
const CHUNK_VALUES: usize = 256 * 1024;

/// Images per chunk: products of about [`CHUNK_VALUES`] values, and at least four chunks per
/// thread so the threads stay evenly busy.
fn images_per_chunk(batch: usize, product_values_per_image: usize) -> usize {
    let by_size = CHUNK_VALUES / product_values_per_image.max(1);
    let by_balance = batch / (4 * rayon::current_num_threads()).max(1);
    by_size.min(by_balance).max(1)
}

/// `lhs · rhs` ([rows, depth] · [depth, batch·positions]) a few images' columns at a time, in
/// parallel: `consume(product, output)` gets each chunk's product ([rows, images·positions]) and
/// its images' part of the result (`values_per_image` each), which starts as zeros.
pub fn product_by_images(
    lhs: &FlexTensor,
    rhs: &FlexTensor,
    batch: usize,
    positions: usize,
    values_per_image: usize,
    consume: impl Fn(&[f32], &mut [f32]) + Sync,
) -> Vec<f32> {
    let rows = lhs.layout().shape()[0];
    let images = images_per_chunk(batch, rows * positions);
    let mut output = vec![0.0f32; batch * values_per_image];
    if output.is_empty() {
        return output;
    }
    output.par_chunks_mut(images * values_per_image).enumerate().for_each(|(chunk, part)| {
        let count = part.len() / values_per_image;
        let columns = rhs.narrow(1, chunk * images * positions, count * positions);
        let product = matmul(lhs.clone(), columns);
        with_values(&product, |product| consume(product, part));
    });
    output
}
