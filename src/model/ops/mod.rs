//! The CPU kernels under the model's layers: burn backend extensions that run the dense layers,
//! the convolutions and the loss terms in fewer passes over memory on burn's CPU device (Flex),
//! each with its hand-written backward pass, and burn's own ops on every other device (wgpu).
//!
//! The modules in [`crate::model`] call these as they would call burn's `Linear::forward` or
//! `Conv2d::forward`; which device runs which path is decided here.

mod conv;
mod dense;
mod fused_loss;
mod host_matmul;
mod host_tensor;
mod relu;
#[cfg(test)]
mod test_values;
mod weight_gradient_factors;

pub use conv::{conv_transpose2d, conv_transpose2d_relu, conv2d, conv2d_relu};
pub use dense::{linear, linear_relu};
pub use fused_loss::{bce_with_logits_rows, gaussian_kl_rows, scaled_error_rows};
pub use weight_gradient_factors::{DenseFactors, WeightGradientFactors};
