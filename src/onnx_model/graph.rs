//! What a graph says about itself before it runs: its inputs and outputs as declared, whether every
//! operator is one the runtime knows, the activation at the end of its first output, and whether
//! it samples.

use std::path::Path;

use tract_onnx::pb::{ModelProto, NodeProto, ValueInfoProto, tensor_shape_proto::dimension::Value};

use super::OnnxError;

/// One graph input or output as declared: its name and dims (`None` where symbolic or unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredTensor {
    /// Its name in the graph.
    pub name: String,
    /// Its dims; `None` for a symbolic dim (the batch) or one the file leaves out.
    pub dims: Vec<Option<usize>>,
}

/// What a graph declares.
#[derive(Clone, Debug)]
pub struct GraphFacts {
    /// The inputs fed at run time (initializers excluded).
    pub inputs: Vec<DeclaredTensor>,
    /// The outputs, in order.
    pub outputs: Vec<DeclaredTensor>,
    /// `Sigmoid` or `Tanh` when the first output ends in one (shape-only operators skipped).
    pub final_activation: Option<&'static str>,
    /// The random operator the graph holds (`RandomNormalLike`, …), if any.
    pub sampler: Option<String>,
}

/// Operators that only move values around: looked through when finding the final activation.
const SHAPE_ONLY: [&str; 7] = ["Reshape", "Transpose", "Flatten", "Identity", "Squeeze", "Unsqueeze", "Cast"];

/// Reads what `proto` (read from `path`) declares and checks that tract knows every operator.
pub fn inspect(proto: &ModelProto, path: &Path) -> Result<GraphFacts, OnnxError> {
    let Some(graph) = proto.graph.as_ref() else {
        return Err(OnnxError::Decode { path: path.to_path_buf(), reason: "it holds no graph".to_string() });
    };
    let known = tract_onnx::onnx().op_register;
    for node in &graph.node {
        let default_domain = node.domain.is_empty() || node.domain == "ai.onnx";
        if !default_domain || !known.0.contains_key(&node.op_type) {
            let op = if default_domain { node.op_type.clone() } else { format!("{}::{}", node.domain, node.op_type) };
            return Err(OnnxError::UnsupportedOperator { path: path.to_path_buf(), op, node: node.name.clone() });
        }
    }
    let initializers: std::collections::HashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs = graph.input.iter().filter(|input| !initializers.contains(input.name.as_str())).map(declared).collect();
    let outputs: Vec<DeclaredTensor> = graph.output.iter().map(declared).collect();
    let final_activation = outputs.first().and_then(|output| final_activation(&graph.node, &output.name));
    let sampler = graph.node.iter().find(|node| node.op_type.starts_with("Random")).map(|node| node.op_type.clone());
    Ok(GraphFacts { inputs, outputs, final_activation, sampler })
}

fn declared(info: &ValueInfoProto) -> DeclaredTensor {
    let dims = info
        .r#type
        .as_ref()
        .and_then(|kind| {
            let tract_onnx::pb::type_proto::Value::TensorType(tensor) = kind.value.as_ref()?;
            tensor.shape.as_ref()
        })
        .map(|shape| {
            shape
                .dim
                .iter()
                .map(|dim| match dim.value {
                    Some(Value::DimValue(value)) => usize::try_from(value).ok(),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    DeclaredTensor { name: info.name.clone(), dims }
}

/// The Sigmoid or Tanh that produces `output`, looking through shape-only operators.
fn final_activation(nodes: &[NodeProto], output: &str) -> Option<&'static str> {
    let mut wanted = output.to_string();
    for _ in 0..nodes.len() {
        let node = nodes.iter().find(|node| node.output.contains(&wanted))?;
        match node.op_type.as_str() {
            "Sigmoid" => return Some("Sigmoid"),
            "Tanh" => return Some("Tanh"),
            op if SHAPE_ONLY.contains(&op) => wanted = node.input.first()?.clone(),
            _ => return None,
        }
    }
    None
}
