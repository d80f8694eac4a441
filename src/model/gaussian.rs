//! The encoder's output: a diagonal Gaussian over the latent space.

use burn::prelude::*;
use burn::tensor::Distribution;

/// q(z | x) = N(mean, diag(exp(log_var))), one row per image.
#[derive(Clone, Debug)]
pub struct DiagonalGaussian {
    /// Means: [batch, latent]
    pub mean: Tensor<2>,
    /// Log-variances: [batch, latent]
    pub log_var: Tensor<2>,
}

impl DiagonalGaussian {
    /// Draws z = mean + exp(log_var / 2) · ε with ε ~ N(0, I) (the reparameterisation trick).
    ///
    /// Returns [batch, latent].
    pub fn sample(&self) -> Tensor<2> {
        let noise = Tensor::random(self.mean.shape(), Distribution::Normal(0.0, 1.0), &self.mean.device());
        self.sample_with(noise)
    }

    /// z = mean + exp(log_var / 2) · noise, for noise drawn by the caller: [batch, latent].
    pub fn sample_with(&self, noise: Tensor<2>) -> Tensor<2> {
        self.mean.clone() + (self.log_var.clone() * 0.5).exp() * noise
    }

    /// KL(q || N(0, I)) per image, in nats: ½ Σ (μ² + σ² − log σ² − 1), fused on burn's CPU device.
    ///
    /// Returns [batch].
    pub fn kl(&self) -> Tensor<1> {
        super::ops::gaussian_kl_rows(self.mean.clone(), self.log_var.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_matches_hand_computed_values() {
        let device = Device::flex();
        // Row 0: μ = (0, 0), σ² = (1, 1) → KL = 0.
        // Row 1: μ = (1, −2), log σ² = (0, ln 2) → ½[(1 + 1 − 0 − 1) + (4 + 2 − ln 2 − 1)] = ½(6 − ln 2).
        let mean = Tensor::<2>::from_data([[0.0, 0.0], [1.0, -2.0]], &device);
        let log_var = Tensor::<2>::from_data([[0.0, 0.0], [0.0, 2f32.ln()]], &device);
        let kl: Vec<f32> = DiagonalGaussian { mean, log_var }.kl().into_data().try_to_vec::<f32>().expect("f32 data");
        let expected = [0.0, 0.5 * (6.0 - 2f32.ln())];
        for (got, want) in kl.iter().zip(expected) {
            assert!((got - want).abs() < 1e-5, "KL {got} != {want}");
        }
    }

    #[test]
    fn sample_with_zero_variance_is_the_mean() {
        let device = Device::flex();
        let mean = Tensor::<2>::from_data([[0.5, -1.5]], &device);
        let log_var = Tensor::<2>::from_data([[-80.0, -80.0]], &device);
        let z: Vec<f32> =
            DiagonalGaussian { mean, log_var }.sample().into_data().try_to_vec::<f32>().expect("f32 data");
        assert!((z[0] - 0.5).abs() < 1e-6 && (z[1] + 1.5).abs() < 1e-6);
    }
}
