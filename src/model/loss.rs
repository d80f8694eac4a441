//! Per-image loss terms of the VAE: reconstruction and KL, in nats.

use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use super::ReconstructionLoss;

/// Reconstruction loss per image, summed over pixels.
///
/// logits: [batch, pixels] (decoder output before the sigmoid), targets: [batch, pixels] in [0, 1].
/// Returns [batch].
pub fn reconstruction_loss(kind: ReconstructionLoss, logits: Tensor<2>, targets: Tensor<2>) -> Tensor<1> {
    let per_pixel = match kind {
        ReconstructionLoss::Bce => binary_cross_entropy_with_logits(logits, targets),
        ReconstructionLoss::Mse => (sigmoid(logits) - targets).powi_scalar(2),
        ReconstructionLoss::L1 => (sigmoid(logits) - targets).abs(),
    };
    per_pixel.sum_dim(1).squeeze_dim(1)
}

/// −[y log σ(x) + (1 − y) log(1 − σ(x))], computed stably as max(x, 0) − x·y + log(1 + e^−|x|).
///
/// logits, targets: [batch, pixels] → [batch, pixels]
fn binary_cross_entropy_with_logits(logits: Tensor<2>, targets: Tensor<2>) -> Tensor<2> {
    let softplus_tail = logits.clone().abs().neg().exp().log1p();
    logits.clone().clamp_min(0.0) - logits * targets + softplus_tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_vec(tensor: Tensor<1>) -> Vec<f32> {
        tensor.into_data().try_to_vec::<f32>().expect("f32 data")
    }

    #[test]
    fn bce_sum_matches_a_hand_example() {
        let device = Device::flex();
        // σ(0) = 0.5 and σ(ln 3) = 0.75.
        // Pixel 1: y = 1, p = 0.5 → ln 2. Pixel 2: y = 0, p = 0.75 → −ln 0.25 = ln 4.
        // Pixel 3: y = 0.5, p = 0.75 → −(0.5 ln 0.75 + 0.5 ln 0.25).
        let logits = Tensor::<2>::from_data([[0.0, 3f32.ln(), 3f32.ln()]], &device);
        let targets = Tensor::<2>::from_data([[1.0, 0.0, 0.5]], &device);
        let got = as_vec(reconstruction_loss(ReconstructionLoss::Bce, logits, targets))[0];
        let want = 2f32.ln() + 4f32.ln() - (0.5 * 0.75f32.ln() + 0.5 * 0.25f32.ln());
        assert!((got - want).abs() < 1e-5, "BCE {got} != {want}");
    }

    #[test]
    fn bce_is_finite_for_extreme_logits() {
        let device = Device::flex();
        let logits = Tensor::<2>::from_data([[200.0, -200.0]], &device);
        let targets = Tensor::<2>::from_data([[0.0, 1.0]], &device);
        let got = as_vec(reconstruction_loss(ReconstructionLoss::Bce, logits, targets))[0];
        assert!((got - 400.0).abs() < 1e-3, "BCE {got}");
    }

    #[test]
    fn mse_and_l1_sum_over_pixels() {
        let device = Device::flex();
        let logits = Tensor::<2>::from_data([[0.0, 0.0]], &device); // σ = 0.5 each
        let targets = Tensor::<2>::from_data([[1.0, 0.0]], &device);
        let mse = as_vec(reconstruction_loss(ReconstructionLoss::Mse, logits.clone(), targets.clone()))[0];
        let l1 = as_vec(reconstruction_loss(ReconstructionLoss::L1, logits, targets))[0];
        assert!((mse - 0.5).abs() < 1e-6 && (l1 - 1.0).abs() < 1e-6);
    }
}
