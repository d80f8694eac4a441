//! The fused losses as a burn backend extension: Flex computes them in one pass, and
//! `Autodiff<Flex>` registers hand-written gradients for them.
//!
//! Only Flex is listed: the tensor-level functions (`tensor_api.rs`) route every other device to
//! burn's composed ops before calling in here.

use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, NodeGuard, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Flex, backend_extension};
use burn::tensor::TensorData;

use super::kernels;
use crate::model::ops::host_tensor::{host_values, rows_and_values};

/// The VAE's per-image loss terms, each computed in one pass over its inputs.
#[backend_extension(Flex, Autodiff)]
pub trait FusedLossBackend: Backend {
    /// Bernoulli negative log-likelihood summed per row, in nats.
    ///
    /// logits, targets: [rows, values] → [rows]. Only `logits` receives a gradient (σ(z) − x per
    /// value, times the row's upstream gradient); `targets` are data.
    fn bce_with_logits_rows(logits: FloatTensor<Self>, targets: FloatTensor<Self>) -> FloatTensor<Self>;

    /// Gaussian (standard deviation `scale`) or, with `laplace`, Laplace (scale `scale`) negative
    /// log-likelihood of the targets around σ(logits), summed per row, in nats.
    ///
    /// logits, targets: [rows, values] → [rows]. Only `logits` receives a gradient; `targets` are
    /// data and `scale` a number.
    fn scaled_error_rows(
        logits: FloatTensor<Self>,
        targets: FloatTensor<Self>,
        scale: f64,
        laplace: bool,
    ) -> FloatTensor<Self>;

    /// KL(N(μ, e^v) ‖ N(0, I)) per row, in nats.
    ///
    /// means, log_vars: [rows, latent] → [rows].
    fn gaussian_kl_rows(means: FloatTensor<Self>, log_vars: FloatTensor<Self>) -> FloatTensor<Self>;
}

impl FusedLossBackend for Flex {
    fn bce_with_logits_rows(logits: FlexTensor, targets: FlexTensor) -> FlexTensor {
        loss_forward(kernels::Bernoulli, &logits, &targets, false).0
    }

    fn scaled_error_rows(logits: FlexTensor, targets: FlexTensor, scale: f64, laplace: bool) -> FlexTensor {
        scaled_error_forward(&logits, &targets, scale, laplace, false).0
    }

    fn gaussian_kl_rows(means: FlexTensor, log_vars: FlexTensor) -> FlexTensor {
        kl_forward(&means, &log_vars)
    }
}

impl<C: CheckpointStrategy> FusedLossBackend for Autodiff<Flex, C> {
    fn bce_with_logits_rows(logits: FloatTensor<Self>, targets: FloatTensor<Self>) -> FloatTensor<Self> {
        tracked_rows::<C>(logits.node(), |keep_gradient| {
            loss_forward(kernels::Bernoulli, logits.primitive(), targets.primitive(), keep_gradient)
        })
    }

    fn scaled_error_rows(
        logits: FloatTensor<Self>,
        targets: FloatTensor<Self>,
        scale: f64,
        laplace: bool,
    ) -> FloatTensor<Self> {
        tracked_rows::<C>(logits.node(), |keep_gradient| {
            scaled_error_forward(logits.primitive(), targets.primitive(), scale, laplace, keep_gradient)
        })
    }

    fn gaussian_kl_rows(means: FloatTensor<Self>, log_vars: FloatTensor<Self>) -> FloatTensor<Self> {
        match KlBackward.prepare::<C>([means.node(), log_vars.node()]).compute_bound().stateful() {
            OpsKind::Tracked(prep) => {
                let output = kl_forward(means.primitive(), log_vars.primitive());
                prep.finish((means.primitive().clone(), log_vars.primitive().clone()), output)
            }
            OpsKind::UnTracked(prep) => prep.finish(kl_forward(means.primitive(), log_vars.primitive())),
        }
    }
}

/// A per-row loss of the logits under autodiff: `forward(keep_gradient)` gives the rows' losses
/// and, when asked, each logit's gradient, which backward scales by its row's upstream gradient.
fn tracked_rows<C: CheckpointStrategy>(
    logits: NodeGuard,
    forward: impl Fn(bool) -> (FlexTensor, Option<FlexTensor>),
) -> FloatTensor<Autodiff<Flex, C>> {
    match RowLossBackward.prepare::<C>([logits]).compute_bound().stateful() {
        OpsKind::Tracked(prep) => {
            let (losses, gradients) = forward(true);
            let gradients = gradients.unwrap_or_else(|| FlexTensor::from_data(TensorData::new(Vec::<f32>::new(), [0])));
            prep.finish(gradients, losses)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward(false).0),
    }
}

/// The backward pass of a per-row loss of the logits: its state is each logit's gradient
/// ([rows, values]; σ(z) − x for the BCE), scaled in place by its row's upstream gradient.
#[derive(Debug)]
struct RowLossBackward;

impl Backward<Flex, 1> for RowLossBackward {
    type State = FlexTensor;

    fn backward(self, ops: Ops<Self::State, 1>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [logits_node] = ops.parents;
        let row_grads = grads.consume::<Flex>(&ops.node);
        let Some(node) = logits_node else { return };
        let mut gradients = ops.state;
        let (_, values) = rows_and_values(&gradients);
        let row_grads = host_values(&row_grads);
        kernels::scale_rows(gradients.storage_mut::<f32>(), values, &row_grads);
        grads.register::<Flex>(node.id, gradients);
    }
}

/// The KL's backward pass: its state is the means and log-variances ([rows, latent] each).
#[derive(Debug)]
struct KlBackward;

impl Backward<Flex, 2> for KlBackward {
    type State = (FlexTensor, FlexTensor);

    fn backward(self, ops: Ops<Self::State, 2>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [mean_node, log_var_node] = ops.parents;
        let row_grads = grads.consume::<Flex>(&ops.node);
        let (means, log_vars) = ops.state;
        let (rows, latent) = rows_and_values(&means);
        let (mean_grads, log_var_grads) = kernels::gaussian_kl_gradients(
            &host_values(&means),
            &host_values(&log_vars),
            latent,
            &host_values(&row_grads),
        );
        if let Some(node) = mean_node {
            grads.register::<Flex>(node.id, FlexTensor::from_data(TensorData::new(mean_grads, [rows, latent])));
        }
        if let Some(node) = log_var_node {
            grads.register::<Flex>(node.id, FlexTensor::from_data(TensorData::new(log_var_grads, [rows, latent])));
        }
    }
}

/// Per-row loss under `likelihood` of `logits` against `targets` ([rows, values]): [rows], and with
/// `keep_gradient`, each logit's gradient as [rows, values].
fn loss_forward<L: kernels::ValueLoss>(
    likelihood: L,
    logits: &FlexTensor,
    targets: &FlexTensor,
    keep_gradient: bool,
) -> (FlexTensor, Option<FlexTensor>) {
    let (rows, values) = rows_and_values(logits);
    let (logit_values, target_values) = (host_values(logits), host_values(targets));
    let mut losses = vec![0.0; rows];
    let mut gradients = keep_gradient.then(|| vec![0.0; rows * values]);
    kernels::loss_rows(likelihood, &logit_values, &target_values, values, &mut losses, gradients.as_deref_mut());
    let losses = FlexTensor::from_data(TensorData::new(losses, [rows]));
    (losses, gradients.map(|gradients| FlexTensor::from_data(TensorData::new(gradients, [rows, values]))))
}

/// [`loss_forward`] under a Gaussian of standard deviation `scale` or, with `laplace`, a Laplace
/// of scale `scale`.
fn scaled_error_forward(
    logits: &FlexTensor,
    targets: &FlexTensor,
    scale: f64,
    laplace: bool,
    keep_gradient: bool,
) -> (FlexTensor, Option<FlexTensor>) {
    if laplace {
        loss_forward(kernels::Laplace::new(scale), logits, targets, keep_gradient)
    } else {
        loss_forward(kernels::Gaussian::new(scale), logits, targets, keep_gradient)
    }
}

/// Per-row KL of `means` and `log_vars` ([rows, latent]): [rows].
fn kl_forward(means: &FlexTensor, log_vars: &FlexTensor) -> FlexTensor {
    let (rows, latent) = rows_and_values(means);
    let kl = kernels::gaussian_kl_rows(&host_values(means), &host_values(log_vars), latent);
    FlexTensor::from_data(TensorData::new(kl, [rows]))
}
