//! The fused losses on `Tensor`s: burn's CPU device runs the backend extension, every other device
//! (wgpu) composes burn's own ops, which its fusion compiler joins by itself.

use burn::backend::Dispatch;
use burn::prelude::*;

use super::extension::FusedLossBackend;
use crate::device::is_host_device;

/// Bernoulli negative log-likelihood per row, in nats:
/// Σ −[x log σ(z) + (1 − x) log(1 − σ(z))] = Σ max(z, 0) − z·x + log(1 + e^−|z|).
///
/// logits, targets: [rows, values] (targets in [0, 1]) → [rows]. Gradients reach `logits` only.
pub fn bce_with_logits_rows(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    if is_host_device(&logits.device()) {
        let rows =
            <Dispatch as FusedLossBackend>::bce_with_logits_rows(logits.into_dispatch(), targets.into_dispatch());
        return Tensor::from_dispatch(rows);
    }
    composed_bce_with_logits_rows(logits, targets)
}

/// Gaussian negative log-likelihood per row, in nats, of the targets around μ = σ(z) with standard
/// deviation `scale`: Σ (μ − x)²/(2σ²) + ½ ln(2πσ²); or, with `laplace`, the Laplace one of scale
/// b = `scale`: Σ |μ − x|/b + ln(2b).
///
/// logits, targets: [rows, values] (targets in [0, 1]) → [rows]. Gradients reach `logits` only.
pub fn scaled_error_rows(logits: Tensor<2>, targets: Tensor<2>, scale: f64, laplace: bool) -> Tensor<1> {
    if is_host_device(&logits.device()) {
        let rows = <Dispatch as FusedLossBackend>::scaled_error_rows(
            logits.into_dispatch(),
            targets.into_dispatch(),
            scale,
            laplace,
        );
        return Tensor::from_dispatch(rows);
    }
    composed_scaled_error_rows(logits, targets, scale, laplace)
}

/// KL(N(μ, e^v) ‖ N(0, I)) per row, in nats: ½ Σ (μ² + e^v − v − 1).
///
/// means, log_vars: [rows, latent] → [rows].
pub fn gaussian_kl_rows(means: Tensor<2>, log_vars: Tensor<2>) -> Tensor<1> {
    if is_host_device(&means.device()) {
        let rows = <Dispatch as FusedLossBackend>::gaussian_kl_rows(means.into_dispatch(), log_vars.into_dispatch());
        return Tensor::from_dispatch(rows);
    }
    composed_gaussian_kl_rows(means, log_vars)
}

/// [`bce_with_logits_rows`] from burn's ops: max(z, 0) − z·x + log(1 + e^−|z|), summed per row.
pub fn composed_bce_with_logits_rows(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let softplus_tail = logits.clone().abs().neg().exp().log1p();
    let per_value = logits.clone().clamp_min(0.0) - logits * targets + softplus_tail;
    per_value.sum_dim(1).squeeze_dim(1)
}

/// [`scaled_error_rows`] from burn's ops.
pub fn composed_scaled_error_rows(logits: Tensor<2>, targets: Tensor<2>, scale: f64, laplace: bool) -> Tensor<1> {
    let error = burn::tensor::activation::sigmoid(logits) - targets;
    let per_value = if laplace {
        error.abs().mul_scalar(1.0 / scale).add_scalar((2.0 * scale).ln())
    } else {
        error
            .powi_scalar(2)
            .mul_scalar(1.0 / (2.0 * scale * scale))
            .add_scalar(0.5 * (2.0 * std::f64::consts::PI * scale * scale).ln())
    };
    per_value.sum_dim(1).squeeze_dim(1)
}

/// [`gaussian_kl_rows`] from burn's ops.
pub fn composed_gaussian_kl_rows(means: Tensor<2>, log_vars: Tensor<2>) -> Tensor<1> {
    let terms = means.powi_scalar(2) + log_vars.clone().exp() - log_vars - 1.0;
    terms.sum_dim(1).squeeze_dim(1) * 0.5
}
