//! The fused dense layer against burn's own `Linear` and `relu`: values and the gradients of input,
//! weight and bias, on burn's CPU device.

use burn::nn::LinearConfig;
use burn::prelude::*;

use super::*;
use crate::model::GradientBuffers;
use crate::model::test_values::{largest_gap, values};

/// Made-up inputs in [−3, 3], about half of them negative so the ReLU cuts some outputs.
fn inputs(rows: usize, columns: usize) -> Vec<f32> {
    (0..rows * columns).map(|index| ((index * 53) % 61) as f32 / 10.0 - 3.0).collect()
}

/// The output and the gradients of x, W and b of one layer, fused (its weight gradient's storage
/// from `buffers`) or composed, for an upstream gradient that differs per value.
fn run(layer: &Linear, rows: usize, with_relu: bool, fused: bool, buffers: &GradientBuffers) -> [Vec<f32>; 4] {
    let device = Device::flex().autodiff();
    let [d_in, d_out] = layer.weight.dims();
    let x = Tensor::<2>::from_data(TensorData::new(inputs(rows, d_in), [rows, d_in]), &device).require_grad();
    let upstream = Tensor::<2>::from_data(TensorData::new(inputs(rows, d_out), [rows, d_out]), &device);
    let output = match (fused, with_relu) {
        (true, true) => linear_relu(layer, x.clone(), buffers),
        (true, false) => linear(layer, x.clone(), buffers),
        (false, true) => relu(layer.forward(x.clone())),
        (false, false) => layer.forward(x.clone()),
    };
    let grads = (output.clone() * upstream).sum().backward();
    let grad_of = |tensor: Tensor<2>| values(tensor.grad(&grads).expect("a gradient"));
    let weight_grad = grad_of(layer.weight.val());
    let bias_grad = values(layer.bias.as_ref().expect("a bias").val().grad(&grads).expect("a gradient"));
    [values(output), grad_of(x), weight_grad, bias_grad]
}

#[test]
fn fused_dense_matches_burns_linear_and_relu_forward_and_backward() {
    for (rows, d_in, d_out) in [(1, 1, 1), (3, 5, 2), (4, 11, 7), (64, 784, 512), (5, 256, 2), (2, 2, 784)] {
        let layer = LinearConfig::new(d_in, d_out).init(&Device::flex().autodiff());
        for with_relu in [true, false] {
            let fused = run(&layer, rows, with_relu, true, &GradientBuffers::none());
            let composed = run(&layer, rows, with_relu, false, &GradientBuffers::none());
            for (name, (got, want)) in ["output", "dx", "dW", "db"].iter().zip(fused.iter().zip(&composed)) {
                let gap = largest_gap(got, want);
                assert!(gap < 1e-5, "{rows}×{d_in}→{d_out} relu {with_relu}: {name} differs by {gap}");
            }
            if with_relu && rows * d_out >= 6 {
                assert!(fused[0].contains(&0.0), "{rows}×{d_in}→{d_out}: the ReLU cut nothing, the test proves little");
            }
        }
    }
}

#[test]
fn fused_dense_without_input_gradient_and_without_autodiff() {
    let device = Device::flex().autodiff();
    let layer: Linear = LinearConfig::new(6, 4).init(&device);
    // The first layer's input (the images) needs no gradient: only W and b get one.
    let x = Tensor::<2>::from_data(TensorData::new(inputs(3, 6), [3, 6]), &device);
    let grads = linear_relu(&layer, x.clone(), &GradientBuffers::none()).sum().backward();
    assert!(
        layer.weight.val().grad(&grads).is_some() && layer.bias.as_ref().expect("bias").val().grad(&grads).is_some()
    );
    assert!(x.grad(&grads).is_none());
    // On the plain CPU device (no autodiff, as the window's inference runs) the values are the same.
    let plain = Device::flex();
    let layer_plain = layer.clone().valid();
    let x_plain = Tensor::<2>::from_data(TensorData::new(inputs(3, 6), [3, 6]), &plain);
    let fused = values(linear_relu(&layer_plain, x_plain.clone(), &GradientBuffers::none()));
    let composed = values(relu(layer_plain.forward(x_plain)));
    assert!(largest_gap(&fused, &composed) < 1e-6, "{fused:?} != {composed:?}");
}

#[test]
fn nan_inputs_stay_nan_through_the_fused_relu() {
    let device = Device::flex();
    let layer = LinearConfig::new(2, 3).init(&device);
    let x = Tensor::<2>::from_data([[f32::NAN, 1.0]], &device);
    assert!(
        values(linear_relu(&layer, x, &GradientBuffers::none())).iter().all(|value| value.is_nan()),
        "a NaN must reach the loss"
    );
}

#[test]
fn a_recycled_weight_gradient_buffer_is_overwritten_not_added_to() {
    let (rows, d_in, d_out) = (8, 256, 128);
    let layer = LinearConfig::new(d_in, d_out).init(&Device::flex().autodiff());
    let buffers = GradientBuffers::recycling();
    // A spare buffer of the weight gradient's length, full of what a last step might have left.
    let mut spare = buffers.take(d_in * d_out);
    spare.fill(f32::NAN);
    buffers.give_back(spare);
    assert_eq!(buffers.spare_count(), 1);
    let fused = run(&layer, rows, true, true, &buffers);
    assert_eq!(buffers.spare_count(), 0, "the backward pass took the spare buffer");
    let composed = run(&layer, rows, true, false, &GradientBuffers::none());
    let gap = largest_gap(&fused[2], &composed[2]);
    assert!(gap < 1e-5, "dW differs by {gap}");
}
