//! The host convolution's forward and backward passes on Flex tensors: each a whole-batch im2col
//! or col2im around matrix products (gemm through Flex's `float_matmul`). Products that are only
//! laid out again (batch-major, or added back by col2im) are computed a few images at a time, so
//! they are read back from cache rather than memory.
//!
//! conv2d:  Y = W·cols(X);        dW = dY·cols(X)ᵀ;   dX = col2im(Wᵀ·dY);   db = Σ dY
//! convT2d: Y = col2im(Wᵀ·X);     dW = X·cols(dY)ᵀ;   dX = W·cols(dY);      db = Σ dY
//! (W flattened to [rows, channels·kh·kw]; X and dY channel-major: [channels, batch·positions]).

use burn::backend::flex::FlexTensor;
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};

use super::chunked::product_by_images;
use super::geometry::PatchGeometry;
use super::layouts::{channel_sums, to_batch_major_into, to_channel_major};
use super::lowering::{col2im_into, im2col};
use super::tensors::{matmul_split_depth, with_values};
use crate::model::host_tensor::{host_tensor, host_values, into_owned_values};
use crate::model::relu::{relu_grad_in_place, relu_in_place};

/// The dims of a 4-D tensor.
fn dims4(tensor: &FlexTensor) -> [usize; 4] {
    let shape = tensor.layout().shape();
    [shape[0], shape[1], shape[2], shape[3]]
}

/// The geometry of conv2d over `x` ([batch, channels, h, w]) with `weight` ([out, channels, kh, kw]).
pub fn conv2d_geometry(x: [usize; 4], weight: [usize; 4], options: &ConvOptions<2>) -> PatchGeometry {
    let [batch, channels, height, width] = x;
    let kernel = [weight[2], weight[3]];
    let padding = options.padding_begin();
    let side_in = [height, width];
    let side_out = [0, 1].map(|axis| (side_in[axis] + 2 * padding[axis] - kernel[axis]) / options.stride[axis] + 1);
    PatchGeometry { batch, channels, side_in, kernel, stride: options.stride, padding, side_out }
}

/// The geometry of the convolution whose adjoint is convT2d over `x` ([batch, channels_in, h, w])
/// with `weight` ([channels_in, channels_out, kh, kw]): it reads the output maps.
pub fn conv_transpose2d_geometry(
    x: [usize; 4],
    weight: [usize; 4],
    options: &ConvTransposeOptions<2>,
) -> PatchGeometry {
    let [batch, _, height, width] = x;
    let kernel = [weight[2], weight[3]];
    let side_out = [height, width];
    let side_in = [0, 1].map(|axis| {
        (side_out[axis] - 1) * options.stride[axis] + kernel[axis] + options.padding_out[axis]
            - 2 * options.padding[axis]
    });
    PatchGeometry {
        batch,
        channels: weight[1],
        side_in,
        kernel,
        stride: options.stride,
        padding: options.padding,
        side_out,
    }
}

/// What the conv2d forward pass keeps for its backward pass.
#[derive(Clone, Debug)]
pub struct Conv2dSaved {
    /// The input's column matrix: [channels·kh·kw, batch·positions].
    pub cols: FlexTensor,
    /// The weight: [out, channels, kh, kw].
    pub weight: FlexTensor,
    /// The convolution's geometry.
    pub geometry: PatchGeometry,
    /// The output, when a ReLU was fused in (its mask).
    pub relu_output: Option<FlexTensor>,
}

/// conv2d forward, then a ReLU when `with_relu`: x [batch, channels, h, w] → [batch, out, h', w'],
/// and what backward needs.
pub fn conv2d_forward(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
    options: &ConvOptions<2>,
    with_relu: bool,
) -> (FlexTensor, Conv2dSaved) {
    let geometry = conv2d_geometry(dims4(x), dims4(weight), options);
    let channels_out = dims4(weight)[0];
    let cols = host_tensor(with_values(x, |x| im2col(&geometry, x)), vec![geometry.taps(), geometry.columns()]);
    let flat_weight = weight.reshape([channels_out, geometry.taps()].into());
    let [height, width] = geometry.side_out;
    let positions = height * width;
    let output = with_values(bias, |bias| {
        // W · cols, [out, images·positions] per chunk, laid out batch-major with the bias.
        product_by_images(&flat_weight, &cols, geometry.batch, positions, channels_out * positions, |product, out| {
            to_batch_major_into(product, channels_out, positions, bias, out);
            if with_relu {
                relu_in_place(out);
            }
        })
    });
    let output = host_tensor(output, vec![geometry.batch, channels_out, height, width]);
    let relu_output = with_relu.then(|| output.clone());
    (output, Conv2dSaved { cols, weight: weight.clone(), geometry, relu_output })
}

/// The output gradient carried back through the fused ReLU (when there was one): masked in place
/// where the output was not above 0.
fn through_relu(output_grad: FlexTensor, relu_output: Option<&FlexTensor>) -> FlexTensor {
    let Some(relu_output) = relu_output else { return output_grad };
    let mut grad = into_owned_values(output_grad);
    relu_grad_in_place(grad.storage_mut::<f32>(), &host_values(relu_output));
    grad
}

/// conv2d backward: the gradients of input (when `need_input`), weight and bias from the output's.
pub fn conv2d_backward(
    saved: &Conv2dSaved,
    output_grad: FlexTensor,
    need_input: bool,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_out = weight_dims[0];
    let output_grad = &through_relu(output_grad, saved.relu_output.as_ref());
    let (grad_rows, bias_grad) =
        with_values(output_grad, |grad| to_channel_major(grad, g.batch, channels_out, g.positions_out()));
    let grad_rows = host_tensor(grad_rows, vec![channels_out, g.columns()]);
    let weight_grad =
        matmul_split_depth(grad_rows.clone(), saved.cols.transpose(0, 1)).reshape(weight_dims.to_vec().into());
    let input_grad = need_input.then(|| {
        let flat_weight = saved.weight.reshape([channels_out, g.taps()].into()).transpose(0, 1);
        // Wᵀ · dY, [taps, images·positions] per chunk, added back into the images' maps.
        let values = product_by_images(&flat_weight, &grad_rows, g.batch, g.positions_out(), g.image_values_in(), {
            |cols, maps| col2im_into(&g.with_batch(maps.len() / g.image_values_in()), cols, &[], maps)
        });
        host_tensor(values, vec![g.batch, g.channels, g.side_in[0], g.side_in[1]])
    });
    (input_grad, weight_grad, host_tensor(bias_grad, vec![channels_out]))
}

/// What the transposed convolution's forward pass keeps for its backward pass.
#[derive(Clone, Debug)]
pub struct ConvTranspose2dSaved {
    /// The input, channel-major: [channels_in, batch·h·w].
    pub input_rows: FlexTensor,
    /// The weight: [channels_in, channels_out, kh, kw].
    pub weight: FlexTensor,
    /// The geometry of the convolution it is the adjoint of.
    pub geometry: PatchGeometry,
    /// The output, when a ReLU was fused in (its mask).
    pub relu_output: Option<FlexTensor>,
}

/// convT2d forward, then a ReLU when `with_relu`: x [batch, channels_in, h, w] →
/// [batch, channels_out, H, W].
pub fn conv_transpose2d_forward(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
    options: &ConvTransposeOptions<2>,
    with_relu: bool,
) -> (FlexTensor, ConvTranspose2dSaved) {
    let x_dims = dims4(x);
    let weight_dims = dims4(weight);
    let geometry = conv_transpose2d_geometry(x_dims, weight_dims, options);
    let channels_in = x_dims[1];
    let (rows, _) = with_values(x, |x| to_channel_major(x, geometry.batch, channels_in, geometry.positions_out()));
    let input_rows = host_tensor(rows, vec![channels_in, geometry.columns()]);
    let flat_weight = weight.reshape([channels_in, geometry.taps()].into()).transpose(0, 1);
    let (g, values_per_image) = (geometry, geometry.image_values_in());
    let output = with_values(bias, |bias| {
        // Wᵀ · X, [taps, images·positions] per chunk, added back into the images' maps.
        product_by_images(&flat_weight, &input_rows, g.batch, g.positions_out(), values_per_image, |cols, maps| {
            col2im_into(&g.with_batch(maps.len() / values_per_image), cols, bias, maps);
            if with_relu {
                relu_in_place(maps);
            }
        })
    });
    let shape = vec![geometry.batch, geometry.channels, geometry.side_in[0], geometry.side_in[1]];
    let output = host_tensor(output, shape);
    let relu_output = with_relu.then(|| output.clone());
    (output, ConvTranspose2dSaved { input_rows, weight: weight.clone(), geometry, relu_output })
}

/// convT2d backward: the gradients of input (when `need_input`), weight and bias.
pub fn conv_transpose2d_backward(
    saved: &ConvTranspose2dSaved,
    output_grad: FlexTensor,
    need_input: bool,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_in = weight_dims[0];
    let output_grad = &through_relu(output_grad, saved.relu_output.as_ref());
    let (cols, bias_grad) =
        with_values(output_grad, |grad| (im2col(&g, grad), channel_sums(grad, g.channels, g.plane_in())));
    let cols = host_tensor(cols, vec![g.taps(), g.columns()]);
    let weight_grad =
        matmul_split_depth(saved.input_rows.clone(), cols.clone().transpose(0, 1)).reshape(weight_dims.to_vec().into());
    let input_grad = need_input.then(|| {
        let flat_weight = saved.weight.reshape([channels_in, g.taps()].into());
        let positions = g.positions_out();
        // W · cols(dY), [channels_in, images·positions] per chunk, laid out batch-major.
        let values = product_by_images(&flat_weight, &cols, g.batch, positions, channels_in * positions, {
            |rows, out| to_batch_major_into(rows, channels_in, positions, &[], out)
        });
        host_tensor(values, vec![g.batch, channels_in, g.side_out[0], g.side_out[1]])
    });
    (input_grad, weight_grad, host_tensor(bias_grad, vec![g.channels]))
}
