//! A bound on the decoder's logits in the L1 objective, so that training cannot drive them where
//! the sigmoid passes no gradient back.
//!
//! Why: the Laplace likelihood's gradient on the mean is the error's sign, the same size however
//! wrong the mean is, and reaches the logit times σ'(logit). Where most pictures are white at a
//! pixel (emoji on a white background), the median there is 1, the sigmoid's asymptote: every
//! white picture votes "brighter" with full weight, and the vote never ends. Adam turns that steady
//! vote into full-rate steps on every weight at once, the gain compounds through the layers, and
//! the logits run away: on the 128-px residual conv (`--loss l1 --beta 0.02 --lr 1e-3`), the mean
//! logit went from 0.34 at step 8 to 717 at step 20, in the warm-up. Past about ±17 the f32
//! sigmoid is exactly 0 or 1 and passes no gradient at all: the decoder painted every picture white
//! whatever z said, and the posterior collapsed (README: "Why L1 collapsed at 128 px").
//!
//! The bound adds Σ max(0, |logit| − [`LOGIT_BOUND`]) to each image's objective: nothing within
//! ±8 (σ(8) = 0.99966, 0.09/255 short of white), and beyond it a pull back of 1 per unit, which
//! outweighs the likelihood's push there (σ'(8) / b = 0.0034 at b = 0.1). Like the perceptual term
//! it is in the gradient only; the reported nats stay the likelihood's. BCE needs none: its
//! gradient on the logit, σ(logit) − x, stays whole however saturated a wrong pixel is. It is a
//! term of the objective rather than a different mean (latent diffusion's decoders output pixels
//! unbounded): every likelihood, view and checkpoint reads the mean as σ(logits), and they stay so.

use burn::prelude::*;

use crate::model::ReconstructionLoss;

/// The largest |logit| the L1 objective leaves alone.
pub const LOGIT_BOUND: f64 = 8.0;

/// Whether the objective of `loss` bounds the logits: L1 only, whose gradient is the error's sign.
pub fn bounds_logits(loss: ReconstructionLoss) -> bool {
    loss == ReconstructionLoss::L1
}

/// Each image's excess over the bound, Σ max(0, |logit| − [`LOGIT_BOUND`]).
/// logits: [batch, values] → [batch]
pub fn excess_per_image(logits: Tensor<2>) -> Tensor<1> {
    (logits.abs() - LOGIT_BOUND).clamp_min(0.0).sum_dim(1).squeeze_dim(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(tensor: Tensor<1>) -> Vec<f32> {
        tensor.into_data().try_to_vec().expect("f32 data")
    }

    #[test]
    fn only_the_excess_beyond_the_bound_counts() {
        let device = Device::flex();
        let logits = Tensor::<2>::from_data([[9.0, -10.5, 3.0, 8.0], [0.0, -8.0, 7.9, -2.0]], &device);
        assert_eq!(values(excess_per_image(logits)), vec![3.5, 0.0]);
    }

    #[test]
    fn only_l1_is_bounded() {
        let bounded: Vec<_> = ReconstructionLoss::ALL.into_iter().filter(|loss| bounds_logits(*loss)).collect();
        assert_eq!(bounded, vec![ReconstructionLoss::L1]);
    }
}
