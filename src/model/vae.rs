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

    /// images: [batch, pixels] in [0, 1] → q(z | x)
    pub fn encode(&self, images: Tensor<2>) -> DiagonalGaussian {
        self.encode_with(images, &WeightGradientFactors::none())
    }

    /// latents: [batch, latent] → logits: [batch, pixels]
    pub fn decode_logits(&self, latents: Tensor<2>) -> Tensor<2> {
        self.decode_logits_with(latents, &WeightGradientFactors::none())
    }

    /// As [`Self::encode`]; a backward pass leaves the dense weight gradients' factors in
    /// `weight_factors` when it keeps them.
    fn encode_with(&self, images: Tensor<2>, weight_factors: &WeightGradientFactors) -> DiagonalGaussian {
        match &self.encoder {
            Encoder::Mlp(encoder) => encoder.forward(images, weight_factors),
            Encoder::Conv(encoder) => encoder.forward(images, weight_factors),
        }
    }

    /// As [`Self::decode_logits`]; a backward pass leaves the dense weight gradients' factors in
    /// `weight_factors` when it keeps them.
    fn decode_logits_with(&self, latents: Tensor<2>, weight_factors: &WeightGradientFactors) -> Tensor<2> {
        match &self.decoder {
            Decoder::Mlp(decoder) => decoder.forward(latents, weight_factors),
            Decoder::Conv(decoder) => decoder.forward(latents, weight_factors),
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
        self.loss_terms_sampled(images, loss, DiagonalGaussian::sample, &WeightGradientFactors::none())
    }

    /// As [`Self::loss_terms`], with the reparameterisation noise given: [batch, latent] from N(0, I);
    /// a backward pass leaves the dense weight gradients' factors in `weight_factors` when it keeps
    /// them (the optimizer must then compute those gradients from them).
    pub fn loss_terms_with_noise(
        &self,
        images: Tensor<2>,
        noise: Tensor<2>,
        loss: Likelihood,
        weight_factors: &WeightGradientFactors,
    ) -> LossTerms {
        self.loss_terms_sampled(images, loss, |posterior| posterior.sample_with(noise), weight_factors)
    }

    fn loss_terms_sampled(
        &self,
        images: Tensor<2>,
        loss: Likelihood,
        sample: impl FnOnce(&DiagonalGaussian) -> Tensor<2>,
        weight_factors: &WeightGradientFactors,
    ) -> LossTerms {
        let posterior = self.encode_with(images.clone(), weight_factors);
        let logits = self.decode_logits_with(sample(&posterior), weight_factors);
        LossTerms { reconstruction: reconstruction_loss(loss, logits, images), kl: posterior.kl() }
    }
}
