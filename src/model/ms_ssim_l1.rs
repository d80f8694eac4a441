//! The weight-free reconstruction loss of Zhao et al. 2017 ("Loss Functions for Image Restoration
//! with Neural Networks"): per pixel, α·(1 − MS-SSIM) + (1 − α)·G_σM ⊛ |x − x̂| with α = 0.84.
//!
//! MS-SSIM is their per-pixel form: every scale at full resolution, scale j with a Gaussian window
//! of σ_j = 0.5 · 2^j (0.5, 1, 2, 4, 8 px; window 2·⌈3σ⌉ + 1 = 5, 7, 13, 25, 49 px), the contrast-
//! structure terms of every scale and the luminance term of the last multiplied (all exponents 1),
//! and the L1 term weighted by the last scale's Gaussian. Only scales whose window fits the image
//! are used (64 px: all 5; 28 px: 4; 21 px: 3); windows are "valid" (no padding), and every map is
//! cut to the centre region the largest window leaves. The per-pixel loss, averaged over that
//! region and the channels, is multiplied by the image's values (channels × height × width) so
//! that it sums over the image like the likelihoods' nats; it is not a likelihood, so a −ELBO
//! under it is not comparable with the others'.

use burn::prelude::*;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;

use crate::image_shape::ImageShape;

/// Weight of the MS-SSIM term (Zhao et al.'s α).
pub const MS_SSIM_ALPHA: f64 = 0.84;
/// The Gaussians' σ of the five scales, in pixels.
pub const MS_SSIM_SIGMAS_PX: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// SSIM's stabilisers for values in [0, 1]: (0.01)² and (0.03)².
const C1: f64 = 1e-4;
const C2: f64 = 9e-4;

/// The window radius of a Gaussian of `sigma_px`: ⌈3σ⌉.
fn radius_px(sigma_px: f64) -> usize {
    (3.0 * sigma_px).ceil() as usize
}

/// How many of the scales fit an image of `shape` (0 when not even the smallest window does).
pub fn ms_ssim_scales(shape: ImageShape) -> usize {
    let side = shape.height.min(shape.width);
    MS_SSIM_SIGMAS_PX.iter().take_while(|&&sigma| 2 * radius_px(sigma) < side).count()
}

/// The smallest side the loss takes: the first scale's window, 5 px.
pub const MS_SSIM_MIN_SIDE_PX: usize = 5;

/// The normalised 1-D Gaussian of `sigma_px` over its window.
fn gaussian_taps(sigma_px: f64) -> Vec<f32> {
    let radius = radius_px(sigma_px) as f64;
    let taps: Vec<f64> =
        (0..=2 * radius as usize).map(|i| (-(i as f64 - radius).powi(2) / (2.0 * sigma_px * sigma_px)).exp()).collect();
    let sum: f64 = taps.iter().sum();
    taps.iter().map(|tap| (tap / sum) as f32).collect()
}

/// `x` filtered by the separable Gaussian of `sigma_px`, each channel alone, without padding.
/// x: [batch, C, h, w] → [batch, C, h − 2r, w − 2r]
fn blurred(x: Tensor<4>, sigma_px: f64) -> Tensor<4> {
    let [_, channels, _, _] = x.dims();
    let device = x.device();
    let taps = gaussian_taps(sigma_px);
    let size = taps.len();
    let row = Tensor::<1>::from_floats(taps.as_slice(), &device).reshape([1, 1, 1, size]).repeat_dim(0, channels);
    let column = row.clone().reshape([channels, 1, size, 1]);
    let options = || ConvOptions::new([1, 1], [0, 0], [1, 1], channels);
    conv2d(conv2d(x, row, None, options()), column, None, options())
}

/// The centre `[height, width]` of `x`, cut `margin` pixels in from every side.
fn centre(x: Tensor<4>, margin: usize) -> Tensor<4> {
    let [batch, channels, height, width] = x.dims();
    x.slice([0..batch, 0..channels, margin..height - margin, margin..width - margin])
}

/// Per-pixel SSIM terms at one scale: (luminance, contrast-structure), both [batch, C, h − 2r, w − 2r].
fn ssim_terms(x: Tensor<4>, y: Tensor<4>, sigma_px: f64) -> (Tensor<4>, Tensor<4>) {
    let mean_x = blurred(x.clone(), sigma_px);
    let mean_y = blurred(y.clone(), sigma_px);
    let var_x = blurred(x.clone().powi_scalar(2), sigma_px) - mean_x.clone().powi_scalar(2);
    let var_y = blurred(y.clone().powi_scalar(2), sigma_px) - mean_y.clone().powi_scalar(2);
    let cov = blurred(x * y, sigma_px) - mean_x.clone() * mean_y.clone();
    let luminance = (mean_x.clone() * mean_y.clone()).mul_scalar(2.0).add_scalar(C1)
        / (mean_x.powi_scalar(2) + mean_y.powi_scalar(2)).add_scalar(C1);
    let contrast_structure = cov.mul_scalar(2.0).add_scalar(C2) / (var_x + var_y).add_scalar(C2);
    (luminance, contrast_structure)
}

/// Mean single-scale SSIM (Gaussian window of `sigma_px`) over the valid region and the channels:
/// scikit-image's `structural_similarity(gaussian_weights=True, use_sample_covariance=False)` for
/// σ = 1.5. x, y: [batch, C, h, w] → [batch]
pub fn ssim_mean(x: Tensor<4>, y: Tensor<4>, sigma_px: f64) -> Tensor<1> {
    let batch = x.dims()[0];
    let (luminance, contrast_structure) = ssim_terms(x, y, sigma_px);
    (luminance * contrast_structure).mean_dim(3).mean_dim(2).mean_dim(1).reshape([batch])
}

/// Zhao et al.'s loss per image, summed-per-value units (see the module's note).
/// logits: [batch, values] (decoder output; x̂ = σ(logits)), targets: [batch, values] in [0, 1] → [batch]
pub fn ms_ssim_l1_loss(logits: Tensor<2>, targets: Tensor<2>, shape: ImageShape) -> Tensor<1> {
    let batch = targets.dims()[0];
    let dims = [batch, shape.channels, shape.height, shape.width];
    let x_hat = burn::tensor::activation::sigmoid(logits).reshape(dims);
    let x = targets.reshape(dims);
    let scales = ms_ssim_scales(shape).max(1);
    let sigmas = &MS_SSIM_SIGMAS_PX[..scales];
    let last_radius = radius_px(sigmas[scales - 1]);
    let mut ms_ssim: Option<Tensor<4>> = None;
    for (index, &sigma) in sigmas.iter().enumerate() {
        let (luminance, contrast_structure) = ssim_terms(x.clone(), x_hat.clone(), sigma);
        let margin = last_radius - radius_px(sigma);
        let mut term = centre(contrast_structure, margin);
        if index + 1 == scales {
            term = term * luminance;
        }
        ms_ssim = Some(match ms_ssim {
            Some(product) => product * term,
            None => term,
        });
    }
    let l1 = blurred((x - x_hat).abs(), sigmas[scales - 1]);
    let Some(ms_ssim) = ms_ssim else { return Tensor::zeros([batch], &l1.device()) };
    let per_pixel = ms_ssim.neg().add_scalar(1.0).mul_scalar(MS_SSIM_ALPHA) + l1.mul_scalar(1.0 - MS_SSIM_ALPHA);
    per_pixel.mean_dim(3).mean_dim(2).mean_dim(1).reshape([batch]).mul_scalar(shape.values() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        Device::flex()
    }

    #[test]
    fn small_images_use_fewer_scales() {
        let side = |px| ms_ssim_scales(ImageShape::grey(px, px));
        assert_eq!((side(64), side(49), side(48), side(28), side(21), side(5), side(4)), (5, 5, 4, 4, 3, 1, 0));
        assert_eq!(ms_ssim_scales(ImageShape { channels: 3, height: 64, width: 20 }), 3);
    }

    #[test]
    fn taps_are_a_normalised_gaussian_of_the_scales_window() {
        for sigma in MS_SSIM_SIGMAS_PX {
            let taps = gaussian_taps(sigma);
            assert_eq!(taps.len(), 2 * radius_px(sigma) + 1);
            assert!((taps.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert_eq!(gaussian_taps(1.5).len(), 11, "scikit-image's window for σ = 1.5");
    }

    #[test]
    fn a_perfect_reconstruction_costs_nothing_and_a_wrong_one_does() {
        let shape = ImageShape { channels: 3, height: 32, width: 32 };
        let values = shape.values();
        let targets = Tensor::<2>::random([2, values], burn::tensor::Distribution::Uniform(0.05, 0.95), &device());
        let perfect_logits = (targets.clone() / targets.clone().neg().add_scalar(1.0)).log();
        let perfect: Vec<f32> =
            ms_ssim_l1_loss(perfect_logits, targets.clone(), shape).into_data().try_to_vec().expect("f32");
        assert!(perfect.iter().all(|loss| loss.abs() < 0.05), "{perfect:?}");
        let flat = Tensor::<2>::zeros([2, values], &device());
        let wrong: Vec<f32> = ms_ssim_l1_loss(flat, targets, shape).into_data().try_to_vec().expect("f32");
        assert!(wrong.iter().all(|loss| *loss > 0.3 * values as f32 * 0.84 && loss.is_finite()), "{wrong:?}");
    }

    #[test]
    fn the_gradient_is_finite_and_moves_toward_the_target() {
        let autodiff = device().autodiff();
        let shape = ImageShape::grey(28, 28);
        let targets = Tensor::<2>::random([1, 784], burn::tensor::Distribution::Uniform(0.0, 1.0), &autodiff);
        let logits = Tensor::<2>::zeros([1, 784], &autodiff).require_grad();
        let gradients = ms_ssim_l1_loss(logits.clone(), targets.clone(), shape).sum().backward();
        let gradient: Vec<f32> = logits.grad(&gradients).expect("a gradient").into_data().try_to_vec().expect("f32");
        let targets: Vec<f32> = targets.into_data().try_to_vec().expect("f32");
        assert!(gradient.iter().all(|g| g.is_finite()));
        // Where the target is far above x̂ = 0.5, the loss falls as the logit rises (and the reverse).
        let agree =
            gradient.iter().zip(&targets).filter(|(g, t)| (**t - 0.5).abs() > 0.3 && (**g < 0.0) == (**t > 0.5));
        let decided = targets.iter().filter(|t| (**t - 0.5).abs() > 0.3).count();
        assert!(agree.count() * 10 >= decided * 8, "the gradient points the wrong way too often");
    }
}
