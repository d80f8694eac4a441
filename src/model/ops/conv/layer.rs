//! Running burn's conv layers through the host convolutions where they apply (the CPU device,
//! f32, groups 1, no dilation, a bias, symmetric padding), and through burn's own everywhere else
//! (the GPU device among them).

use burn::backend::Dispatch;
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::prelude::*;
use burn::tensor::DType;
use burn::tensor::activation::relu;

use super::extension::HostConvBackend;
use crate::device::is_host_device;

#[cfg(test)]
thread_local! {
    /// Set while a test runs burn's own convolutions on this thread for comparison.
    static BURN_CONVOLUTIONS_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// How many convolutions this thread has sent to the host convolutions (tests check the model
    /// really goes through them).
    static HOST_CONVOLUTIONS_RUN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many convolutions this thread has sent to the host convolutions so far.
#[cfg(test)]
pub(super) fn host_convolutions_run() -> usize {
    HOST_CONVOLUTIONS_RUN.with(std::cell::Cell::get)
}

/// Runs `work` with burn's own convolutions on this thread (tests compare the two).
#[cfg(test)]
pub(super) fn with_burn_convolutions<R>(work: impl FnOnce() -> R) -> R {
    BURN_CONVOLUTIONS_ONLY.with(|flag| flag.set(true));
    let result = work();
    BURN_CONVOLUTIONS_ONLY.with(|flag| flag.set(false));
    result
}

/// True when `x` lives on the CPU device in f32, where the host convolutions run.
fn on_host(x: &Tensor<4>) -> bool {
    #[cfg(test)]
    if BURN_CONVOLUTIONS_ONLY.with(std::cell::Cell::get) {
        return false;
    }
    let host = x.dtype() == DType::F32 && is_host_device(&x.device());
    #[cfg(test)]
    if host {
        HOST_CONVOLUTIONS_RUN.with(|count| count.set(count.get() + 1));
    }
    host
}

/// `conv.forward(x)`, on the host convolution where it applies.
/// x: [batch, channels_in, h, w] → [batch, channels_out, h', w']
pub fn conv2d(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    host_or_burn_conv2d(conv, x, false)
}

/// `relu(conv.forward(x))`, the ReLU fused into the host convolution where it applies.
pub fn conv2d_relu(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    host_or_burn_conv2d(conv, x, true)
}

/// `conv.forward(x)`, on the host transposed convolution where it applies.
/// x: [batch, channels_in, h, w] → [batch, channels_out, H, W]
pub fn conv_transpose2d(conv: &ConvTranspose2d, x: Tensor<4>) -> Tensor<4> {
    host_or_burn_conv_transpose2d(conv, x, false)
}

/// `relu(conv.forward(x))`, the ReLU fused into the host transposed convolution where it applies.
pub fn conv_transpose2d_relu(conv: &ConvTranspose2d, x: Tensor<4>) -> Tensor<4> {
    host_or_burn_conv_transpose2d(conv, x, true)
}

/// burn's layer followed by its `relu` when `with_relu`.
fn burn_layer(output: Tensor<4>, with_relu: bool) -> Tensor<4> {
    if with_relu { relu(output) } else { output }
}

fn host_or_burn_conv2d(conv: &Conv2d, x: Tensor<4>, with_relu: bool) -> Tensor<4> {
    let padding = match conv.padding {
        PaddingConfig2d::Valid => Some([0, 0]),
        PaddingConfig2d::Explicit(top, left, bottom, right) if top == bottom && left == right => Some([top, left]),
        _ => None,
    };
    let [_, _, height, width] = x.dims();
    let fits = padding.is_some_and(|[pad_h, pad_w]| {
        height + 2 * pad_h >= conv.kernel_size[0] && width + 2 * pad_w >= conv.kernel_size[1]
    });
    let (Some(padding), Some(bias), true) = (padding, conv.bias.as_ref(), fits) else {
        return burn_layer(conv.forward(x), with_relu);
    };
    if conv.groups != 1 || conv.dilation != [1, 1] || !on_host(&x) {
        return burn_layer(conv.forward(x), with_relu);
    }
    let options = ConvOptions::new(conv.stride, padding, conv.dilation, 1);
    let output = <Dispatch as HostConvBackend>::host_conv2d(
        x.into_dispatch(),
        conv.weight.val().into_dispatch(),
        bias.val().into_dispatch(),
        options,
        with_relu,
    );
    Tensor::from_dispatch(output)
}

fn host_or_burn_conv_transpose2d(conv: &ConvTranspose2d, x: Tensor<4>, with_relu: bool) -> Tensor<4> {
    let supported = conv.groups == 1
        && conv.dilation == [1, 1]
        && (0..2).all(|axis| conv.padding_out[axis] < conv.stride[axis])
        && (0..2).all(|axis| conv.kernel_size[axis] + conv.padding_out[axis] > 2 * conv.padding[axis]);
    let Some(bias) = conv.bias.as_ref().filter(|_| supported && on_host(&x)) else {
        return burn_layer(conv.forward(x), with_relu);
    };
    let options = ConvTransposeOptions::new(conv.stride, conv.padding, conv.padding_out, conv.dilation, 1);
    let output = <Dispatch as HostConvBackend>::host_conv_transpose2d(
        x.into_dispatch(),
        conv.weight.val().into_dispatch(),
        bias.val().into_dispatch(),
        options,
        with_relu,
    );
    Tensor::from_dispatch(output)
}
