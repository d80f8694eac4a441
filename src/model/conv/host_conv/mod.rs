//! Whole-batch convolutions for the CPU device: im2col and one gemm forward, the weight gradient
//! as one gemm and the input gradient as col2im of one gemm, registered as a burn backend
//! extension with its own backward pass. Other devices keep burn's convolutions.

mod chunked;
mod extension;
mod geometry;
mod layer;
mod layouts;
mod line_kernels;
mod lowering;
mod passes;
mod tensors;
#[cfg(test)]
mod tests;

pub use layer::{conv_transpose2d, conv_transpose2d_relu, conv2d, conv2d_relu};
