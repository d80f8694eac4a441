//! Dense layers with the bias and ReLU fused into the matrix product's output on burn's CPU device
//! (Flex), with a hand-written backward pass, through burn's backend-extension API; any other
//! device (wgpu) runs burn's own `Linear` and `relu`.
//!
//! Composed from burn's ops on Flex, `relu(linear.forward(x))` is a matrix product, a bias add and a
//! ReLU, each a pass over memory with an allocation and an autodiff node, and as many again
//! backward (the ReLU's mask, the bias's column sums), and Flex zero-fills and then copies every
//! product's output. Fused, the forward product lands straight in a buffer of our own
//! (`host_matmul`, faer) and gets its bias and ReLU in one pass in place; the backward pass masks
//! the output gradient and sums its columns in one pass before the two products dX = dY·Wᵀ and
//! dW = xᵀ·dY, or, in training on the CPU device, leaves dW's factors to the optimizer
//! ([`WeightGradientFactors`]).

mod extension;
mod kernels;
#[cfg(test)]
mod tests;

use burn::backend::Dispatch;
use burn::nn::Linear;
use burn::prelude::*;
use burn::tensor::DType;
use burn::tensor::activation::relu;

use extension::FusedDenseBackend;

use crate::device::is_host_device;
use crate::model::WeightGradientFactors;

/// relu(layer.forward(x)): x [rows, in] → [rows, out]. A backward pass on the CPU device leaves
/// the weight gradient's factors in `weight_factors` when it keeps them.
pub fn linear_relu(layer: &Linear, x: Tensor<2>, weight_factors: &WeightGradientFactors) -> Tensor<2> {
    fused_or_composed(layer, x, true, weight_factors)
}

/// layer.forward(x): x [rows, in] → [rows, out]. A backward pass on the CPU device leaves the
/// weight gradient's factors in `weight_factors` when it keeps them.
pub fn linear(layer: &Linear, x: Tensor<2>, weight_factors: &WeightGradientFactors) -> Tensor<2> {
    fused_or_composed(layer, x, false, weight_factors)
}

/// The fused op on the CPU device in f32 with a bias; burn's `Linear` (and `relu`) everywhere else.
fn fused_or_composed(
    layer: &Linear,
    x: Tensor<2>,
    with_relu: bool,
    weight_factors: &WeightGradientFactors,
) -> Tensor<2> {
    let on_host = x.dtype() == DType::F32 && is_host_device(&x.device());
    let Some(bias) = layer.bias.as_ref().filter(|_| on_host) else {
        let output = layer.forward(x);
        return if with_relu { relu(output) } else { output };
    };
    let output = <Dispatch as FusedDenseBackend>::fused_dense(
        x.into_dispatch(),
        layer.weight.val().into_dispatch(),
        bias.val().into_dispatch(),
        with_relu,
        weight_factors.sink_for(layer.weight.id),
    );
    Tensor::from_dispatch(output)
}
