//! Per-image loss terms of the VAE: reconstruction and KL, in nats.
//!
//! Every reconstruction loss is the negative log-likelihood of the images under the decoder, so
//! the ELBO stays in nats whichever is chosen: Bernoulli (BCE), Gaussian with standard deviation σ
//! (MSE) and Laplace with scale b (L1), each with the decoder's mean μ = σ(logits) in [0, 1].
//! The scale is either fixed by the user or learned: set, after every batch, to the value that
//! maximises that batch's likelihood (the calibrated decoder of Rybkin et al. 2021, "Simple and
//! Effective VAE Training with Calibrated Decoders": σ² = the batch's mean squared error).

use std::f64::consts::PI;

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::ReconstructionLoss;
use crate::image_shape::ImageShape;

/// Smallest σ (MSE) or b (L1) accepted, in pixel units ([0, 1]).
pub const MIN_LIKELIHOOD_SCALE: f64 = 1e-3;
/// Largest σ (MSE) or b (L1) accepted, in pixel units.
pub const MAX_LIKELIHOOD_SCALE: f64 = 10.0;

/// How σ (MSE) or b (L1) is chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScaleFit {
    /// The scale the user gave, for the whole run.
    #[default]
    Fixed,
    /// After every batch, the scale that maximises that batch's likelihood ([`Likelihood::fitted_scale`]),
    /// used for the next batch and for every evaluation; it starts at the scale given.
    Learned,
}

/// The decoder's likelihood p(x | z): which reconstruction loss, and its scale (or, for
/// ms-ssim-l1, the weight-free loss that stands in for one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Likelihood {
    /// Bernoulli, Gaussian, Laplace, or Zhao et al.'s MS-SSIM + L1.
    pub loss: ReconstructionLoss,
    /// σ of the Gaussian (MSE) or b of the Laplace (L1), in pixel units; BCE has none and ignores it.
    pub scale: f64,
    /// The images' shape (ms-ssim-l1 filters the images; the others score each value alone).
    pub shape: ImageShape,
}

impl Likelihood {
    /// The Bernoulli likelihood (BCE), which has no scale, for the bundled digits' shape (which
    /// BCE does not use).
    pub fn bernoulli() -> Self {
        Self { loss: ReconstructionLoss::Bce, scale: 1.0, shape: ImageShape::grey(28, 28) }
    }

    /// The scale that maximises the likelihood of a batch whose mean reconstruction loss under
    /// `self` was `reconstruction_nats` per image of `values` values: σ = √(mean squared error) for
    /// MSE, b = mean absolute error for L1 (the maximum-likelihood scales of a Gaussian and a
    /// Laplace), clamped to [`MIN_LIKELIHOOD_SCALE`]..=[`MAX_LIKELIHOOD_SCALE`]. The errors are read
    /// back from the loss, which is an affine function of them at a known scale:
    /// per value, e²/(2σ²) + ½ log(2πσ²) and |e|/b + log(2b). `None` for BCE, which has no scale,
    /// and for a loss that is not finite.
    pub fn fitted_scale(&self, reconstruction_nats: f64, values: usize) -> Option<f64> {
        if !reconstruction_nats.is_finite() || values == 0 {
            return None;
        }
        let per_value = reconstruction_nats / values as f64;
        let scale = self.scale;
        let fitted = match self.loss {
            ReconstructionLoss::Bce | ReconstructionLoss::MsSsimL1 => return None,
            ReconstructionLoss::Mse => {
                let mean_squared_error = 2.0 * scale * scale * (per_value - 0.5 * (2.0 * PI * scale * scale).ln());
                mean_squared_error.max(0.0).sqrt()
            }
            ReconstructionLoss::L1 => scale * (per_value - (2.0 * scale).ln()),
        };
        fitted.is_finite().then(|| fitted.clamp(MIN_LIKELIHOOD_SCALE, MAX_LIKELIHOOD_SCALE))
    }

    /// `"bce"`, `"mse σ=0.1"` or `"l1 b=0.1"`.
    pub fn describe(&self) -> String {
        match self.loss {
            ReconstructionLoss::Bce => "bce".to_string(),
            ReconstructionLoss::Mse => format!("mse σ={}", self.scale),
            ReconstructionLoss::L1 => format!("l1 b={}", self.scale),
            ReconstructionLoss::MsSsimL1 => "ms-ssim-l1 (α 0.84; not a likelihood)".to_string(),
        }
    }
}

/// Reconstruction loss per image: −log p(x | z) summed over every value, in nats.
///
/// logits: [batch, values] (decoder output before the sigmoid), targets: [batch, values] in [0, 1].
/// Returns [batch].
pub fn reconstruction_loss(likelihood: Likelihood, logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let scale = likelihood.scale;
    match likelihood.loss {
        ReconstructionLoss::Bce => super::ops::bce_with_logits_rows(logits, targets),
        ReconstructionLoss::MsSsimL1 => super::ms_ssim_l1::ms_ssim_l1_loss(logits, targets, likelihood.shape),
        // (x − μ)² / (2σ²) + ½ log(2πσ²)
        ReconstructionLoss::Mse => super::ops::scaled_error_rows(logits, targets, scale, false),
        // |x − μ| / b + log(2b)
        ReconstructionLoss::L1 => super::ops::scaled_error_rows(logits, targets, scale, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_vec(tensor: Tensor<1>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().expect("f32 data")
    }

    fn loss_of(loss: ReconstructionLoss, scale: f64, logits: [[f32; 2]; 1], targets: [[f32; 2]; 1]) -> f32 {
        let device = Device::flex();
        let likelihood = Likelihood { loss, scale, ..Likelihood::bernoulli() };
        let (logits, targets) = (Tensor::<2>::from_data(logits, &device), Tensor::<2>::from_data(targets, &device));
        as_vec(reconstruction_loss(likelihood, logits, targets))[0]
    }

    #[test]
    fn bce_sum_matches_a_hand_example() {
        let device = Device::flex();
        // σ(0) = 0.5 and σ(ln 3) = 0.75.
        // Pixel 1: y = 1, p = 0.5 → ln 2. Pixel 2: y = 0, p = 0.75 → −ln 0.25 = ln 4.
        // Pixel 3: y = 0.5, p = 0.75 → −(0.5 ln 0.75 + 0.5 ln 0.25).
        let logits = Tensor::<2>::from_data([[0.0, 3f32.ln(), 3f32.ln()]], &device);
        let targets = Tensor::<2>::from_data([[1.0, 0.0, 0.5]], &device);
        let got = as_vec(reconstruction_loss(Likelihood::bernoulli(), logits, targets))[0];
        let want = 2f32.ln() + 4f32.ln() - (0.5 * 0.75f32.ln() + 0.5 * 0.25f32.ln());
        assert!((got - want).abs() < 1e-5, "BCE {got} != {want}");
    }

    #[test]
    fn bce_is_finite_for_extreme_logits() {
        let got = loss_of(ReconstructionLoss::Bce, 1.0, [[200.0, -200.0]], [[0.0, 1.0]]);
        assert!((got - 400.0).abs() < 1e-3, "BCE {got}");
    }

    #[test]
    fn mse_is_a_gaussian_negative_log_likelihood() {
        // μ = σ(0) = 0.5 and σ(ln 3) = 0.75; errors 0.5 and 0.25; σ = 0.1 → 2σ² = 0.02.
        // 0.25 / 0.02 + 0.0625 / 0.02 = 12.5 + 3.125; plus 2 · ½ ln(2π · 0.01) = ln(0.0628318…) = −2.767293…
        let got = loss_of(ReconstructionLoss::Mse, 0.1, [[0.0, 3f32.ln()]], [[1.0, 0.5]]);
        let want = 15.625 - 2.767_293;
        assert!((got - want).abs() < 1e-4, "Gaussian NLL {got} != {want}");
        // σ = 1/√(2π) makes the constant vanish and 2σ² = 1/π: the plain sum of squares times π.
        let unit = loss_of(ReconstructionLoss::Mse, 1.0 / (2.0 * PI).sqrt(), [[0.0, 0.0]], [[1.0, 0.0]]);
        assert!((unit - 0.5 * std::f32::consts::PI).abs() < 1e-5, "{unit}");
    }

    #[test]
    fn l1_is_a_laplace_negative_log_likelihood() {
        // Errors 0.5 and 0.25, b = 0.1: 5 + 2.5, plus 2 · ln 0.2 = −3.218876…
        let got = loss_of(ReconstructionLoss::L1, 0.1, [[0.0, 3f32.ln()]], [[1.0, 0.5]]);
        let want = 7.5 - 3.218_876;
        assert!((got - want).abs() < 1e-4, "Laplace NLL {got} != {want}");
        // b = ½ makes the constant vanish: twice the plain absolute error.
        let half = loss_of(ReconstructionLoss::L1, 0.5, [[0.0, 0.0]], [[1.0, 0.0]]);
        assert!((half - 2.0).abs() < 1e-6, "{half}");
    }

    /// Logits whose sigmoids are 0.5, 0.75, 0.25 and 0.9, against targets 1, 0.5, 0.25, 0.
    fn calibration_example() -> ([[f32; 4]; 1], [[f32; 4]; 1]) {
        ([[0.0, 3f32.ln(), -(3f32.ln()), 9f32.ln()]], [[1.0, 0.5, 0.25, 0.0]])
    }

    fn loss_of_4(loss: ReconstructionLoss, scale: f64) -> f64 {
        let device = Device::flex();
        let (logits, targets) = calibration_example();
        let (logits, targets) = (Tensor::<2>::from_data(logits, &device), Tensor::<2>::from_data(targets, &device));
        f64::from(
            as_vec(reconstruction_loss(Likelihood { loss, scale, ..Likelihood::bernoulli() }, logits, targets))[0],
        )
    }

    #[test]
    fn the_fitted_gaussian_scale_is_the_root_mean_squared_error_and_scores_the_nll_at_it() {
        // Errors 0.5, 0.25, 0 and 0.9: mean square (0.25 + 0.0625 + 0 + 0.81) / 4 = 0.280625.
        let sigma = 0.280_625f64.sqrt();
        for start in [0.05, 0.1, 1.0] {
            let likelihood = Likelihood { loss: ReconstructionLoss::Mse, scale: start, ..Likelihood::bernoulli() };
            let fitted = likelihood.fitted_scale(loss_of_4(ReconstructionLoss::Mse, start), 4).expect("a scale");
            assert!((fitted - sigma).abs() < 1e-5, "from σ = {start}: {fitted} != {sigma}");
        }
        // At σ² = MSE the Gaussian NLL of 4 values is 4 · ½ (1 + ln(2π σ²)), by hand.
        let by_hand = 2.0 * (1.0 + (2.0 * PI * 0.280_625).ln());
        let at_fitted = loss_of_4(ReconstructionLoss::Mse, sigma);
        assert!((at_fitted - by_hand).abs() < 1e-5, "{at_fitted} != {by_hand}");
        // … and it is the lowest NLL of any σ.
        for other in [0.8 * sigma, 1.2 * sigma] {
            assert!(loss_of_4(ReconstructionLoss::Mse, other) > at_fitted);
        }
    }

    #[test]
    fn the_fitted_laplace_scale_is_the_mean_absolute_error() {
        // Errors 0.5, 0.25, 0 and 0.9: mean 0.4125; the Laplace NLL there is 4 (1 + ln(2b)).
        let likelihood = Likelihood { loss: ReconstructionLoss::L1, scale: 0.1, ..Likelihood::bernoulli() };
        let fitted = likelihood.fitted_scale(loss_of_4(ReconstructionLoss::L1, 0.1), 4).expect("a scale");
        assert!((fitted - 0.4125).abs() < 1e-5, "{fitted}");
        let by_hand = 4.0 * (1.0 + (2.0 * 0.4125f64).ln());
        assert!((loss_of_4(ReconstructionLoss::L1, 0.4125) - by_hand).abs() < 1e-5);
    }

    #[test]
    fn fitted_scales_stay_within_the_limits_and_bce_has_none() {
        let mse = Likelihood { loss: ReconstructionLoss::Mse, scale: 0.1, ..Likelihood::bernoulli() };
        // A perfect reconstruction (only the constant) fits the smallest scale, not zero.
        let perfect = 784.0 * 0.5 * (2.0 * PI * 0.01).ln();
        assert_eq!(mse.fitted_scale(perfect, 784), Some(MIN_LIKELIHOOD_SCALE));
        assert_eq!(mse.fitted_scale(1e30, 784), Some(MAX_LIKELIHOOD_SCALE));
        assert_eq!(mse.fitted_scale(f64::NAN, 784), None);
        assert_eq!(Likelihood::bernoulli().fitted_scale(100.0, 784), None);
    }

    #[test]
    fn likelihoods_describe_their_scale() {
        let mse = Likelihood { loss: ReconstructionLoss::Mse, scale: 0.1, ..Likelihood::bernoulli() };
        assert_eq!((Likelihood::bernoulli().describe(), mse.describe()), ("bce".to_string(), "mse σ=0.1".to_string()));
    }
}
