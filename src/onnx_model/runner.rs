//! One graph prepared for running with tract: a batch of any size in, its outputs as plain floats.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::OnnxError;
use super::error::one_line;
use crate::inference::panic_message;

/// Most images (or latent points) handed to a graph in one run.
pub const RUN_BATCH: usize = 256;
/// Most values any tensor of a graph may hold for one item: a graph whose shapes grow past it is
/// refused before it runs (a hostile file could otherwise ask for any allocation).
pub const MAX_VALUES_PER_ITEM: usize = 1 << 23;
/// Most values any tensor may hold in one run: the batch shrinks for graphs with large tensors.
const MAX_VALUES_PER_RUN: usize = 1 << 26;

/// A graph ready to run on batches of one input whose dims after the batch are fixed.
pub struct PreparedGraph {
    plan: Arc<TypedSimplePlan>,
    /// The input's dims after the batch.
    dims: Vec<usize>,
    /// "encoder" or "decoder", for errors.
    role: &'static str,
    /// Items per run, so no tensor passes [`MAX_VALUES_PER_RUN`].
    batch_size: usize,
}

impl std::fmt::Debug for PreparedGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedGraph").field("role", &self.role).field("dims", &self.dims).finish()
    }
}

/// One output of a run: its shape and values.
#[derive(Clone, Debug, PartialEq)]
pub struct RunOutput {
    /// Its shape, the batch first.
    pub shape: Vec<usize>,
    /// Its values, row-major.
    pub values: Vec<f32>,
}

impl PreparedGraph {
    /// Prepares `proto` (read from `path`) for inputs `[N, dims…]` of f32, N symbolic.
    pub fn prepare(proto: &ModelProto, dims: &[usize], role: &'static str, path: &Path) -> Result<Self, OnnxError> {
        let prepare_error = |reason: String| OnnxError::Prepare { path: path.to_path_buf(), reason };
        let built = std::panic::catch_unwind(AssertUnwindSafe(|| -> TractResult<(Arc<TypedSimplePlan>, usize)> {
            // The batch is our symbol; shapes the exporter wrote inside the graph (its own batch
            // symbol, dims it guessed) are inferred again rather than unified with it.
            let onnx = tract_onnx::onnx().with_ignore_value_info(true).with_ignore_output_shapes(true);
            let mut model = onnx.model_for_proto_model(proto)?;
            let batch = model.symbols.sym("N");
            let mut shape: Vec<TDim> = vec![batch.to_dim()];
            shape.extend(dims.iter().map(|&dim| dim.to_dim()));
            model = model.with_input_fact(0, f32::fact(shape).into())?;
            let typed = model.into_optimized()?;
            let largest = largest_tensor_per_item(&typed, &batch)?;
            Ok((typed.into_runnable()?, largest))
        }));
        let (plan, largest) = match built {
            Ok(Ok(built)) => built,
            Ok(Err(error)) => return Err(prepare_error(one_line(&error))),
            Err(payload) => return Err(prepare_error(panic_message(payload.as_ref()))),
        };
        let batch_size = (MAX_VALUES_PER_RUN / largest.max(1)).clamp(1, RUN_BATCH);
        Ok(Self { plan, dims: dims.to_vec(), role, batch_size })
    }

    /// Items handed to the graph in one run.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Values of one input item (the product of the dims after the batch).
    pub fn item_values(&self) -> usize {
        self.dims.iter().product()
    }

    /// Runs `count` items given row-major in `input`; every output as f32.
    pub fn run(&self, input: &[f32], count: usize) -> Result<Vec<RunOutput>, OnnxError> {
        let run_error = |reason: String| OnnxError::Run { graph: self.role, reason };
        if input.len() != count.saturating_mul(self.item_values()) || count == 0 {
            return Err(run_error(format!("{} values for {count} items of {}", input.len(), self.item_values())));
        }
        let mut shape = vec![count];
        shape.extend_from_slice(&self.dims);
        let ran = std::panic::catch_unwind(AssertUnwindSafe(|| -> TractResult<Vec<RunOutput>> {
            let tensor = Tensor::from_shape(&shape, input)?;
            let outputs = self.plan.run(tvec!(tensor.into_tvalue()))?;
            outputs
                .iter()
                .map(|output| {
                    let floats = output.cast_to::<f32>()?;
                    let view = floats.to_plain_array_view::<f32>()?;
                    Ok(RunOutput { shape: output.shape().to_vec(), values: view.iter().copied().collect() })
                })
                .collect()
        }));
        match ran {
            Ok(Ok(outputs)) => Ok(outputs),
            Ok(Err(error)) => Err(run_error(one_line(&error))),
            Err(payload) => Err(run_error(panic_message(payload.as_ref()))),
        }
    }
}

/// The most values any tensor of `model` holds at batch 1; an error past [`MAX_VALUES_PER_ITEM`] or
/// for a shape that stays unknown.
fn largest_tensor_per_item(model: &TypedModel, batch: &Symbol) -> TractResult<usize> {
    let mut largest = 1usize;
    for node in model.nodes() {
        for output in &node.outputs {
            let mut values = 1usize;
            for dim in output.fact.shape.iter() {
                let dim = dim.substitute(batch, &1.to_dim())?.to_i64().map_err(|_| {
                    anyhow::anyhow!(
                        "the shape of {} ({:?}) depends on something other than the batch",
                        node.name,
                        output.fact.shape
                    )
                })?;
                let dim =
                    usize::try_from(dim).map_err(|_| anyhow::anyhow!("{} has a negative dimension", node.name))?;
                values = values.saturating_mul(dim);
            }
            if values > MAX_VALUES_PER_ITEM {
                anyhow::bail!(
                    "{} makes a tensor of {values} values for one item, more than vae-explorer runs ({MAX_VALUES_PER_ITEM})",
                    node.name
                );
            }
            largest = largest.max(values);
        }
    }
    Ok(largest)
}
