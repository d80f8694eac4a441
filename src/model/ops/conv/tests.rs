//! The host convolutions against burn's own: outputs and the gradients of input, weight and bias
//! for several shapes, and the loss of a few training steps of the conv VAE.

use burn::backend::Dispatch;
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::optim::{AdamConfig, GradientsParams, MultiGradientsParams};
use burn::prelude::*;

use super::extension::HostConvBackend;
use super::layer::{host_convolutions_run, with_burn_convolutions};
use crate::model::{Architecture, Likelihood, Vae, VaeConfig};

fn device() -> Device {
    Device::flex().autodiff()
}

/// Made-up values in [-1, 1) (the device's generator is shared with tests running in parallel).
fn made_up<const D: usize>(shape: [usize; D], seed: usize, device: &Device) -> Tensor<D> {
    let count = shape.iter().product::<usize>();
    let values: Vec<f32> =
        (0..count).map(|index| ((index * 7919 + seed * 104_729) % 2003) as f32 / 1001.5 - 1.0).collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_to_vec::<f32>().unwrap_or_default()
}

/// Largest gap between `ours` and `theirs`, relative to the largest of `theirs` (at least 1).
fn assert_close(ours: Vec<f32>, theirs: Vec<f32>, what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths");
    assert!(!theirs.is_empty(), "{what}: empty");
    let scale = theirs.iter().fold(1.0f32, |most, value| most.max(value.abs()));
    let gap = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(gap <= 2e-5 * scale, "{what}: ours and burn's differ by {gap} (scale {scale})");
}

/// Whether a layer's weight and bias are trained (their gradients asked for) or frozen.
#[derive(Clone, Copy, PartialEq)]
enum Weights {
    Trained,
    Frozen,
}

/// Output and gradients (input, weight, bias: empty when frozen) of `forward` under the loss
/// Σ output · r.
fn output_and_grads(
    x: &Tensor<4>,
    weight: &Tensor<4>,
    bias: &Tensor<1>,
    weights: Weights,
    forward: impl Fn(Tensor<4>, Tensor<4>, Tensor<1>) -> Tensor<4>,
) -> [Vec<f32>; 4] {
    let (x, mut weight, mut bias) = (x.clone().require_grad(), weight.clone(), bias.clone());
    if weights == Weights::Trained {
        (weight, bias) = (weight.require_grad(), bias.require_grad());
    }
    let output = forward(x.clone(), weight.clone(), bias.clone());
    let factors = made_up(output.dims(), 3, &output.device());
    let grads = (output.clone() * factors).sum().backward();
    let x_grad = x.grad(&grads).map(values).unwrap_or_default();
    let weight_grad = weight.grad(&grads).map(values).unwrap_or_default();
    let bias_grad = bias.grad(&grads).map(values).unwrap_or_default();
    [values(output), x_grad, weight_grad, bias_grad]
}

fn assert_all_close(ours: [Vec<f32>; 4], theirs: [Vec<f32>; 4], case: &str) {
    for ((ours, theirs), what) in ours.into_iter().zip(theirs).zip(["output", "input grad", "weight grad", "bias grad"])
    {
        assert_close(ours, theirs, &format!("{case}: {what}"));
    }
}

/// Our op (`ours(x, weight, bias, with_relu)`) against burn's (`theirs`, then burn's `relu` when
/// `with_relu`), with and without the ReLU: outputs and all gradients; and with the weight and
/// bias frozen (their gradients skipped), the same input gradient.
fn assert_matches_burn(
    (x, weight, bias): (&Tensor<4>, &Tensor<4>, &Tensor<1>),
    case: &str,
    theirs: impl Fn(Tensor<4>, Tensor<4>, Tensor<1>) -> Tensor<4>,
    ours: impl Fn(Tensor<4>, Tensor<4>, Tensor<1>, bool) -> Tensor<4>,
) {
    for with_relu in [false, true] {
        let burn_results = output_and_grads(x, weight, bias, Weights::Trained, |x, weight, bias| {
            burn_relu(theirs(x, weight, bias), with_relu)
        });
        let [_, frozen_input_grad, weight_grad, bias_grad] =
            output_and_grads(x, weight, bias, Weights::Frozen, |x, weight, bias| ours(x, weight, bias, with_relu));
        assert!(weight_grad.is_empty() && bias_grad.is_empty(), "{case}: a frozen weight got a gradient");
        assert_close(frozen_input_grad, burn_results[1].clone(), &format!("{case}, ReLU {with_relu}, frozen weights"));
        let our_results =
            output_and_grads(x, weight, bias, Weights::Trained, |x, weight, bias| ours(x, weight, bias, with_relu));
        assert_relu_cut(&our_results[0], with_relu);
        assert_all_close(our_results, burn_results, &format!("{case}, ReLU {with_relu}"));
    }
}

/// burn's `relu` of `output` when `with_relu`.
fn burn_relu(output: Tensor<4>, with_relu: bool) -> Tensor<4> {
    if with_relu { burn::tensor::activation::relu(output) } else { output }
}

/// With a fused ReLU, some outputs are cut to 0 and some are above it (so the comparison with
/// burn's gradients covers both sides of the mask); without one, some are below 0.
fn assert_relu_cut(output: &[f32], with_relu: bool) {
    assert!(output.iter().any(|&value| value > 0.0), "no output above 0");
    if with_relu {
        assert!(output.iter().all(|&value| value >= 0.0), "the ReLU let a negative output through");
        assert!(output.contains(&0.0), "the ReLU cut nothing");
    } else {
        assert!(output.iter().any(|&value| value < 0.0), "no output below 0 to cut");
    }
}

/// (batch, channels in, channels out, [height, width], kernel side, stride, padding)
type ConvCase = (usize, usize, usize, [usize; 2], usize, usize, usize);

const CONV_CASES: [ConvCase; 23] = [
    (1, 1, 4, [5, 5], 3, 1, 1),
    (3, 3, 5, [7, 6], 3, 2, 1),
    (2, 3, 2, [8, 8], 3, 2, 0),
    (5, 2, 3, [4, 9], 3, 1, 0),
    (4, 1, 32, [28, 28], 3, 2, 1),
    (3, 32, 16, [7, 7], 3, 2, 1),
    // Odd and even widths through the 3-wide stride-2 path, more images than chunks.
    (11, 2, 3, [5, 9], 3, 2, 1),
    (9, 3, 4, [6, 1], 3, 2, 1),
    // Other kernels and strides take the general loops.
    (3, 2, 3, [9, 8], 5, 2, 2),
    (2, 3, 2, [7, 10], 3, 3, 1),
    (2, 4, 3, [5, 6], 1, 1, 0),
    // Over 8,192 columns and a small weight: the weight gradient summed over many chunks.
    (12, 1, 4, [28, 28], 3, 1, 1),
    // Products by chunks of two images, the last chunk a single one.
    (17, 2, 3, [6, 5], 3, 2, 1),
    // 3×3, stride 1, padding 1, at least 8 wide: Winograd's tiles, on even and odd sides, one row,
    // many chunks, whole and partial runs of tiles; F(2×2, 3×3) under 32 wide, F(4×4, 3×3) from 32.
    // Rows of 4 to 7 tiles are worked 4 at a time (8 wide: 4 tiles; 11 wide: 6, the last 4
    // overlapping the first).
    (3, 4, 5, [8, 8], 3, 1, 1),
    (2, 3, 4, [9, 11], 3, 1, 1),
    (3, 6, 5, [8, 16], 3, 1, 1),
    (2, 5, 7, [7, 21], 3, 1, 1),
    (2, 3, 3, [1, 17], 3, 1, 1),
    (17, 8, 8, [4, 32], 3, 1, 1),
    (2, 4, 3, [9, 35], 3, 1, 1),
    (3, 3, 4, [6, 47], 3, 1, 1),
    // Maps large enough to be worked in bands of tile rows (8 of the 20 at a time), and under
    // F(2×2, 3×3) (17 of the 20, then 3).
    (2, 32, 32, [40, 64], 3, 1, 1),
    (2, 64, 16, [40, 30], 3, 1, 1),
];
#[test]
fn conv2d_matches_burn_forward_and_gradients() {
    let device = device();
    for (seed, &(batch, channels_in, channels_out, side, kernel, stride, padding)) in CONV_CASES.iter().enumerate() {
        let x = made_up([batch, channels_in, side[0], side[1]], seed, &device);
        let weight = made_up([channels_out, channels_in, kernel, kernel], seed + 10, &device);
        let bias = made_up([channels_out], seed + 20, &device);
        let options = ConvOptions::new([stride; 2], [padding; 2], [1, 1], 1);
        assert_matches_burn(
            (&x, &weight, &bias),
            &format!("conv2d case {seed}"),
            |x, weight, bias| burn::tensor::module::conv2d(x, weight, Some(bias), options.clone()),
            |x, weight, bias, with_relu| {
                let (x, weight, bias) = (x.into_dispatch(), weight.into_dispatch(), bias.into_dispatch());
                Tensor::from_dispatch(<Dispatch as HostConvBackend>::host_conv2d(
                    x,
                    weight,
                    bias,
                    options.clone(),
                    with_relu,
                ))
            },
        );
    }
}

/// (batch, channels in, channels out, [height, width] in, kernel side, stride, padding, output padding)
type TransposedCase = (usize, usize, usize, [usize; 2], usize, usize, usize, usize);

const TRANSPOSED_CASES: [TransposedCase; 12] = [
    (1, 4, 1, [4, 4], 3, 2, 1, 1),
    (3, 2, 3, [4, 4], 3, 2, 1, 0),
    (2, 3, 3, [5, 3], 3, 1, 1, 0),
    (5, 8, 3, [7, 7], 3, 2, 1, 1),
    (2, 2, 2, [3, 4], 3, 2, 0, 1),
    (3, 16, 1, [14, 14], 3, 2, 1, 1),
    // Odd and even outputs through the 3-wide stride-2 path, more images than chunks.
    (10, 3, 2, [3, 5], 3, 2, 1, 0),
    (9, 2, 3, [1, 4], 3, 2, 1, 1),
    // Other kernels and strides take the general loops.
    (2, 3, 2, [4, 3], 5, 2, 2, 1),
    (2, 2, 3, [3, 4], 3, 3, 1, 2),
    // Over 8,192 columns and a small weight: the weight gradient summed over many chunks.
    (12, 4, 1, [28, 28], 3, 1, 1, 0),
    // Products by chunks of two images, the last chunk a single one.
    (17, 3, 2, [3, 4], 3, 2, 1, 1),
];
#[test]
fn conv_transpose2d_matches_burn_forward_and_gradients() {
    let device = device();
    for (seed, &(batch, channels_in, channels_out, side, kernel, stride, padding, padding_out)) in
        TRANSPOSED_CASES.iter().enumerate()
    {
        let x = made_up([batch, channels_in, side[0], side[1]], seed, &device);
        let weight = made_up([channels_in, channels_out, kernel, kernel], seed + 10, &device);
        let bias = made_up([channels_out], seed + 20, &device);
        let options = ConvTransposeOptions::new([stride; 2], [padding; 2], [padding_out; 2], [1, 1], 1);
        assert_matches_burn(
            (&x, &weight, &bias),
            &format!("conv_transpose2d case {seed}"),
            |x, weight, bias| burn::tensor::module::conv_transpose2d(x, weight, Some(bias), options.clone()),
            |x, weight, bias, with_relu| {
                let (x, weight, bias) = (x.into_dispatch(), weight.into_dispatch(), bias.into_dispatch());
                Tensor::from_dispatch(<Dispatch as HostConvBackend>::host_conv_transpose2d(
                    x,
                    weight,
                    bias,
                    options.clone(),
                    with_relu,
                ))
            },
        );
    }
}

#[test]
fn layers_match_burn_on_the_cpu_device_without_autodiff() {
    let device = Device::flex();
    let conv: Conv2d = Conv2dConfig::new([3, 8], [3, 3])
        .with_stride([2, 2])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(&device);
    let x = made_up([3, 3, 9, 8], 1, &device);
    assert_close(values(super::conv2d(&conv, x.clone())), values(conv.forward(x)), "Conv2d layer");
    let transposed: ConvTranspose2d = ConvTranspose2dConfig::new([8, 3], [3, 3])
        .with_stride([2, 2])
        .with_padding([1, 1])
        .with_padding_out([1, 1])
        .init(&device);
    let x = made_up([3, 8, 5, 4], 2, &device);
    assert_close(
        values(super::conv_transpose2d(&transposed, x.clone())),
        values(transposed.forward(x)),
        "ConvTranspose2d layer",
    );
}

/// The mean loss of each of `steps` Adam steps of `model` on one batch of made-up 28×28 images
/// (the same batch and noise every step, so the loss must fall whatever the initial weights).
fn loss_trajectory(model: Vae, steps: usize) -> Vec<f32> {
    loss_trajectory_of(model, steps, [16, 784, 2])
}

/// [`loss_trajectory`] for `[images, values per image, latent dimensions]`.
fn loss_trajectory_of(model: Vae, steps: usize, [batch, image_values, latent]: [usize; 3]) -> Vec<f32> {
    let device = device();
    let mut optimizer = AdamConfig::new().init();
    let mut model = model;
    let mut losses = Vec::new();
    for _ in 0..steps {
        let images = (made_up([batch, image_values], 0, &device) + 1.0) / 2.0;
        let noise = made_up([batch, latent], 100, &device);
        let terms = model.loss_terms_with_noise(images, noise, Likelihood::bernoulli());
        let loss = (terms.reconstruction + terms.kl).mean();
        losses.push(values(loss.clone())[0]);
        let gradients = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step_multi(1e-3, model, MultiGradientsParams { grads: vec![(gradients, device.clone())] });
    }
    losses
}

#[test]
fn a_few_conv_vae_steps_follow_burns_loss_trajectory() {
    let model = VaeConfig::new().with_architecture(Architecture::Conv).init(&device());
    let before = host_convolutions_run();
    let theirs = with_burn_convolutions(|| loss_trajectory(model.clone(), 4));
    assert_eq!(host_convolutions_run(), before, "burn's run used none of ours");
    let ours = loss_trajectory(model, 4);
    // The 28×28 model has three stages down and three up: six convolutions a step.
    assert_eq!(host_convolutions_run() - before, 4 * 6, "every convolution of our run went through ours");
    for (step, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert!((a - b).abs() <= 1e-4 * b.abs(), "step {step}: loss {a} against burn's {b}");
    }
    assert!(theirs[3] < theirs[0], "the loss falls: {theirs:?}");
}

#[test]
fn a_few_residual_conv_vae_steps_follow_burns_loss_trajectory() {
    // 32×32 RGB with a residual block per stage: two 3×3 stride-1 convolutions in each of the 3
    // stages down and 3 up (Winograd's on the 16×16 maps), beside the stride-2 ones.
    let model = VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_image_height(32)
        .with_image_width(32)
        .with_channels(3)
        .with_conv_base_channels(8)
        .with_conv_residual_blocks(1)
        .with_latent_dim(4)
        .init(&device());
    let shape = [6, 32 * 32 * 3, 4];
    let theirs = with_burn_convolutions(|| loss_trajectory_of(model.clone(), 4, shape));
    let before = host_convolutions_run();
    let ours = loss_trajectory_of(model, 4, shape);
    assert!(host_convolutions_run() - before >= 4 * 12, "the residual blocks' convolutions went through ours");
    for (step, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        assert!((a - b).abs() <= 1e-4 * b.abs(), "step {step}: loss {a} against burn's {b}");
    }
    assert!(theirs[3] < theirs[0], "the loss falls: {theirs:?}");
}
