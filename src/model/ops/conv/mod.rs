//! Convolutions for the CPU device as im2col and col2im around matrix products, a few images at a
//! time in parallel with reused scratch buffers, registered as a burn backend extension with its
//! own backward pass (and an optional fused ReLU). 3×3 stride-1 convolutions (the residual
//! blocks') run as Winograd's F(4×4, 3×3) or F(2×2, 3×3) instead (`winograd`). Other devices keep burn's
//! convolutions.

mod chunked;
mod extension;
mod geometry;
mod layer;
mod layouts;
mod line_kernels;
mod lowering;
mod passes;
#[cfg(test)]
mod tests;
mod winograd;
mod winograd_algebra;
#[cfg(test)]
mod winograd_tests;
mod winograd_tiles;
mod winograd_transforms;

pub use layer::{conv_transpose2d, conv_transpose2d_relu, conv2d, conv2d_relu};
