//! The fused dense layer against burn's own `Linear` and `relu`: values and the gradients of input,
//! weight and bias, on burn's CPU device.

use burn::nn::LinearConfig;
use burn::prelude::*;

use super::*;
use crate::model::WeightGradientFactors;
use crate::model::ops::test_values::{largest_gap, values};

/// Made-up inputs in [−3, 3], about half of them negative so the ReLU cuts some outputs.
fn inputs(rows: usize, columns: usize) -> Vec<f32> {
    (0..rows * columns).map(|index| ((index * 53) % 61) as f32 / 10.0 - 3.0).collect()
}

/// The output and the gradients of x, W and b of one layer, fused (leaving the weight gradient's
/// factors in `factors` when it keeps them, when that gradient is empty) or composed, for an
/// upstream gradient that differs per value.
fn run(layer: &Linear, rows: usize, with_relu: bool, fused: bool, factors: &WeightGradientFactors) -> [Vec<f32>; 4] {
    let device = Device::flex().autodiff();
    let [d_in, d_out] = layer.weight.dims();
    let x = Tensor::<2>::from_data(TensorData::new(inputs(rows, d_in), [rows, d_in]), &device).require_grad();
    let upstream = Tensor::<2>::from_data(TensorData::new(inputs(rows, d_out), [rows, d_out]), &device);
    let output = match (fused, with_relu) {
        (true, true) => linear_relu(layer, x.clone(), factors),
        (true, false) => linear(layer, x.clone(), factors),
        (false, true) => relu(layer.forward(x.clone())),
        (false, false) => layer.forward(x.clone()),
    };
    let grads = (output.clone() * upstream).sum().backward();
    let grad_of = |tensor: Tensor<2>| values(tensor.grad(&grads).expect("a gradient"));
    let weight_grad = layer.weight.val().grad(&grads).map(values).unwrap_or_default();
    let bias_grad = values(layer.bias.as_ref().expect("a bias").val().grad(&grads).expect("a gradient"));
    [values(output), grad_of(x), weight_grad, bias_grad]
}

#[test]
fn fused_dense_matches_burns_linear_and_relu_forward_and_backward() {
    for (rows, d_in, d_out) in [(1, 1, 1), (3, 5, 2), (4, 11, 7), (64, 784, 512), (5, 256, 2), (2, 2, 784)] {
        let layer = LinearConfig::new(d_in, d_out).init(&Device::flex().autodiff());
        for with_relu in [true, false] {
            let fused = run(&layer, rows, with_relu, true, &WeightGradientFactors::none());
            let composed = run(&layer, rows, with_relu, false, &WeightGradientFactors::none());
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
    let grads = linear_relu(&layer, x.clone(), &WeightGradientFactors::none()).sum().backward();
    assert!(
        layer.weight.val().grad(&grads).is_some() && layer.bias.as_ref().expect("bias").val().grad(&grads).is_some()
    );
    assert!(x.grad(&grads).is_none());
    // On the plain CPU device (no autodiff, as the window's inference runs) the values are the same.
    let plain = Device::flex();
    let layer_plain = layer.clone().valid();
    let x_plain = Tensor::<2>::from_data(TensorData::new(inputs(3, 6), [3, 6]), &plain);
    let fused = values(linear_relu(&layer_plain, x_plain.clone(), &WeightGradientFactors::none()));
    let composed = values(relu(layer_plain.forward(x_plain)));
    assert!(largest_gap(&fused, &composed) < 1e-6, "{fused:?} != {composed:?}");
}

#[test]
fn nan_inputs_stay_nan_through_the_fused_relu() {
    let device = Device::flex();
    let layer = LinearConfig::new(2, 3).init(&device);
    let x = Tensor::<2>::from_data([[f32::NAN, 1.0]], &device);
    assert!(
        values(linear_relu(&layer, x, &WeightGradientFactors::none())).iter().all(|value| value.is_nan()),
        "a NaN must reach the loss"
    );
}

#[test]
fn a_layer_that_keeps_its_factors_leaves_the_weight_gradient_to_them() {
    let (rows, d_in, d_out) = (8, 256, 128);
    let layer = LinearConfig::new(d_in, d_out).init(&Device::flex().autodiff());
    let factors = WeightGradientFactors::keeping();
    let fused = run(&layer, rows, true, true, &factors);
    let composed = run(&layer, rows, true, false, &WeightGradientFactors::none());
    assert!(fused[2].is_empty(), "the backward pass registered a weight gradient as well as its factors");
    for (name, index) in [("output", 0), ("dx", 1), ("db", 3)] {
        let gap = largest_gap(&fused[index], &composed[index]);
        assert!(gap < 1e-5, "{name} differs by {gap}");
    }
    let kept = factors.take();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].param(), layer.weight.id);
    let mut weight_grad = vec![f32::NAN; d_in * d_out];
    kept[0].weight_gradient_rows(0, &mut weight_grad, false);
    let gap = largest_gap(&weight_grad, &composed[2]);
    assert!(gap < 1e-5, "the factors' dW differs by {gap}");
}
