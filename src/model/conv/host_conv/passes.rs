//! The host convolution's forward and backward passes on Flex tensors: each a whole-batch im2col
//! or col2im around one matrix product (gemm through Flex's `float_matmul`).
//!
//! conv2d:  Y = W·cols(X);        dW = dY·cols(X)ᵀ;   dX = col2im(Wᵀ·dY);   db = Σ dY
//! convT2d: Y = col2im(Wᵀ·X);     dW = X·cols(dY)ᵀ;   dX = W·cols(dY);      db = Σ dY
//! (W flattened to [rows, channels·kh·kw]; X and dY channel-major: [channels, batch·positions]).

use burn::backend::Flex;
use burn::backend::flex::FlexTensor;
use burn::backend::ops::{ConvOptions, ConvTransposeOptions, FloatTensorOps};
use burn::prelude::TensorData;

use rayon::prelude::*;

use super::geometry::PatchGeometry;
use super::layouts::{channel_sums, to_batch_major, to_channel_major};
use super::lowering::{col2im, im2col};

/// The values of a float tensor of the host device, in row-major order.
fn values(tensor: &FlexTensor) -> Vec<f32> {
    let contiguous = tensor.to_contiguous();
    match contiguous.as_slice::<f32>() {
        Some(values) => values.to_vec(),
        None => contiguous.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default(),
    }
}

/// Runs `read` on the values of `tensor` without copying them when they are laid out in order.
fn with_values<R>(tensor: &FlexTensor, read: impl FnOnce(&[f32]) -> R) -> R {
    match tensor.as_slice::<f32>() {
        Some(values) => read(values),
        None => read(&values(tensor)),
    }
}

/// A host tensor of `shape` holding `values`.
fn tensor(values: Vec<f32>, shape: Vec<usize>) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// `lhs · rhs` on Flex's gemm (strided views such as transposes are not copied).
fn matmul(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    <Flex as FloatTensorOps<Flex>>::float_matmul(lhs, rhs)
}

/// Below this many output entries gemm runs each of its depth blocks (512 deep or more) on one
/// thread: it threads a block from 48·48·256 multiply-adds on.
const SMALL_PRODUCT: usize = 48 * 48 * 256 / 512;

/// Depth per part, at least, when [`matmul_split_depth`] splits a product.
const MIN_PART_DEPTH: usize = 4096;

/// `lhs · rhs` ([m, k] · [k, n]) for a small m·n and a long k (the weight gradient of a layer with
/// few channels: [32, 131072] · [131072, 27]): gemm would run it on one thread, so the depth is
/// split across rayon's threads and the partial products added.
fn matmul_split_depth(lhs: FlexTensor, rhs: FlexTensor) -> FlexTensor {
    let [rows, depth] = [lhs.layout().shape()[0], lhs.layout().shape()[1]];
    let columns = rhs.layout().shape()[1];
    let parts = rayon::current_num_threads().min(depth / MIN_PART_DEPTH);
    if rows * columns >= SMALL_PRODUCT || parts < 2 {
        return matmul(lhs, rhs);
    }
    let part_depth = depth.div_ceil(parts);
    let partials: Vec<Vec<f32>> = (0..parts)
        .into_par_iter()
        .map(|part| {
            let start = part * part_depth;
            let length = part_depth.min(depth - start);
            values(&matmul(lhs.narrow(1, start, length), rhs.narrow(0, start, length)))
        })
        .collect();
    let mut sum = vec![0.0f32; rows * columns];
    for partial in &partials {
        sum.iter_mut().zip(partial).for_each(|(total, value)| *total += value);
    }
    tensor(sum, vec![rows, columns])
}

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
}

/// conv2d forward: x [batch, channels, h, w] → [batch, out, h', w'], and what backward needs.
pub fn conv2d_forward(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
    options: &ConvOptions<2>,
) -> (FlexTensor, Conv2dSaved) {
    let geometry = conv2d_geometry(dims4(x), dims4(weight), options);
    let channels_out = dims4(weight)[0];
    let cols = tensor(with_values(x, |x| im2col(&geometry, x)), vec![geometry.taps(), geometry.columns()]);
    let flat_weight = weight.reshape([channels_out, geometry.taps()].into());
    let product = matmul(flat_weight, cols.clone()); // [out, batch·positions]
    let [height, width] = geometry.side_out;
    let output = with_values(&product, |product| {
        with_values(bias, |bias| to_batch_major(product, geometry.batch, channels_out, height * width, bias))
    });
    let output = tensor(output, vec![geometry.batch, channels_out, height, width]);
    (output, Conv2dSaved { cols, weight: weight.clone(), geometry })
}

/// conv2d backward: the gradients of input (when `need_input`), weight and bias from the output's.
pub fn conv2d_backward(
    saved: &Conv2dSaved,
    output_grad: &FlexTensor,
    need_input: bool,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_out = weight_dims[0];
    let (grad_rows, bias_grad) =
        with_values(output_grad, |grad| to_channel_major(grad, g.batch, channels_out, g.positions_out()));
    let grad_rows = tensor(grad_rows, vec![channels_out, g.columns()]);
    let weight_grad =
        matmul_split_depth(grad_rows.clone(), saved.cols.transpose(0, 1)).reshape(weight_dims.to_vec().into());
    let input_grad = need_input.then(|| {
        let flat_weight = saved.weight.reshape([channels_out, g.taps()].into());
        let cols_grad = matmul(flat_weight.transpose(0, 1), grad_rows); // [taps, columns]
        let values = with_values(&cols_grad, |cols| col2im(&g, cols, &[]));
        tensor(values, vec![g.batch, g.channels, g.side_in[0], g.side_in[1]])
    });
    (input_grad, weight_grad, tensor(bias_grad, vec![channels_out]))
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
}

/// convT2d forward: x [batch, channels_in, h, w] → [batch, channels_out, H, W].
pub fn conv_transpose2d_forward(
    x: &FlexTensor,
    weight: &FlexTensor,
    bias: &FlexTensor,
    options: &ConvTransposeOptions<2>,
) -> (FlexTensor, ConvTranspose2dSaved) {
    let x_dims = dims4(x);
    let weight_dims = dims4(weight);
    let geometry = conv_transpose2d_geometry(x_dims, weight_dims, options);
    let channels_in = x_dims[1];
    let (rows, _) = with_values(x, |x| to_channel_major(x, geometry.batch, channels_in, geometry.positions_out()));
    let input_rows = tensor(rows, vec![channels_in, geometry.columns()]);
    let flat_weight = weight.reshape([channels_in, geometry.taps()].into());
    let cols = matmul(flat_weight.transpose(0, 1), input_rows.clone()); // [taps, columns]
    let output = with_values(&cols, |cols| with_values(bias, |bias| col2im(&geometry, cols, bias)));
    let shape = vec![geometry.batch, geometry.channels, geometry.side_in[0], geometry.side_in[1]];
    (tensor(output, shape), ConvTranspose2dSaved { input_rows, weight: weight.clone(), geometry })
}

/// convT2d backward: the gradients of input (when `need_input`), weight and bias.
pub fn conv_transpose2d_backward(
    saved: &ConvTranspose2dSaved,
    output_grad: &FlexTensor,
    need_input: bool,
) -> (Option<FlexTensor>, FlexTensor, FlexTensor) {
    let g = saved.geometry;
    let weight_dims = dims4(&saved.weight);
    let channels_in = weight_dims[0];
    let (cols, bias_grad) =
        with_values(output_grad, |grad| (im2col(&g, grad), channel_sums(grad, g.channels, g.plane_in())));
    let cols = tensor(cols, vec![g.taps(), g.columns()]);
    let weight_grad =
        matmul_split_depth(saved.input_rows.clone(), cols.clone().transpose(0, 1)).reshape(weight_dims.to_vec().into());
    let input_grad = need_input.then(|| {
        let flat_weight = saved.weight.reshape([channels_in, g.taps()].into());
        let rows = matmul(flat_weight, cols); // [channels_in, columns]
        let values = with_values(&rows, |rows| to_batch_major(rows, g.batch, channels_in, g.positions_out(), &[]));
        tensor(values, vec![g.batch, channels_in, g.side_out[0], g.side_out[1]])
    });
    (input_grad, weight_grad, tensor(bias_grad, vec![g.channels]))
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
        let lhs = tensor(made_up(7 * depth, 1), vec![7, depth]);
        // The right side as the transposed view the weight gradient passes.
        let rhs = tensor(made_up(5 * depth, 2), vec![5, depth]).transpose(0, 1);
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
