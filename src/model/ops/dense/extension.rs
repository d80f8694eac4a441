//! The fused dense layer as a burn backend extension: on Flex tensors, the product runs straight
//! into a buffer of our own, the bias and ReLU in place after it, and `Autodiff<Flex>` registers a
//! hand-written backward pass.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, backend_extension};

use super::kernels;
use crate::model::ops::host_matmul::{HostMatrix, better_split_across_cores, matmul_new};
use crate::model::ops::host_tensor::{host_tensor, host_values, into_owned_values, rows_and_values};
use crate::model::ops::weight_gradient_factors::FactorSink;

/// A dense layer in one op: x·W + b, then max(·, 0) when `with_relu`.
#[backend_extension(Flex, Autodiff)]
pub trait FusedDenseBackend: Backend {
    /// x: [rows, in], weight: [in, out] (burn's `Linear` layout), bias: [out] → [rows, out]. With
    /// `weight_factors`, a backward pass leaves the weight gradient's factors there instead of
    /// computing it.
    fn fused_dense(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        with_relu: bool,
        weight_factors: Option<FactorSink>,
    ) -> FloatTensor<Self>;
}

impl FusedDenseBackend for Flex {
    fn fused_dense(
        x: FlexTensor,
        weight: FlexTensor,
        bias: FlexTensor,
        with_relu: bool,
        _weight_factors: Option<FactorSink>,
    ) -> FlexTensor {
        dense_forward(&x, &weight, &bias, with_relu)
    }
}

impl<C: CheckpointStrategy> FusedDenseBackend for Autodiff<Flex, C> {
    fn fused_dense(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        with_relu: bool,
        weight_factors: Option<FactorSink>,
    ) -> FloatTensor<Self> {
        match DenseBackward.prepare::<C>([x.node(), weight.node(), bias.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (input, weight) = (x.primitive().clone(), weight.primitive().clone());
                let output = dense_forward(&input, &weight, bias.primitive(), with_relu);
                let relu_output = with_relu.then(|| output.clone());
                prep.finish(DenseSaved { input, weight, relu_output, weight_factors }, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(Flex::fused_dense(
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
                with_relu,
                weight_factors,
            )),
        }
    }
}

/// x·W straight into a buffer of our own (faer, on this thread), or for a large product outside
/// the training shards on Flex's gemm split across the cores; then the bias and ReLU in place:
/// [rows, out].
fn dense_forward(x: &FlexTensor, weight: &FlexTensor, bias: &FlexTensor, with_relu: bool) -> FlexTensor {
    let (rows, d_in) = rows_and_values(x);
    let (_, d_out) = rows_and_values(weight);
    let mut output = if better_split_across_cores(rows, d_in, d_out) {
        into_owned_values(Flex::float_matmul(x.clone(), weight.clone()))
    } else {
        let (x_values, weight_values) = (host_values(x), host_values(weight));
        let product = matmul_new(HostMatrix::new(&x_values, rows, d_in), HostMatrix::new(&weight_values, d_in, d_out));
        host_tensor(product, vec![rows, d_out])
    };
    kernels::add_bias_relu(output.storage_mut::<f32>(), &host_values(bias), with_relu);
    output
}

/// What the forward pass keeps for the backward pass.
#[derive(Clone, Debug)]
struct DenseSaved {
    /// x: [rows, in].
    input: FlexTensor,
    /// W: [in, out].
    weight: FlexTensor,
    /// The layer's output [rows, out] when it ends in a ReLU (its mask).
    relu_output: Option<FlexTensor>,
    /// Where the weight gradient's factors go instead of computing it, if anywhere.
    weight_factors: Option<FactorSink>,
}

/// The backward step of [`FusedDenseBackend::fused_dense`]: dZ = dY masked by the ReLU,
/// db = Σ_rows dZ, dx = dZ·Wᵀ, and dW = xᵀ·dZ or, when they are kept, its factors x and dZ (each
/// only when its parent wants it).
#[derive(Debug)]
struct DenseBackward;

impl Backward<Flex, 3> for DenseBackward {
    type State = DenseSaved;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let DenseSaved { input, weight, relu_output, weight_factors } = ops.state;
        let mut output_grad = into_owned_values(grads.consume::<Flex>(&ops.node));
        let (rows, d_out) = rows_and_values(&output_grad);
        let (_, d_in) = rows_and_values(&input);
        let relu_values = relu_output.as_ref().map(host_values);
        let bias_grad =
            kernels::relu_and_bias_gradients(output_grad.storage_mut::<f32>(), relu_values.as_deref(), d_out);
        if let Some(node) = node_bias {
            grads.register::<Flex>(node.id, host_tensor(bias_grad, vec![d_out]));
        }
        {
            let output_grad_values = host_values(&output_grad);
            let output_grad_matrix = HostMatrix::new(&output_grad_values, rows, d_out);
            if let Some(node) = node_x {
                let weight = host_values(&weight);
                let input_grad = matmul_new(output_grad_matrix, HostMatrix::new(&weight, d_in, d_out).t());
                grads.register::<Flex>(node.id, host_tensor(input_grad, vec![rows, d_in]));
            }
            if let Some(node) = node_weight.as_ref().filter(|_| weight_factors.is_none()) {
                let input = host_values(&input);
                let weight_grad = matmul_new(HostMatrix::new(&input, rows, d_in).t(), output_grad_matrix);
                grads.register::<Flex>(node.id, host_tensor(weight_grad, vec![d_in, d_out]));
            }
        }
        if let (Some(_), Some(sink)) = (node_weight, weight_factors) {
            sink.keep(input, output_grad, rows, d_in, d_out);
        }
    }
}
