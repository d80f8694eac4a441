//! Our model as two ONNX graphs: `encoder.onnx` (image [batch, C, H, W] → `mean`, `log_var`
//! [batch, latent]) and `decoder.onnx` (`z` [batch, latent] → `image` [batch, C, H, W]
//! probabilities, ending in a Sigmoid so the graph says what it returns). Opset 17, weights as
//! initializers under their PyTorch names.

mod graph;

use std::collections::BTreeMap;

use prost::Message;
use tract_onnx::pb::{ModelProto, OperatorSetIdProto, StringStringEntryProto};

use self::graph::{Dim, GraphBuilder, tensor_info};
use super::{CONFIG_METADATA_KEY, InteropError, PytorchTensor, pytorch_tensors};
use crate::model::{Architecture, Vae, VaeConfig};

/// The encoder's file name in an exported folder.
pub const ENCODER_FILE: &str = "encoder.onnx";
/// The decoder's file name in an exported folder.
pub const DECODER_FILE: &str = "decoder.onnx";
/// The operator set the graphs use.
const OPSET: i64 = 17;
/// ONNX IR version 8 (the one that goes with opset 17).
const IR_VERSION: i64 = 8;

/// The encoded bytes of both graphs.
#[derive(Clone, Debug)]
pub struct OnnxModels {
    /// `encoder.onnx`.
    pub encoder: Vec<u8>,
    /// `decoder.onnx`.
    pub decoder: Vec<u8>,
}

/// `model`, built from `config`, as ONNX encoder and decoder graphs.
pub fn onnx_models(model: &Vae, config: &VaeConfig) -> Result<OnnxModels, InteropError> {
    let weights = pytorch_tensors(model)?;
    let image =
        [Dim::Batch, Dim::Fixed(config.channels), Dim::Fixed(config.image_height), Dim::Fixed(config.image_width)];
    let latent = [Dim::Batch, Dim::Fixed(config.latent_dim)];
    let encoder = encoder_graph(&weights, config)?.finish(
        "vae_explorer_encoder",
        vec![tensor_info("image", &image)],
        vec![tensor_info("mean", &latent), tensor_info("log_var", &latent)],
    );
    let decoder = decoder_graph(&weights, config)?.finish(
        "vae_explorer_decoder",
        vec![tensor_info("z", &latent)],
        vec![tensor_info("image", &image)],
    );
    let config_json = serde_json::to_string(config)
        .map_err(|error| InteropError::Encode { format: "ONNX", reason: error.to_string() })?;
    let model_proto = |graph, doc: &str| ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        producer_name: "vae-explorer".to_string(),
        producer_version: env!("CARGO_PKG_VERSION").to_string(),
        doc_string: doc.to_string(),
        graph: Some(graph),
        metadata_props: vec![StringStringEntryProto {
            key: CONFIG_METADATA_KEY.to_string(),
            value: config_json.clone(),
        }],
        ..ModelProto::default()
    };
    Ok(OnnxModels {
        encoder: model_proto(encoder, "image [batch, C, H, W] in [0, 1] -> mean, log_var [batch, latent]")
            .encode_to_vec(),
        decoder: model_proto(decoder, "z [batch, latent] -> image [batch, C, H, W] probabilities in [0, 1]")
            .encode_to_vec(),
    })
}

/// image → mean, log_var.
fn encoder_graph<'a>(
    weights: &'a BTreeMap<String, PytorchTensor>,
    config: &VaeConfig,
) -> Result<GraphBuilder<'a>, InteropError> {
    let mut graph = GraphBuilder::new(weights);
    let hidden = match config.architecture {
        Architecture::Mlp => {
            let pixels = graph.flatten("image".to_string());
            let wide = graph.dense(pixels, "encoder.wide", None)?;
            let wide = graph.relu(wide);
            let narrow = graph.dense(wide, "encoder.narrow", None)?;
            graph.relu(narrow)
        }
        Architecture::Conv => {
            let plan = config.conv_plan();
            let mut maps = "image".to_string();
            for index in 0..plan.stages.len() {
                let stage = format!("encoder.stages.{index}");
                let down = graph.conv(maps, &format!("{stage}.conv"), 2)?;
                maps = graph.relu(down);
                for block in 0..plan.residual_blocks {
                    maps = graph.residual(maps, &format!("{stage}.blocks.{block}"))?;
                }
            }
            let features = graph.flatten(maps);
            if plan.hidden.is_none() {
                features
            } else {
                let hidden = graph.dense(features, "encoder.hidden", None)?;
                graph.relu(hidden)
            }
        }
    };
    graph.dense(hidden.clone(), "encoder.mean", Some("mean"))?;
    graph.dense(hidden, "encoder.log_var", Some("log_var"))?;
    Ok(graph)
}

/// z → image probabilities.
fn decoder_graph<'a>(
    weights: &'a BTreeMap<String, PytorchTensor>,
    config: &VaeConfig,
) -> Result<GraphBuilder<'a>, InteropError> {
    let mut graph = GraphBuilder::new(weights);
    let shape = config.image_shape();
    match config.architecture {
        Architecture::Mlp => {
            let narrow = graph.dense("z".to_string(), "decoder.narrow", None)?;
            let narrow = graph.relu(narrow);
            let wide = graph.dense(narrow, "decoder.wide", None)?;
            let wide = graph.relu(wide);
            let logits = graph.dense(wide, "decoder.pixels", None)?;
            let probabilities = graph.sigmoid(logits, None);
            graph.reshape(probabilities, &[shape.channels, shape.height, shape.width], Some("image"));
        }
        Architecture::Conv => {
            let plan = config.conv_plan();
            let features = if plan.hidden.is_none() {
                graph.dense("z".to_string(), "decoder.features", None)?
            } else {
                let hidden = graph.dense("z".to_string(), "decoder.hidden", None)?;
                let hidden = graph.relu(hidden);
                let features = graph.dense(hidden, "decoder.features", None)?;
                graph.relu(features)
            };
            let mut maps = graph.reshape(features, &plan.features(), None);
            let last = plan.stages.len().saturating_sub(1);
            // Deepest stage first, as the decoder's stage list holds them.
            for (index, stage) in plan.stages.iter().rev().enumerate() {
                let prefix = format!("decoder.stages.{index}");
                for block in 0..plan.residual_blocks {
                    maps = graph.residual(maps, &format!("{prefix}.blocks.{block}"))?;
                }
                maps = graph.conv_transpose(maps, &format!("{prefix}.conv"), stage.padding_out())?;
                if index < last {
                    maps = graph.relu(maps);
                }
            }
            graph.sigmoid(maps, Some("image"));
        }
    }
    Ok(graph)
}
