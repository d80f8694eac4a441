//! The fused losses against burn's own composed ops: values and gradients, on burn's CPU device.

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use super::*;
use crate::model::ops::test_values::{largest_gap, values};
use crate::model::{DiagonalGaussian, Likelihood, VaeConfig};

/// Made-up logits in [−30, 30] (the ends included, 0 left out: there burn's composed gradient takes
/// |z|'s subgradient 0 and misses the true σ(0) − x, see `bce_gradient_at_zero_is_the_true_one`) and
/// targets mixing 0, 1 and fractions.
fn logits_and_targets(rows: usize, columns: usize) -> (Vec<f32>, Vec<f32>) {
    let count = rows * columns;
    let logits = (0..count)
        .map(|index| match index % 7 {
            0 => 30.0,
            1 => -30.0,
            _ => ((index * 37) % 601) as f32 / 10.0 - 29.95,
        })
        .collect();
    let targets = (0..count)
        .map(|index| match index % 3 {
            0 => 0.0,
            1 => 1.0,
            _ => ((index * 13) % 101) as f32 / 100.0,
        })
        .collect();
    (logits, targets)
}

/// A per-row loss of `logits` against `targets` ([rows, columns]) and the logits' gradient of
/// its rows weighted 0.5, 1.5, 2.5, … (upstream weights that differ per row, as the objective's
/// would with per-image weights).
fn rows_and_logit_gradients(
    logits: &[f32],
    targets: &[f32],
    [rows, columns]: [usize; 2],
    loss: impl Fn(Tensor<2>, Tensor<2>) -> Tensor<1>,
) -> (Vec<f32>, Vec<f32>) {
    let device = Device::flex().autodiff();
    let logits = Tensor::<2>::from_data(TensorData::new(logits.to_vec(), [rows, columns]), &device).require_grad();
    let targets = Tensor::<2>::from_data(TensorData::new(targets.to_vec(), [rows, columns]), &device);
    let weights: Vec<f32> = (0..rows).map(|row| 0.5 + row as f32).collect();
    let weights = Tensor::<1>::from_data(TensorData::new(weights, [rows]), &device);
    let per_row = loss(logits.clone(), targets);
    let gradients = (per_row.clone() * weights).sum().backward();
    let gradient = logits.grad(&gradients).expect("logits have a gradient");
    (values(per_row), values(gradient))
}

#[test]
fn bce_matches_burns_composed_ops_forward_and_backward() {
    for (rows, columns) in [(1, 1), (3, 5), (2, 8), (4, 11), (64, 784), (7, 3 * 16)] {
        let (logits, targets) = logits_and_targets(rows, columns);
        let run = |loss: fn(Tensor<2>, Tensor<2>) -> Tensor<1>| {
            rows_and_logit_gradients(&logits, &targets, [rows, columns], loss)
        };
        let ((fused_loss, fused_grad), (burn_loss, burn_grad)) =
            (run(bce_with_logits_rows), run(composed_bce_with_logits_rows));
        assert!(largest_gap(&fused_loss, &burn_loss) < 1e-5, "{rows}×{columns}: {fused_loss:?} != {burn_loss:?}");
        assert!(largest_gap(&fused_grad, &burn_grad) < 1e-5, "{rows}×{columns} gradients differ");
    }
}

#[test]
fn bce_without_autodiff_matches_and_is_finite_at_the_extremes() {
    let device = Device::flex();
    let logits = Tensor::<2>::from_data([[30.0, -30.0, 200.0, -200.0, 0.0]], &device);
    let targets = Tensor::<2>::from_data([[1.0, 0.0, 0.0, 1.0, 0.5]], &device);
    let fused = values(bce_with_logits_rows(logits.clone(), targets.clone()));
    let composed = values(composed_bce_with_logits_rows(logits, targets));
    // 2·ln(1 + e^−30) + 200 + 200 + ln 2.
    let want = 2.0 * (-30f32).exp().ln_1p() + 400.0 + 2f32.ln();
    assert!((fused[0] - want).abs() < 1e-4 && (fused[0] - composed[0]).abs() < 1e-4, "{fused:?} {composed:?}");
}

#[test]
fn bce_gradient_at_zero_is_the_true_one() {
    // d/dz of the loss is σ(z) − x everywhere, 0.5 − x at z = 0.
    let device = Device::flex().autodiff();
    let logits = Tensor::<2>::from_data([[0.0, 0.0, 0.0]], &device).require_grad();
    let targets = Tensor::<2>::from_data([[0.0, 0.25, 1.0]], &device);
    let gradients = bce_with_logits_rows(logits.clone(), targets).sum().backward();
    let gradient = values(logits.grad(&gradients).expect("logits have a gradient"));
    assert!(largest_gap(&gradient, &[0.5, 0.25, -0.5]) < 1e-6, "{gradient:?}");
}

#[test]
fn gaussian_and_laplace_match_burns_composed_ops_forward_and_backward() {
    for (laplace, scale) in [(false, 0.1), (false, 0.37), (false, 2.0), (true, 0.1), (true, 0.5)] {
        for (rows, columns) in [(1, 1), (3, 5), (2, 8), (4, 11), (64, 768), (7, 3 * 16)] {
            let (logits, targets) = logits_and_targets(rows, columns);
            // Logits the sigmoid does not saturate, so the gradients are not all 0.
            let logits: Vec<f32> = logits.iter().map(|z| z / 5.0).collect();
            let run = |loss: fn(Tensor<2>, Tensor<2>, f64, bool) -> Tensor<1>| {
                rows_and_logit_gradients(&logits, &targets, [rows, columns], |logits, targets| {
                    loss(logits, targets, scale, laplace)
                })
            };
            let ((fused_loss, fused_grad), (burn_loss, burn_grad)) =
                (run(scaled_error_rows), run(composed_scaled_error_rows));
            let what = format!("{} scale {scale}, {rows}×{columns}", if laplace { "Laplace" } else { "Gaussian" });
            // The rows sum up to 768 values of up to 1/(2σ²) = 50 nats each: f32 sums differ in the
            // last bits of a large total.
            let loss_tolerance = 2e-6 * burn_loss.iter().fold(1.0f32, |most, loss| most.max(loss.abs()));
            assert!(largest_gap(&fused_loss, &burn_loss) < loss_tolerance, "{what}: {fused_loss:?} != {burn_loss:?}");
            assert!(largest_gap(&fused_grad, &burn_grad) < 1e-4, "{what}: the gradients differ");
        }
    }
}

#[test]
fn laplace_gradient_where_the_mean_is_the_target_is_0_as_burns_abs() {
    // σ(0) = ½: the target ½ is met exactly, the others are not.
    let device = Device::flex().autodiff();
    let logits = Tensor::<2>::from_data([[0.0, 0.0, 0.0]], &device).require_grad();
    let targets = Tensor::<2>::from_data([[0.0, 0.5, 1.0]], &device);
    let gradients = scaled_error_rows(logits.clone(), targets, 0.5, true).sum().backward();
    let gradient = values(logits.grad(&gradients).expect("logits have a gradient"));
    // d|σ(z) − x|/b / dz = sign · σ'(0)/b = ±¼ / ½.
    assert!(largest_gap(&gradient, &[0.5, 0.0, -0.5]) < 1e-6, "{gradient:?}");
}

#[test]
fn kl_matches_burns_composed_ops_forward_and_backward() {
    let device = Device::flex().autodiff();
    for (rows, latent) in [(1, 1), (3, 2), (64, 16), (5, 7)] {
        let count = rows * latent;
        let means: Vec<f32> = (0..count).map(|index| ((index * 17) % 41) as f32 / 5.0 - 4.0).collect();
        let log_vars: Vec<f32> = (0..count).map(|index| ((index * 29) % 37) as f32 / 3.0 - 8.0).collect();
        let run = |fused: bool| {
            let mean = Tensor::<2>::from_data(TensorData::new(means.clone(), [rows, latent]), &device).require_grad();
            let log_var =
                Tensor::<2>::from_data(TensorData::new(log_vars.clone(), [rows, latent]), &device).require_grad();
            let per_row = if fused {
                gaussian_kl_rows(mean.clone(), log_var.clone())
            } else {
                composed_gaussian_kl_rows(mean.clone(), log_var.clone())
            };
            let weights = Tensor::<1>::from_data(
                TensorData::new((1..=rows).map(|w| w as f32).collect::<Vec<_>>(), [rows]),
                &device,
            );
            let gradients = (per_row.clone() * weights).sum().backward();
            let mean_grad = values(mean.grad(&gradients).expect("means have a gradient"));
            let log_var_grad = values(log_var.grad(&gradients).expect("log-variances have a gradient"));
            (values(per_row), mean_grad, log_var_grad)
        };
        let (fused, burns) = (run(true), run(false));
        assert!(largest_gap(&fused.0, &burns.0) < 1e-5, "KL {rows}×{latent}: {:?} != {:?}", fused.0, burns.0);
        assert!(largest_gap(&fused.1, &burns.1) < 1e-5, "mean gradients {rows}×{latent}");
        assert!(largest_gap(&fused.2, &burns.2) < 1e-5, "log-variance gradients {rows}×{latent}");
    }
}

#[test]
fn training_steps_follow_the_composed_losses_trajectory() {
    let device = Device::flex().autodiff();
    let config = VaeConfig::new().with_image_height(8).with_image_width(8);
    let start = config.init(&device);
    let images: Vec<f32> = (0..16 * 64).map(|index| ((index * 37) % 251) as f32 / 250.0).collect();
    let noise: Vec<f32> = (0..16 * 2).map(|index| ((index * 7) % 13) as f32 / 6.0 - 1.0).collect();
    let trajectory = |fused: bool| {
        let mut model = start.clone();
        let mut adam: ModuleOptimizer = AdamConfig::new().init();
        let mut losses = Vec::new();
        for _ in 0..5 {
            let images = Tensor::<2>::from_data(TensorData::new(images.clone(), [16, 64]), &device);
            let noise = Tensor::<2>::from_data(TensorData::new(noise.clone(), [16, 2]), &device);
            let objective = if fused {
                let terms = model.loss_terms_with_noise(images, noise, Likelihood::bernoulli());
                (terms.reconstruction + terms.kl).mean()
            } else {
                let posterior: DiagonalGaussian = model.encode(images.clone());
                let logits = model.decode_logits(posterior.sample_with(noise));
                let kl = composed_gaussian_kl_rows(posterior.mean, posterior.log_var);
                (composed_bce_with_logits_rows(logits, images) + kl).mean()
            };
            losses.push(values(objective.clone())[0]);
            let gradients = GradientsParams::from_grads(objective.backward(), &model);
            model = adam.step(1e-3, model, gradients);
        }
        losses
    };
    let (fused, composed) = (trajectory(true), trajectory(false));
    assert!(largest_gap(&fused, &composed) < 1e-4, "{fused:?} != {composed:?}");
    assert!(fused[4] < fused[0] - 0.3, "the loss falls: {fused:?}");
}
