//! The VAE module: an encoder to a diagonal Gaussian and a decoder back to pixels.

use burn::prelude::*;
use burn::store::{ModuleRecord, RecordError};
use burn::tensor::activation::sigmoid;

use super::conv::{ConvDecoder, ConvEncoder, load_two_stage_record};
use super::loss::{Likelihood, reconstruction_loss};
use super::mlp::{MlpDecoder, MlpEncoder};
use super::{Architecture, ConvLayout, DiagonalGaussian, VaeConfig, WeightGradientFactors};

/// The encoder of either architecture.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant, reason = "one per model; boxing would hide the layers from burn's derive")]
pub enum Encoder {
    /// Dense encoder.
    Mlp(MlpEncoder),
    /// Convolutional encoder.
    Conv(ConvEncoder),
}

/// The decoder of either architecture.
#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant, reason = "one per model; boxing would hide the layers from burn's derive")]
pub enum Decoder {
    /// Dense decoder.
    Mlp(MlpDecoder),
    /// Convolutional decoder.
    Conv(ConvDecoder),
}

/// A variational autoencoder over flattened planar images: [batch, channels·height·width].
#[derive(Module, Debug)]
pub struct Vae {
    encoder: Encoder,
    decoder: Decoder,
}

/// Per-image loss terms of one batch, in nats.
#[derive(Clone, Debug)]
pub struct LossTerms {
    /// Reconstruction loss: [batch]
    pub reconstruction: Tensor<1>,
    /// KL(q(z|x) || p(z)): [batch]
    pub kl: Tensor<1>,
}

impl Vae {
    /// A VAE with fresh weights for `config` (which must have passed `validate`).
    pub fn new(config: &VaeConfig, device: &Device) -> Self {
        let (values, latent) = (config.image_shape().values(), config.latent_dim);
        match config.architecture {
            Architecture::Mlp => Self {
                encoder: Encoder::Mlp(MlpEncoder::new(values, latent, device)),
                decoder: Decoder::Mlp(MlpDecoder::new(latent, values, device)),
            },
            Architecture::Conv => {
                let plan = config.conv_plan();
                Self {
                    encoder: Encoder::Conv(ConvEncoder::new(&plan, device)),
                    decoder: Decoder::Conv(ConvDecoder::new(&plan, device)),
                }
            }
        }
    }

    /// A model of `config` (which must have passed `validate`) holding the weights of `record`.
    ///
    /// Conv checkpoints of the two-stage layout written before the stages scaled with the image
    /// name their weights differently; when the record does not load as today's model, it is read
    /// under those names. On failure, the error is today's.
    pub fn from_record(config: &VaeConfig, record: ModuleRecord, device: &Device) -> Result<Self, RecordError> {
        let fresh = Self::new(config, device);
        let may_be_old = config.architecture == Architecture::Conv
            && config.conv_layout == ConvLayout::TwoStages
            && config.conv_residual_blocks == 0;
        if !may_be_old {
            return fresh.try_load_record(record);
        }
        let error = match fresh.try_load_record(record.clone()) {
            Ok(model) => return Ok(model),
            Err(error) => error,
        };
        let (encoder, decoder) = load_two_stage_record(&config.conv_plan(), record, device).map_err(|_| error)?;
        Ok(Self { encoder: Encoder::Conv(encoder), decoder: Decoder::Conv(decoder) })
    }

    /// This model with its dense layers leaving their weight gradients' factors in
    /// `weight_factors` in a backward pass, instead of computing those gradients (the host Adam
    /// then computes them from the factors). A training shard sets this on its own copy; a model
    /// made by [`Self::new`] or [`Self::from_record`] keeps none. Not part of the record.
    pub fn with_weight_factors(self, weight_factors: WeightGradientFactors) -> Self {
        let encoder = match self.encoder {
            Encoder::Mlp(encoder) => Encoder::Mlp(encoder.with_weight_factors(weight_factors.clone())),
            Encoder::Conv(encoder) => Encoder::Conv(encoder.with_weight_factors(weight_factors.clone())),
        };
        let decoder = match self.decoder {
            Decoder::Mlp(decoder) => Decoder::Mlp(decoder.with_weight_factors(weight_factors)),
            Decoder::Conv(decoder) => Decoder::Conv(decoder.with_weight_factors(weight_factors)),
        };
        Self { encoder, decoder }
    }

    /// images: [batch, pixels] in [0, 1] → q(z | x)
    pub fn encode(&self, images: Tensor<2>) -> DiagonalGaussian {
        match &self.encoder {
            Encoder::Mlp(encoder) => encoder.forward(images),
            Encoder::Conv(encoder) => encoder.forward(images),
        }
    }

    /// latents: [batch, latent] → logits: [batch, pixels]
    pub fn decode_logits(&self, latents: Tensor<2>) -> Tensor<2> {
        match &self.decoder {
            Decoder::Mlp(decoder) => decoder.forward(latents),
            Decoder::Conv(decoder) => decoder.forward(latents),
        }
    }

    /// latents: [batch, latent] → images: [batch, pixels] in [0, 1]
    pub fn decode(&self, latents: Tensor<2>) -> Tensor<2> {
        sigmoid(self.decode_logits(latents))
    }

    /// Encodes, samples one z per image and scores the reconstruction.
    ///
    /// images: [batch, pixels] in [0, 1].
    pub fn loss_terms(&self, images: Tensor<2>, loss: Likelihood) -> LossTerms {
        self.loss_terms_sampled(images, loss, DiagonalGaussian::sample).0
    }

    /// As [`Self::loss_terms`], with the reparameterisation noise given: [batch, latent] from N(0, I).
    pub fn loss_terms_with_noise(&self, images: Tensor<2>, noise: Tensor<2>, loss: Likelihood) -> LossTerms {
        self.loss_terms_and_logits_with_noise(images, noise, loss).0
    }

    /// As [`Self::loss_terms_with_noise`], with the decoder's logits: [batch, pixels] (for a term
    /// on the decoded image, such as the perceptual one).
    pub fn loss_terms_and_logits_with_noise(
        &self,
        images: Tensor<2>,
        noise: Tensor<2>,
        loss: Likelihood,
    ) -> (LossTerms, Tensor<2>) {
        self.loss_terms_sampled(images, loss, |posterior| posterior.sample_with(noise))
    }

    fn loss_terms_sampled(
        &self,
        images: Tensor<2>,
        loss: Likelihood,
        sample: impl FnOnce(&DiagonalGaussian) -> Tensor<2>,
    ) -> (LossTerms, Tensor<2>) {
        let posterior = self.encode(images.clone());
        let logits = self.decode_logits(sample(&posterior));
        let terms = LossTerms { reconstruction: reconstruction_loss(loss, logits.clone(), images), kl: posterior.kl() };
        (terms, logits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_of_the_weight_factors_is_no_part_of_the_record() {
        let device = Device::flex();
        for architecture in [Architecture::Mlp, Architecture::Conv] {
            let model = Vae::new(&VaeConfig::new().with_architecture(architecture), &device);
            let plain = model.clone().into_record().into_bytes().expect("burnpack");
            let keeping = model.with_weight_factors(WeightGradientFactors::keeping());
            let keeping = keeping.into_record().into_bytes().expect("burnpack");
            assert!(plain[..] == keeping[..], "{architecture:?}: the record changed");
        }
    }
}
