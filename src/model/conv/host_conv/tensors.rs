//! The few Flex tensor operations the host convolution's passes use: values in and out of host
//! tensors, and matrix products on Flex's gemm (one split by depth where gemm would not thread).

use burn::backend::Flex;
use burn::backend::flex::FlexTensor;
use burn::backend::ops::FloatTensorOps;
use rayon::prelude::*;

use crate::model::host_tensor::{host_tensor, host_values};

/// The values of a float tensor of the host device, in row-major order.
pub fn values(tensor: &FlexTensor) -> Vec<f32> {
    host_values(tensor).into_owned()
}

/// Runs `read` on the values of `tensor` without copying them when they are laid out in order.
pub fn with_values<R>(tensor: &FlexTensor, read: impl FnOnce(&[f32]) -> R) -> R {
    read(&host_values(tensor))
}

/// `lhs · rhs` on Flex's gemm (strided views such as transposes are not copied).
pub fn matmul(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    <Flex as FloatTensorOps<Flex>>::float_matmul(lhs, rhs)
}

/// Below this many output entries gemm runs each of its depth blocks (512 deep or more) on one
/// thread: it threads a block from 48·48·256 multiply-adds on.
const SMALL_PRODUCT: usize = 48 * 48 * 256 / 512;

/// Depth per part, at least, when [`matmul_split_depth`] splits a product.
const MIN_PART_DEPTH: usize = 4096;

/// `lhs · rhs` computed as (rhsᵀ · lhsᵀ)ᵀ, a transposed view of the result. For a weight
/// gradient (a short wide `lhs` times a transposed column matrix) this order took 4-5 % less CPU
/// per 64×64 conv step than the direct one: gemm packs its operands the other way round.
fn matmul_transposed(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    matmul(rhs.transpose(0, 1), lhs.transpose(0, 1)).transpose(0, 1)
}

/// The weight gradient's `lhs · rhs` ([m, k] · [k, n], a long k). For a small m·n (a layer with
/// few channels: [32, 131072] · [131072, 27]) gemm would run it on one thread, so the depth is
/// split across rayon's threads and the partial products added.
pub fn matmul_split_depth(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    let [rows, depth] = [lhs.layout().shape()[0], lhs.layout().shape()[1]];
    let columns = rhs.layout().shape()[1];
    let parts = rayon::current_num_threads().min(depth / MIN_PART_DEPTH);
    if rows * columns >= SMALL_PRODUCT || parts < 2 {
        return matmul_transposed(lhs, rhs);
    }
    let part_depth = depth.div_ceil(parts);
    let partials: Vec<Vec<f32>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let start = part * part_depth;
            let length = part_depth.min(depth - start);
            values(&matmul_transposed(lhs.narrow(1, start, length), rhs.narrow(0, start, length)))
        })
        .collect();
    let mut sum = vec![0.0f32; rows * columns];
    for partial in &partials {
        sum.iter_mut().zip(partial).for_each(|(total, value)| *total += value);
    }
    host_tensor(sum, vec![rows, columns])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_split_by_depth_equals_the_whole_product() {
        let depth = 3 * MIN_PART_DEPTH + 5;
        let made_up = |count: usize, seed: usize| -> Vec<f32> {
            (0..count).map(|index| ((index * 7919 + seed * 104_729) % 2003) as f32 / 1001.5 - 1.0).collect()
        };
        let lhs = host_tensor(made_up(7 * depth, 1), vec![7, depth]);
        // The right side as the transposed view the weight gradient passes.
        let rhs = host_tensor(made_up(5 * depth, 2), vec![5, depth]).transpose(0, 1);
        let whole = values(&matmul(lhs.clone(), rhs.clone()));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build();
        let split = pool.map(|pool| pool.install(|| values(&matmul_split_depth(lhs, rhs))));
        let split = split.unwrap_or_default();
        assert_eq!(split.len(), whole.len());
        for (a, b) in split.iter().zip(&whole) {
            assert!((a - b).abs() <= 1e-3 * b.abs().max(1.0), "split {a} against whole {b}");
        }
    }
}
