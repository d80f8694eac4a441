//! The LPIPS term of the training objective (`--perceptual-weight W`): for each image,
//! W · LPIPS(x, x̂) · values, where x̂ is the decoder's mean image σ(logits) (the mean of every
//! likelihood here) and values = channels × height × width.
//!
//! Why × values: the reconstruction loss is −log p(x|z) summed over every value of the image, so a
//! per-image LPIPS (about 0 to 1) would vanish beside it. The reference recipe
//! (`--loss l1 --perceptual-weight 1 --beta 0.02`, from the autoencoders of latent diffusion,
//! `LPIPSWithDiscriminator`) adds each image's LPIPS to the absolute error of every one of its values
//! before summing them, which is this term; with W = 1 it weighs as much as a mean absolute error
//! of 1 (an L1 likelihood with b = 1). The network is frozen: its parameters ask for no gradient
//! and are never in the optimizer's set; the gradient flows through it to x̂ only.

use burn::prelude::*;
use burn::tensor::activation::sigmoid;

use crate::image_shape::ImageShape;
use crate::lpips::LpipsNetwork;

/// The frozen LPIPS network on the training device, its weight and the images' shape.
#[derive(Clone, Debug)]
pub struct PerceptualTerm {
    network: LpipsNetwork,
    weight: f64,
    shape: ImageShape,
}

impl PerceptualTerm {
    /// The term of `weight` for images of `shape` (which LPIPS takes: checked by the caller), the
    /// network moved to `device` (the training device, autodiff) and frozen.
    pub fn new(network: &LpipsNetwork, weight: f64, shape: ImageShape, device: &Device) -> Self {
        Self { network: network.clone().fork(device).no_grad(), weight, shape }
    }

    /// A copy for one shard's thread, on `device` (each shard's graph gets its own parameter nodes,
    /// as the model's fork does).
    pub fn fork(&self, device: &Device) -> Self {
        Self { network: self.network.clone().fork(device).no_grad(), weight: self.weight, shape: self.shape }
    }

    /// Each image's term, in the reconstruction loss's units.
    /// logits: [batch, values] (decoder output), images: [batch, values] in [0, 1] → [batch]
    pub fn per_image(&self, logits: Tensor<2>, images: Tensor<2>) -> Tensor<1> {
        let batch = images.dims()[0];
        let dims = [batch, self.shape.channels, self.shape.height, self.shape.width];
        let means = sigmoid(logits).reshape(dims);
        let distances = self.network.distance_any_channels(images.reshape(dims), means);
        distances.mul_scalar(self.weight * self.shape.values() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lpips::LpipsNetworkConfig;

    #[test]
    fn the_term_is_the_weighted_lpips_of_the_mean_image_times_the_values() {
        let device = Device::flex();
        let network = LpipsNetworkConfig::new().init(&device);
        let shape = ImageShape::grey(24, 24);
        let term = PerceptualTerm::new(&network, 0.5, shape, &device);
        let images = Tensor::<2>::random([2, 576], burn::tensor::Distribution::Uniform(0.0, 1.0), &device);
        let logits = Tensor::<2>::random([2, 576], burn::tensor::Distribution::Normal(0.0, 1.0), &device);
        let ours: Vec<f32> = term.per_image(logits.clone(), images.clone()).into_data().try_to_vec().expect("f32");
        let dims = [2, 3, 24, 24];
        let rgb = |x: Tensor<2>| x.reshape([2, 1, 24, 24]).repeat_dim(1, 3);
        let direct = network.distance(rgb(images), rgb(sigmoid(logits)));
        let direct: Vec<f32> = direct.into_data().try_to_vec().expect("f32");
        assert_eq!(dims[0], ours.len());
        for (ours, direct) in ours.iter().zip(direct) {
            let expected = direct * 0.5 * 576.0;
            assert!((ours - expected).abs() <= 1e-4 * expected.abs() + 1e-6, "{ours} vs {expected}");
        }
    }
}
