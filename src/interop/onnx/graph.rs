//! A small builder of ONNX graphs over tract-onnx's generated protobuf types: the layers our
//! architectures are made of (dense, convolution, transposed convolution, ReLU, Sigmoid, the
//! residual sum), their weights as initializers named as in PyTorch.

use std::collections::{BTreeMap, BTreeSet};

use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};
use tract_onnx::pb::{
    AttributeProto, GraphProto, NodeProto, TensorProto, TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};

use crate::interop::{InteropError, PytorchTensor};

/// Name of the batch dimension, left free in every input and output.
const BATCH: &str = "batch";

/// One dimension of a graph input or output.
#[derive(Clone, Copy, Debug)]
pub(super) enum Dim {
    /// The batch: any size.
    Batch,
    /// A fixed size.
    Fixed(usize),
}

/// Nodes and initializers of one graph, added in order.
pub(super) struct GraphBuilder<'a> {
    weights: &'a BTreeMap<String, PytorchTensor>,
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
    added: BTreeSet<String>,
    next: usize,
}

impl<'a> GraphBuilder<'a> {
    /// An empty graph whose layers take their weights from `weights`.
    pub(super) fn new(weights: &'a BTreeMap<String, PytorchTensor>) -> Self {
        Self { weights, nodes: Vec::new(), initializers: Vec::new(), added: BTreeSet::new(), next: 0 }
    }

    /// The weight `name` as an initializer (added once), or an error when the model has none.
    fn weight(&mut self, name: &str) -> Result<(String, Vec<usize>), InteropError> {
        let Some(tensor) = self.weights.get(name) else {
            return Err(InteropError::Encode { format: "ONNX", reason: format!("the model has no weight {name}") });
        };
        if self.added.insert(name.to_string()) {
            let raw_data = tensor.values.iter().flat_map(|value| value.to_le_bytes()).collect();
            self.initializers.push(TensorProto {
                name: name.to_string(),
                dims: tensor.shape.iter().map(|&dim| dim as i64).collect(),
                data_type: DataType::Float as i32,
                raw_data,
                ..TensorProto::default()
            });
        }
        Ok((name.to_string(), tensor.shape.clone()))
    }

    /// Adds `op_type` on `inputs` with `attributes`; its output is `output`, or a fresh name.
    fn node(
        &mut self,
        op_type: &str,
        inputs: Vec<String>,
        attributes: Vec<AttributeProto>,
        output: Option<&str>,
    ) -> String {
        let output = output.map_or_else(|| self.fresh(op_type), str::to_string);
        self.nodes.push(NodeProto {
            name: format!("{op_type}_{}", self.nodes.len()),
            op_type: op_type.to_string(),
            input: inputs,
            output: vec![output.clone()],
            attribute: attributes,
            ..NodeProto::default()
        });
        output
    }

    fn fresh(&mut self, hint: &str) -> String {
        self.next += 1;
        format!("{}_{}", hint.to_lowercase(), self.next)
    }

    /// `nn.Linear` named `layer`: x·Wᵀ + b with W as [out, in].
    pub(super) fn dense(&mut self, x: String, layer: &str, output: Option<&str>) -> Result<String, InteropError> {
        let (weight, _) = self.weight(&format!("{layer}.weight"))?;
        let (bias, _) = self.weight(&format!("{layer}.bias"))?;
        Ok(self.node("Gemm", vec![x, weight, bias], vec![int("transB", 1)], output))
    }

    /// `nn.Conv2d` named `layer` with a 3×3 kernel, padding 1 and `stride`.
    pub(super) fn conv(&mut self, x: String, layer: &str, stride: usize) -> Result<String, InteropError> {
        let (weight, shape) = self.weight(&format!("{layer}.weight"))?;
        let (bias, _) = self.weight(&format!("{layer}.bias"))?;
        let attributes = vec![kernel_shape(&shape), ints("pads", &[1, 1, 1, 1]), ints("strides", &[stride, stride])];
        Ok(self.node("Conv", vec![x, weight, bias], attributes, None))
    }

    /// `nn.ConvTranspose2d` named `layer`: 3×3, stride 2, padding 1 and `output_padding`.
    pub(super) fn conv_transpose(
        &mut self,
        x: String,
        layer: &str,
        output_padding: [usize; 2],
    ) -> Result<String, InteropError> {
        let (weight, shape) = self.weight(&format!("{layer}.weight"))?;
        let (bias, _) = self.weight(&format!("{layer}.bias"))?;
        let attributes = vec![
            kernel_shape(&shape),
            ints("pads", &[1, 1, 1, 1]),
            ints("strides", &[2, 2]),
            ints("output_padding", &output_padding),
        ];
        Ok(self.node("ConvTranspose", vec![x, weight, bias], attributes, None))
    }

    /// The residual block named `block`: relu(x + second(relu(first(x)))).
    pub(super) fn residual(&mut self, x: String, block: &str) -> Result<String, InteropError> {
        let first = self.conv(x.clone(), &format!("{block}.first"), 1)?;
        let first = self.relu(first);
        let second = self.conv(first, &format!("{block}.second"), 1)?;
        let sum = self.node("Add", vec![x, second], Vec::new(), None);
        Ok(self.relu(sum))
    }

    /// max(x, 0).
    pub(super) fn relu(&mut self, x: String) -> String {
        self.node("Relu", vec![x], Vec::new(), None)
    }

    /// 1 / (1 + e^−x), into `output`.
    pub(super) fn sigmoid(&mut self, x: String, output: Option<&str>) -> String {
        self.node("Sigmoid", vec![x], Vec::new(), output)
    }

    /// [batch, …] → [batch, product of the rest].
    pub(super) fn flatten(&mut self, x: String) -> String {
        self.node("Flatten", vec![x], vec![int("axis", 1)], None)
    }

    /// x reshaped to [batch, dims…], into `output`.
    pub(super) fn reshape(&mut self, x: String, dims: &[usize], output: Option<&str>) -> String {
        let name = self.fresh("shape");
        let mut shape = vec![-1i64];
        shape.extend(dims.iter().map(|&dim| dim as i64));
        self.initializers.push(TensorProto {
            name: name.clone(),
            dims: vec![shape.len() as i64],
            data_type: DataType::Int64 as i32,
            int64_data: shape,
            ..TensorProto::default()
        });
        self.node("Reshape", vec![x, name], Vec::new(), output)
    }

    /// The graph named `name` with these inputs and outputs.
    pub(super) fn finish(self, name: &str, inputs: Vec<ValueInfoProto>, outputs: Vec<ValueInfoProto>) -> GraphProto {
        GraphProto {
            name: name.to_string(),
            node: self.nodes,
            initializer: self.initializers,
            input: inputs,
            output: outputs,
            ..GraphProto::default()
        }
    }
}

/// An f32 tensor `name` of shape `dims` (the batch left free), as a graph input or output.
pub(super) fn tensor_info(name: &str, dims: &[Dim]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|dim| Dimension {
            value: Some(match dim {
                Dim::Batch => dimension::Value::DimParam(BATCH.to_string()),
                Dim::Fixed(size) => dimension::Value::DimValue(*size as i64),
            }),
            ..Dimension::default()
        })
        .collect();
    let tensor = type_proto::Tensor { elem_type: DataType::Float as i32, shape: Some(TensorShapeProto { dim }) };
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto { value: Some(type_proto::Value::TensorType(tensor)), ..TypeProto::default() }),
        ..ValueInfoProto::default()
    }
}

fn int(name: &str, value: i64) -> AttributeProto {
    AttributeProto { name: name.to_string(), r#type: AttributeType::Int as i32, i: value, ..AttributeProto::default() }
}

fn ints(name: &str, values: &[usize]) -> AttributeProto {
    AttributeProto {
        name: name.to_string(),
        r#type: AttributeType::Ints as i32,
        ints: values.iter().map(|&value| value as i64).collect(),
        ..AttributeProto::default()
    }
}

/// The kernel's [height, width]: the last two dimensions of a convolution's weight.
fn kernel_shape(weight_shape: &[usize]) -> AttributeProto {
    ints("kernel_shape", weight_shape.get(2..).unwrap_or(&[]))
}
