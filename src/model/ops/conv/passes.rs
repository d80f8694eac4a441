//! The host convolution's forward and backward passes on Flex tensors: im2col or col2im around
//! matrix products (faer, into buffers of our own), a few images at a time in parallel
//! (`chunked`): a chunk's column matrix and product are made, used and dropped while in cache,
//! and backward makes a chunk's column matrix again rather than keeping the whole batch's.
//!
//! conv2d:  Y = W·cols(X);        dW = dY·cols(X)ᵀ;   dX = col2im(Wᵀ·dY);   db = Σ dY
//! convT2d: Y = col2im(Wᵀ·X);     dW = X·cols(dY)ᵀ;   dX = W·cols(dY);      db = Σ dY
//! (W flattened to [rows, channels·kh·kw]; X and dY channel-major: [channels, images·positions];
//! dW and db summed over the chunks).

use burn::backend::flex::FlexTensor;
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};

use super::chunked::{
    GradientSums, Scratch, backward_by_chunks, forward_by_chunks, image_range, images_per_chunk, sized,
};
use super::geometry::PatchGeometry;
use super::layouts::{add_channel_sums, to_batch_major_into, to_channel_major_into};
use super::lowering::{col2im_into, im2col_into};
use super::winograd::{self, Channels};
use crate::model::ops::host_matmul::{HostMatrix, matmul_into};
use crate::model::ops::host_tensor::{host_tensor, host_values, into_owned_values};
use crate::model::ops::relu::{relu_grad_in_place, relu_in_place};

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
    /// The input: [batch, channels, h, w] (backward makes its column matrix again, by chunks).
    pub input: FlexTensor,
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
    let g = conv2d_geometry(dims4(x), dims4(weight), options);
    let channels_out = dims4(weight)[0];
    let (taps, positions) = (g.taps(), g.positions_out());
    let (input, weight_values, bias_values) = (host_values(x), host_values(weight), host_values(bias));
    let flat_weight = HostMatrix::new(&weight_values, channels_out, taps);
    let values_per_image = channels_out * positions;
    let images = images_per_chunk(g.batch, taps.max(channels_out) * positions);
    let mut output = vec![0.0f32; g.batch * values_per_image];
    if winograd::applies(&g) {
        let channels = Channels { input: g.channels, output: channels_out };
        winograd::forward_into(&mut output, (&input, &weight_values, &bias_values), &g, channels, with_relu);
        return finish_conv2d_forward(output, x, weight, g, channels_out, with_relu);
    }
    forward_by_chunks(&mut output, values_per_image, images, |chunk, out, scratch| {
        let chunk_g = g.with_batch(chunk.len());
        let (cols, _, product) = scratch.with_cols(&chunk_g);
        im2col_into(&chunk_g, &input[image_range(chunk, g.image_values_in())], cols);
        let product = sized(product, channels_out * chunk_g.columns());
        matmul_into(product, flat_weight, HostMatrix::new(cols, taps, chunk_g.columns()), false);
        to_batch_major_into(product, channels_out, positions, &bias_values, out);
        if with_relu {
            relu_in_place(out);
        }
    });
    finish_conv2d_forward(output, x, weight, g, channels_out, with_relu)
}

/// The conv2d output tensor from its values, and what backward needs.
fn finish_conv2d_forward(
    output: Vec<f32>,
    x: &FlexTensor,
    weight: &FlexTensor,
    g: PatchGeometry,
    channels_out: usize,
    with_relu: bool,
) -> (FlexTensor, Conv2dSaved) {
    let [height, width] = g.side_out;
    let output = host_tensor(output, vec![g.batch, channels_out, height, width]);
    let relu_output = with_relu.then(|| output.clone());
    (output, Conv2dSaved { input: x.clone(), weight: weight.clone(), geometry: g, relu_output })
}

/// The output gradient carried back through the fused ReLU (when there was one): masked in place
/// where the output was not above 0.
fn through_relu(output_grad: FlexTensor, relu_output: Option<&FlexTensor>) -> FlexTensor {
    let Some(relu_output) = relu_output else { return output_grad };
    let mut grad = into_owned_values(output_grad);
    relu_grad_in_place(grad.storage_mut::<f32>(), &host_values(relu_output));
    grad
}

/// The weight gradient (shape `weight_dims`) and bias gradient from a backward pass's sums.
fn weight_and_bias_grads(sums: GradientSums, weight_dims: [usize; 4]) -> (FlexTensor, FlexTensor) {
    let bias_len = sums.bias.len();
    let bias = sums.bias.iter().map(|&sum| sum as f32).collect();
    (host_tensor(sums.weight, weight_dims.to_vec()), host_tensor(bias, vec![bias_len]))
}

/// Which gradients a backward pass is asked for (the bias's is always computed: it is cheap).
#[derive(Clone, Copy, Debug)]
pub struct Needed {
    /// The input's (not for a network's first layer).
    pub input: bool,
    /// The weight's (not for a frozen network, e.g. LPIPS inside a loss): when false, the weight
    /// gradient comes back as zeros and its products are skipped.
    pub weight: bool,
}

/// conv2d backward: the gradients of input and weight (as `needed`) and bias from the output's.
pub fn conv2d_backward(
    saved: &Conv2dSaved,
    output_grad: FlexTensor,
    needed: Needed,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_out = weight_dims[0];
    let (taps, positions) = (g.taps(), g.positions_out());
    let output_grad = through_relu(output_grad, saved.relu_output.as_ref());
    let (grad, input, weight_values) =
        (host_values(&output_grad), host_values(&saved.input), host_values(&saved.weight));
    let flat_weight = HostMatrix::new(&weight_values, channels_out, taps);
    let images = images_per_chunk(g.batch, taps.max(channels_out) * positions);
    let mut input_grad = needed.input.then(|| vec![0.0f32; g.batch * g.image_values_in()]);
    if winograd::applies(&g) {
        let channels = Channels { input: g.channels, output: channels_out };
        let values = (&input[..], &weight_values[..], &grad[..]);
        let (weight, bias) = winograd::backward(values, &g, channels, input_grad.as_deref_mut(), needed.weight);
        let sums = GradientSums { weight, bias };
        return finish_conv2d_backward(input_grad, sums, g, weight_dims);
    }
    let parts = input_grad.as_deref_mut().map(|values| (values, g.image_values_in()));
    let sums = backward_by_chunks(g.batch, images, parts, [channels_out * taps, channels_out], {
        |chunk, input_part, scratch, sums| {
            let chunk_g = g.with_batch(chunk.len());
            let columns = chunk_g.columns();
            let chunk_grad = &grad[image_range(chunk.clone(), channels_out * positions)];
            add_channel_sums(chunk_grad, channels_out, positions, &mut sums.bias);
            let (cols, rows, product) = scratch.with_cols(&chunk_g);
            let rows = sized(rows, channels_out * columns);
            to_channel_major_into(chunk_grad, channels_out, positions, rows);
            let rows = HostMatrix::new(rows, channels_out, columns);
            if needed.weight {
                im2col_into(&chunk_g, &input[image_range(chunk, g.image_values_in())], cols);
                matmul_into(&mut sums.weight, rows, HostMatrix::new(cols, taps, columns).t(), true);
            }
            if let Some(maps) = input_part {
                // Wᵀ · dY, [taps, images·positions], added back into the images' maps.
                let product = sized(product, taps * columns);
                matmul_into(product, flat_weight.t(), rows, false);
                col2im_into(&chunk_g, product, &[], maps);
            }
        }
    });
    finish_conv2d_backward(input_grad, sums, g, weight_dims)
}

/// conv2d's gradient tensors from their values.
fn finish_conv2d_backward(
    input_grad: Option<Vec<f32>>,
    sums: GradientSums,
    g: PatchGeometry,
    weight_dims: [usize; 4],
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let input_grad =
        input_grad.map(|values| host_tensor(values, vec![g.batch, g.channels, g.side_in[0], g.side_in[1]]));
    let (weight_grad, bias_grad) = weight_and_bias_grads(sums, weight_dims);
    (input_grad, weight_grad, bias_grad)
}

/// What the transposed convolution's forward pass keeps for its backward pass.
#[derive(Clone, Debug)]
pub struct ConvTranspose2dSaved {
    /// The input: [batch, channels_in, h, w].
    pub input: FlexTensor,
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
    let g = conv_transpose2d_geometry(x_dims, dims4(weight), options);
    let channels_in = x_dims[1];
    let (taps, positions) = (g.taps(), g.positions_out());
    let (input, weight_values, bias_values) = (host_values(x), host_values(weight), host_values(bias));
    let flat_weight = HostMatrix::new(&weight_values, channels_in, taps);
    let values_per_image = g.image_values_in();
    let images = images_per_chunk(g.batch, taps.max(channels_in) * positions);
    let mut output = vec![0.0f32; g.batch * values_per_image];
    forward_by_chunks(&mut output, values_per_image, images, |chunk, maps, scratch| {
        let Scratch { rows, product, .. } = scratch;
        let chunk_g = g.with_batch(chunk.len());
        let columns = chunk_g.columns();
        let rows = sized(rows, channels_in * columns);
        to_channel_major_into(&input[image_range(chunk, channels_in * positions)], channels_in, positions, rows);
        // Wᵀ · X, [taps, images·positions], added back into the images' maps.
        let product = sized(product, taps * columns);
        matmul_into(product, flat_weight.t(), HostMatrix::new(rows, channels_in, columns), false);
        col2im_into(&chunk_g, product, &bias_values, maps);
        if with_relu {
            relu_in_place(maps);
        }
    });
    let output = host_tensor(output, vec![g.batch, g.channels, g.side_in[0], g.side_in[1]]);
    let relu_output = with_relu.then(|| output.clone());
    (output, ConvTranspose2dSaved { input: x.clone(), weight: weight.clone(), geometry: g, relu_output })
}

/// convT2d backward: the gradients of input and weight (as `needed`) and bias.
pub fn conv_transpose2d_backward(
    saved: &ConvTranspose2dSaved,
    output_grad: FlexTensor,
    needed: Needed,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_in = weight_dims[0];
    let (taps, positions) = (g.taps(), g.positions_out());
    let output_grad = through_relu(output_grad, saved.relu_output.as_ref());
    let (grad, input, weight_values) =
        (host_values(&output_grad), host_values(&saved.input), host_values(&saved.weight));
    let flat_weight = HostMatrix::new(&weight_values, channels_in, taps);
    let values_per_image = channels_in * positions;
    let images = images_per_chunk(g.batch, taps.max(channels_in) * positions);
    let mut input_grad = needed.input.then(|| vec![0.0f32; g.batch * values_per_image]);
    let parts = input_grad.as_deref_mut().map(|values| (values, values_per_image));
    let sums = backward_by_chunks(g.batch, images, parts, [channels_in * taps, g.channels], {
        |chunk, input_part, scratch, sums| {
            let chunk_g = g.with_batch(chunk.len());
            let columns = chunk_g.columns();
            let chunk_grad = &grad[image_range(chunk.clone(), g.image_values_in())];
            add_channel_sums(chunk_grad, g.channels, g.plane_in(), &mut sums.bias);
            let (cols, rows, product) = scratch.with_cols(&chunk_g);
            im2col_into(&chunk_g, chunk_grad, cols);
            let cols = HostMatrix::new(cols, taps, columns);
            if needed.weight {
                let rows = sized(rows, channels_in * columns);
                to_channel_major_into(&input[image_range(chunk, values_per_image)], channels_in, positions, rows);
                matmul_into(&mut sums.weight, HostMatrix::new(rows, channels_in, columns), cols.t(), true);
            }
            if let Some(out) = input_part {
                // W · cols(dY), [channels_in, images·positions], laid out batch-major.
                let product = sized(product, channels_in * columns);
                matmul_into(product, flat_weight, cols, false);
                to_batch_major_into(product, channels_in, positions, &[], out);
            }
        }
    });
    let input_grad =
        input_grad.map(|values| host_tensor(values, vec![g.batch, channels_in, g.side_out[0], g.side_out[1]]));
    let (weight_grad, bias_grad) = weight_and_bias_grads(sums, weight_dims);
    (input_grad, weight_grad, bias_grad)
}
