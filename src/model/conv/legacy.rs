//! Conv checkpoints of the two-stage layout written before the stages scaled with the image.
//!
//! Their weights are named for fields of that code (`encoder.Conv.first.weight`,
//! `decoder.Conv.second.bias`, …); burn loads weights by name, so they are read here into modules
//! of that shape and then handed, unchanged, to today's stage list.

use burn::nn::conv::{Conv2d, ConvTranspose2d};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::store::{ModuleRecord, RecordError};

use super::blocks::{DownStage, UpStage, conv3x3, transposed_conv};
use super::decoder::ConvDecoder;
use super::encoder::ConvEncoder;
use super::layout::{ConvPlan, HIDDEN};

/// The whole model as the two-stage code named it.
#[derive(Module, Debug)]
pub(super) struct TwoStageVae {
    pub(super) encoder: TwoStageEncoderSlot,
    pub(super) decoder: TwoStageDecoderSlot,
}

/// The encoder enum's conv variant (its name is part of every weight's name).
#[derive(Module, Debug)]
pub(super) enum TwoStageEncoderSlot {
    /// The only variant a conv checkpoint holds.
    Conv(TwoStageEncoder),
}

/// The decoder enum's conv variant.
#[derive(Module, Debug)]
pub(super) enum TwoStageDecoderSlot {
    /// The only variant a conv checkpoint holds.
    Conv(TwoStageDecoder),
}

/// The two-stage encoder's layers, under their old names.
#[derive(Module, Debug)]
pub(super) struct TwoStageEncoder {
    pub(super) first: Conv2d,
    pub(super) second: Conv2d,
    pub(super) hidden: Linear,
    pub(super) mean: Linear,
    pub(super) log_var: Linear,
}

/// The two-stage decoder's layers, under their old names.
#[derive(Module, Debug)]
pub(super) struct TwoStageDecoder {
    pub(super) hidden: Linear,
    pub(super) features: Linear,
    pub(super) first: ConvTranspose2d,
    pub(super) second: ConvTranspose2d,
}

impl TwoStageVae {
    /// Fresh layers of the sizes `plan` gives; `None` unless the plan has exactly two stages and
    /// no residual blocks (the only layout that code built).
    pub(super) fn new(plan: &ConvPlan, device: &Device) -> Option<Self> {
        let [outer, inner] = plan.stages.as_slice() else { return None };
        if plan.residual_blocks != 0 {
            return None;
        }
        let features = plan.feature_values()?;
        let encoder = TwoStageEncoder {
            first: conv3x3(outer.channels_in, outer.channels_out, 2).init(device),
            second: conv3x3(inner.channels_in, inner.channels_out, 2).init(device),
            hidden: LinearConfig::new(features, HIDDEN).init(device),
            mean: LinearConfig::new(HIDDEN, plan.latent_dim).init(device),
            log_var: LinearConfig::new(HIDDEN, plan.latent_dim).init(device),
        };
        let decoder = TwoStageDecoder {
            hidden: LinearConfig::new(plan.latent_dim, HIDDEN).init(device),
            features: LinearConfig::new(HIDDEN, features).init(device),
            first: transposed_conv(inner).init(device),
            second: transposed_conv(outer).init(device),
        };
        Some(Self { encoder: TwoStageEncoderSlot::Conv(encoder), decoder: TwoStageDecoderSlot::Conv(decoder) })
    }

    /// The same layers as today's encoder and decoder of `plan`.
    pub(super) fn into_stages(self, plan: &ConvPlan) -> (ConvEncoder, ConvDecoder) {
        let (TwoStageEncoderSlot::Conv(encoder), TwoStageDecoderSlot::Conv(decoder)) = (self.encoder, self.decoder);
        let down =
            vec![DownStage::from_parts(encoder.first, Vec::new()), DownStage::from_parts(encoder.second, Vec::new())];
        let up = vec![UpStage::from_parts(Vec::new(), decoder.first), UpStage::from_parts(Vec::new(), decoder.second)];
        (
            ConvEncoder::from_parts(plan, down, Some(encoder.hidden), [encoder.mean, encoder.log_var]),
            ConvDecoder::from_parts(plan, Some(decoder.hidden), decoder.features, up),
        )
    }
}

/// Reads `record`, the weights of a two-stage conv checkpoint under their old names, into today's
/// encoder and decoder of `plan`.
pub fn load_two_stage_record(
    plan: &ConvPlan,
    record: ModuleRecord,
    device: &Device,
) -> Result<(ConvEncoder, ConvDecoder), RecordError> {
    let Some(empty) = TwoStageVae::new(plan, device) else {
        return Err(RecordError::Validation(
            "only a two-stage conv model without residual blocks has old names".into(),
        ));
    };
    Ok(empty.try_load_record(record)?.into_stages(plan))
}
