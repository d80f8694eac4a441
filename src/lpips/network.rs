//! The shift-tolerant AlexNet of `stlpips-pytorch` (`LPIPS(net='alex', variant='shift_tolerant')`,
//! its `invariant_networks.alexnet` and `models_lpf.Downsample`) with LPIPS's calibration on top:
//! the scaling layer, each layer's features normalised over channels, squared differences weighted
//! by the 1×1 linear layers (no dropout: evaluation), averaged over space and summed over the five
//! layers.
//!
//! The trunk: conv 11×11 stride 1 (pad 2) → blur-pool → ReLU [relu1]; max-pool 3 stride 1 →
//! blur-pool → conv 5×5 (pad 2) → ReLU [relu2]; max-pool 3 stride 1 → blur-pool → conv 3×3 → ReLU
//! [relu3]; conv 3×3 → ReLU [relu4]; conv 3×3 → ReLU [relu5]. A blur-pool pads by reflection by 2
//! on every side (`pad_more=True`) and convolves each channel with the 3×3 binomial filter
//! [1 2 1]ᵀ[1 2 1]/16 at stride 2.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;
use burn::tensor::module::conv2d;
use burn::tensor::ops::{ConvOptions, PadMode};

/// Channels of the five feature layers.
pub const LAYER_CHANNELS: [usize; 5] = [64, 192, 384, 256, 256];
/// LPIPS's scaling layer: `(x - shift) / scale` per RGB channel, after `x ∈ [0,1] → 2x − 1`.
const SHIFT: [f32; 3] = [-0.030, -0.088, -0.188];
const SCALE: [f32; 3] = [0.458, 0.448, 0.450];
/// Added under the square root of a feature's channel norm: it keeps the gradient finite where a
/// feature vector is all zeros and moves no distance by more than 1e-10 (the package adds 1e-10
/// after the root, as here too).
const NORM_FLOOR: f64 = 1e-20;
const NORM_EPS: f64 = 1e-10;
/// The blur-pool's reflection padding on each side.
const BLUR_PAD_PX: usize = 2;

/// The network's shape (nothing to choose: the file's).
#[derive(Config, Debug)]
pub struct LpipsNetworkConfig {}

/// The trunk's convolutions and the five linear layers (1×1 convolutions to one channel, no bias).
#[derive(Module, Debug)]
pub struct LpipsNetwork {
    conv1: Conv2d,
    conv2: Conv2d,
    conv3: Conv2d,
    conv4: Conv2d,
    conv5: Conv2d,
    lin0: Conv2d,
    lin1: Conv2d,
    lin2: Conv2d,
    lin3: Conv2d,
    lin4: Conv2d,
    max_pool: MaxPool2d,
}

impl LpipsNetworkConfig {
    /// A network with untrained weights (they are read from the file next).
    pub fn init(&self, device: &Device) -> LpipsNetwork {
        let conv = |channels: [usize; 2], kernel: usize, pad: usize| {
            Conv2dConfig::new(channels, [kernel, kernel])
                .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
                .init(device)
        };
        let lin = |channels: usize| Conv2dConfig::new([channels, 1], [1, 1]).with_bias(false).init(device);
        LpipsNetwork {
            conv1: conv([3, 64], 11, 2),
            conv2: conv([64, 192], 5, 2),
            conv3: conv([192, 384], 3, 1),
            conv4: conv([384, 256], 3, 1),
            conv5: conv([256, 256], 3, 1),
            lin0: lin(LAYER_CHANNELS[0]),
            lin1: lin(LAYER_CHANNELS[1]),
            lin2: lin(LAYER_CHANNELS[2]),
            lin3: lin(LAYER_CHANNELS[3]),
            lin4: lin(LAYER_CHANNELS[4]),
            max_pool: MaxPool2dConfig::new([3, 3]).with_strides([1, 1]).init(),
        }
    }
}

impl LpipsNetwork {
    /// LPIPS between `a` and `b`, one distance per image pair.
    /// a, b: [batch, 3, height, width] in [0, 1] (height and width at least `MIN_SIDE_PX`) → [batch]
    pub fn distance(&self, a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
        let batch = a.dims()[0];
        let features_a = self.features(scaled(a));
        let features_b = self.features(scaled(b));
        let lins = [&self.lin0, &self.lin1, &self.lin2, &self.lin3, &self.lin4];
        let mut total: Option<Tensor<1>> = None;
        for ((fa, fb), lin) in features_a.into_iter().zip(features_b).zip(lins) {
            let difference = (unit_normalised(fa) - unit_normalised(fb)).powi_scalar(2);
            let channels = difference.dims()[1];
            let weights = lin.weight.val().reshape([1, channels, 1, 1]);
            // [batch, C, h, w] → weighted channel sum [batch, 1, h, w] → spatial mean [batch]
            let layer = (difference * weights).sum_dim(1).mean_dim(2).mean_dim(3).reshape([batch]);
            total = Some(match total {
                Some(sum) => sum + layer,
                None => layer,
            });
        }
        total.unwrap_or_else(|| Tensor::zeros([batch], &self.conv1.weight.device()))
    }

    /// The five ReLU feature maps.
    /// x: [batch, 3, height, width], already scaled → [batch, C_k, h_k, w_k] for k in 1..=5
    fn features(&self, x: Tensor<4>) -> [Tensor<4>; 5] {
        let relu1 = relu(blur_pool(crate::model::conv2d(&self.conv1, x)));
        let relu2 = crate::model::conv2d_relu(&self.conv2, blur_pool(self.max_pool.forward(relu1.clone())));
        let relu3 = crate::model::conv2d_relu(&self.conv3, blur_pool(self.max_pool.forward(relu2.clone())));
        let relu4 = crate::model::conv2d_relu(&self.conv4, relu3.clone());
        let relu5 = crate::model::conv2d_relu(&self.conv5, relu4.clone());
        [relu1, relu2, relu3, relu4, relu5]
    }
}

/// `[0,1] → 2x − 1`, then LPIPS's scaling layer.
/// x: [batch, 3, h, w] → [batch, 3, h, w]
fn scaled(x: Tensor<4>) -> Tensor<4> {
    let device = x.device();
    let shift = Tensor::<1>::from_floats(SHIFT, &device).reshape([1, 3, 1, 1]);
    let scale = Tensor::<1>::from_floats(SCALE, &device).reshape([1, 3, 1, 1]);
    (x.mul_scalar(2.0).sub_scalar(1.0) - shift) / scale
}

/// Each position's feature vector divided by its channel norm (`utils.normalize_tensor`).
/// x: [batch, C, h, w] → [batch, C, h, w]
fn unit_normalised(x: Tensor<4>) -> Tensor<4> {
    let norm = x.clone().powi_scalar(2).sum_dim(1).add_scalar(NORM_FLOOR).sqrt().add_scalar(NORM_EPS);
    x / norm
}

/// The package's `Downsample(filt_size=3, stride=2, pad_more=True)`: reflection padding of 2, then
/// each channel convolved with the binomial 3×3 filter at stride 2.
/// x: [batch, C, h, w] → [batch, C, ⌊(h + 1) / 2⌋ + 1, ⌊(w + 1) / 2⌋ + 1]
fn blur_pool(x: Tensor<4>) -> Tensor<4> {
    let [_, channels, _, _] = x.dims();
    let device = x.device();
    let taps = [1.0f32, 2.0, 1.0];
    let filter: Vec<f32> = taps.iter().flat_map(|row| taps.iter().map(move |column| row * column / 16.0)).collect();
    let weight = Tensor::<1>::from_floats(filter.as_slice(), &device).reshape([1, 1, 3, 3]).repeat_dim(0, channels);
    let padded = x.pad([(BLUR_PAD_PX, BLUR_PAD_PX), (BLUR_PAD_PX, BLUR_PAD_PX)], PadMode::Reflect);
    conv2d(padded, weight, None, ConvOptions::new([2, 2], [0, 0], [1, 1], channels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        Device::flex()
    }

    #[test]
    fn the_blur_pool_halves_with_the_packages_sizes_and_keeps_a_constant() {
        let x = Tensor::<4>::ones([1, 2, 30, 17], &device()).mul_scalar(0.25);
        let y = blur_pool(x);
        assert_eq!(y.dims(), [1, 2, 16, 10]);
        let values: Vec<f32> = y.into_data().try_to_vec::<f32>().expect("f32");
        assert!(values.iter().all(|v| (v - 0.25).abs() < 1e-6));
    }

    #[test]
    fn the_gradient_through_the_frozen_network_matches_finite_differences() {
        let plain = device();
        let autodiff = plain.clone().autodiff();
        let network = LpipsNetworkConfig::new().init(&plain).fork(&autodiff).no_grad();
        let dims = [1, 3, 24, 24];
        let values = |seed: usize| -> Vec<f32> {
            (0..3 * 24 * 24).map(|i| (((i * 7919 + seed * 104_729) % 1000) as f32 / 1000.0) * 0.8 + 0.1).collect()
        };
        let (a, b) = (values(1), values(2));
        let distance = |b: &[f32]| -> f64 {
            let a = Tensor::<4>::from_data(TensorData::new(a.clone(), dims), &autodiff);
            let b = Tensor::<4>::from_data(TensorData::new(b.to_vec(), dims), &autodiff);
            f64::from(network.distance(a, b).into_scalar::<f32>())
        };
        let a_tensor = Tensor::<4>::from_data(TensorData::new(a.clone(), dims), &autodiff);
        let b_tensor = Tensor::<4>::from_data(TensorData::new(b.clone(), dims), &autodiff).require_grad();
        let gradients = network.distance(a_tensor, b_tensor.clone()).sum().backward();
        let gradient: Vec<f32> =
            b_tensor.grad(&gradients).expect("a gradient").into_data().try_to_vec::<f32>().expect("f32");
        let step = 1e-2;
        for index in [0, 100, 600, 1000, 1500] {
            let (mut up, mut down) = (b.clone(), b.clone());
            up[index] += step;
            down[index] -= step;
            let numeric = (distance(&up) - distance(&down)) / (2.0 * f64::from(step));
            let analytic = f64::from(gradient[index]);
            let tolerance = 0.05 * numeric.abs().max(analytic.abs()) + 1e-5;
            assert!((numeric - analytic).abs() <= tolerance, "pixel {index}: {analytic} vs {numeric}");
        }
        assert!(gradient.iter().all(|g| g.is_finite()));
    }

    #[test]
    fn identical_images_are_at_distance_zero_and_different_ones_are_not() {
        let network = LpipsNetworkConfig::new().init(&device());
        let a = Tensor::<4>::random([2, 3, 24, 24], burn::tensor::Distribution::Uniform(0.0, 1.0), &device());
        let b = Tensor::<4>::random([2, 3, 24, 24], burn::tensor::Distribution::Uniform(0.0, 1.0), &device());
        let same: Vec<f32> = network.distance(a.clone(), a.clone()).into_data().try_to_vec::<f32>().expect("f32");
        assert!(same.iter().all(|d| d.abs() < 1e-6), "{same:?}");
        let other: Vec<f32> = network.distance(a, b).into_data().try_to_vec::<f32>().expect("f32");
        assert!(other.iter().all(|d| d.abs() > 1e-6 && d.is_finite()), "{other:?}");
    }
}
