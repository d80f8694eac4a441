//! The host convolutions as a burn backend extension: forward on Flex, and on Autodiff<Flex> a
//! hand-written backward pass (burn's default one runs the weight gradient as a convolution with
//! the output gradient as a dilated kernel, one small gemm per image). A ReLU after the
//! convolution can be fused in: applied in place as each chunk of the output is laid out, and
//! its mask applied in place to the output gradient.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::ops::{ConvOptions, ConvTransposeOptions};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Backend, Flex, backend_extension};

use super::passes::{
    Conv2dSaved, ConvTranspose2dSaved, Needed, conv_transpose2d_backward, conv_transpose2d_forward, conv2d_backward,
    conv2d_forward,
};

/// Convolutions on the host: im2col or col2im around matrix products, a few images at a time.
#[backend_extension(Flex, Autodiff)]
pub trait HostConvBackend: Backend {
    /// conv2d with groups 1, dilation 1 and symmetric padding, then a ReLU when `with_relu`.
    /// x: [batch, channels_in, h, w], weight: [channels_out, channels_in, kh, kw],
    /// bias: [channels_out] → [batch, channels_out, h', w']
    fn host_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self>;

    /// conv_transpose2d with groups 1, dilation 1 and output padding below the stride, then a
    /// ReLU when `with_relu`. x: [batch, channels_in, h, w], weight: [channels_in, channels_out,
    /// kh, kw], bias: [channels_out] → [batch, channels_out, H, W]
    fn host_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self>;
}

impl HostConvBackend for Flex {
    fn host_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self> {
        conv2d_forward(&x, &weight, &bias, &options, with_relu).0
    }

    fn host_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self> {
        conv_transpose2d_forward(&x, &weight, &bias, &options, with_relu).0
    }
}

/// The backward step of [`HostConvBackend::host_conv2d`].
#[derive(Debug)]
struct HostConv2dBackward;

impl Backward<Flex, 3> for HostConv2dBackward {
    type State = Conv2dSaved;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let output_grad = grads.consume::<Flex>(&ops.node);
        let needed = Needed { input: node_x.is_some(), weight: node_weight.is_some() };
        let (input_grad, weight_grad, bias_grad) = conv2d_backward(&ops.state, output_grad, needed);
        let computed = [input_grad, Some(weight_grad), Some(bias_grad)];
        for (parent, grad) in [node_x, node_weight, node_bias].into_iter().zip(computed) {
            if let (Some(node), Some(grad)) = (parent, grad) {
                grads.register::<Flex>(node.id, grad);
            }
        }
    }
}

/// The backward step of [`HostConvBackend::host_conv_transpose2d`].
#[derive(Debug)]
struct HostConvTranspose2dBackward;

impl Backward<Flex, 3> for HostConvTranspose2dBackward {
    type State = ConvTranspose2dSaved;

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let output_grad = grads.consume::<Flex>(&ops.node);
        let needed = Needed { input: node_x.is_some(), weight: node_weight.is_some() };
        let (input_grad, weight_grad, bias_grad) = conv_transpose2d_backward(&ops.state, output_grad, needed);
        let computed = [input_grad, Some(weight_grad), Some(bias_grad)];
        for (parent, grad) in [node_x, node_weight, node_bias].into_iter().zip(computed) {
            if let (Some(node), Some(grad)) = (parent, grad) {
                grads.register::<Flex>(node.id, grad);
            }
        }
    }
}

impl<C: CheckpointStrategy> HostConvBackend for Autodiff<Flex, C> {
    fn host_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self> {
        match HostConv2dBackward.prepare::<C>([x.node(), weight.node(), bias.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let (output, saved) =
                    conv2d_forward(x.primitive(), weight.primitive(), bias.primitive(), &options, with_relu);
                prep.finish(saved, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(Flex::host_conv2d(
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
                options,
                with_relu,
            )),
        }
    }

    fn host_conv_transpose2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvTransposeOptions<2>,
        with_relu: bool,
    ) -> FloatTensor<Self> {
        match HostConvTranspose2dBackward
            .prepare::<C>([x.node(), weight.node(), bias.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let (output, saved) =
                    conv_transpose2d_forward(x.primitive(), weight.primitive(), bias.primitive(), &options, with_relu);
                prep.finish(saved, output)
            }
            OpsKind::UnTracked(prep) => prep.finish(Flex::host_conv_transpose2d(
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
                options,
                with_relu,
            )),
        }
    }
}
