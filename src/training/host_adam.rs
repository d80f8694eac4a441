//! Adam for models whose tensors live in host memory (burn's CPU device), fused into one pass.
//!
//! burn's `ModuleOptimizer` with `Adam` first adds the shards' gradients, then runs about a dozen
//! element-wise tensor operations per parameter, each a full pass over memory on one core: on the
//! CPU device that was a quarter of a training step. This does the same arithmetic as burn's Adam
//! (β₁ 0.9, β₂ 0.999, ε 1e-5, the same bias correction), summing the gradients as it goes, in one
//! pass split across the cores, on the model's own values in place, with the moments kept as host
//! vectors between steps.
//!
//! A dense weight whose gradient the shards left as factors ([`DenseFactors`]: dW = xᵀ·dZ) gets it
//! computed here a block of rows at a time, the shards added up in their order, and those rows
//! updated while the block is still in the core's cache: dW is never written out in full.
//!
//! On a GPU the round trip through host memory would cost more than it saves: use burn's Adam there.

use std::collections::HashMap;

use burn::module::{ModuleMapper, Param, ParamId};
use burn::optim::GradientsParams;
use burn::prelude::*;
use burn::tensor::DType;
use rayon::prelude::*;

use super::sharded_step::ShardGradients;
use crate::model::DenseFactors;

const BETA_1: f32 = 0.9;
const BETA_2: f32 = 0.999;
const EPSILON: f32 = 1e-5;

/// Elements per parallel task: small parameters (biases) stay on one thread.
const ELEMENTS_PER_TASK: usize = 1 << 15;

/// Elements per block within a task: the summed gradient of one block stays in L1 cache.
const BLOCK: usize = 1 << 11;

/// Most elements of a weight computed from factors at a time, on one thread (whole rows): the
/// block (at most 256 KB) stays in the core's L2 cache between its product and its update.
const FACTOR_BLOCK: usize = 1 << 16;

/// Adam's state: the step count and, for every parameter it has updated, its first and second
/// moments.
///
/// The values are read from the model's own tensors and updated where they lie when the model is
/// the only holder of them (else on a copy, which the model then holds).
#[derive(Default)]
pub struct HostAdam {
    time: i32,
    moments: HashMap<ParamId, Moments>,
}

/// One parameter's first and second moment, element by element.
struct Moments {
    first: Vec<f32>,
    second: Vec<f32>,
}

impl Moments {
    /// Zero moments for `len` values.
    fn zeros(len: usize) -> Self {
        Self { first: vec![0.0; len], second: vec![0.0; len] }
    }
}

impl HostAdam {
    /// One Adam step with learning rate `lr` on every parameter of `module` that has a gradient in
    /// `shards`, as a gradient or as factors; the shards' gradients of a parameter are summed.
    ///
    /// Pass the only copy of the model: a parameter whose tensor another clone shares is copied
    /// first (correct, but a pass over memory more).
    pub fn step<M: Module>(&mut self, lr: f64, module: M, shards: Vec<ShardGradients>) -> M {
        self.time = self.time.saturating_add(1);
        let step = StepSize::at(self.time, lr as f32);
        let mut gradients = Vec::with_capacity(shards.len());
        let mut factors: HashMap<ParamId, Vec<DenseFactors>> = HashMap::new();
        for shard in shards {
            gradients.push(shard.params);
            for kept in shard.dense_factors {
                factors.entry(kept.param()).or_default().push(kept);
            }
        }
        module.map(&mut AdamMapper { moments: &mut self.moments, gradients, factors, step })
    }
}

/// Step size and ε with burn's bias correction folded in.
#[derive(Clone, Copy)]
struct StepSize {
    lr: f32,
    epsilon: f32,
}

impl StepSize {
    fn at(time: i32, lr: f32) -> Self {
        let correction_2 = (1.0 - BETA_2.powi(time)).sqrt();
        Self { lr: lr * correction_2 / (1.0 - BETA_1.powi(time)), epsilon: EPSILON * correction_2 }
    }
}

struct AdamMapper<'a> {
    moments: &'a mut HashMap<ParamId, Moments>,
    gradients: Vec<GradientsParams>,
    /// Each parameter's gradient factors, in shard order.
    factors: HashMap<ParamId, Vec<DenseFactors>>,
    step: StepSize,
}

impl ModuleMapper for AdamMapper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let gradient_sets: Vec<TensorData> =
            self.gradients.iter_mut().filter_map(|set| set.remove::<D>(id)).map(f32_data).collect();
        let gradients: Vec<&[f32]> = gradient_sets.iter().filter_map(|data| data.as_slice::<f32>().ok()).collect();
        let factors = self.factors.remove(&id).unwrap_or_default();
        if gradients.is_empty() && factors.is_empty() {
            return Param::from_mapped_value(id, tensor, mapper);
        }
        let require_grad = tensor.is_require_grad();
        let inner = tensor.inner();
        let device = inner.device();
        let mut data = f32_data(inner);
        if let Ok(values) = data.as_mut_slice::<f32>() {
            let moments = self.moments.entry(id).or_insert_with(|| Moments::zeros(values.len()));
            if factors.is_empty() {
                update(values, moments, &gradients, self.step);
            } else {
                update_from_factors(values, moments, &factors, &gradients, self.step);
            }
        }
        let updated = Tensor::from_inner(Tensor::<D>::from_data(data, &device));
        Param::from_mapped_value(id, if require_grad { updated.require_grad() } else { updated }, mapper)
    }
}

/// One Adam step of `values` and their `moments` along the sum of `gradients`, in place, split
/// across the cores.
fn update(values: &mut [f32], moments: &mut Moments, gradients: &[&[f32]], step: StepSize) {
    let Moments { first, second } = moments;
    if values.len() <= ELEMENTS_PER_TASK {
        // One task: on this thread, without waking the pool (a bias, say).
        pulp::Arch::new().dispatch(UpdateTask { values, first, second, gradients, start: 0, step });
        return;
    }
    values
        .par_chunks_mut(ELEMENTS_PER_TASK)
        .zip(first.par_chunks_mut(ELEMENTS_PER_TASK))
        .zip(second.par_chunks_mut(ELEMENTS_PER_TASK))
        .enumerate()
        .for_each(|(task, ((values, first), second))| {
            let start = task * ELEMENTS_PER_TASK;
            pulp::Arch::new().dispatch(UpdateTask { values, first, second, gradients, start, step });
        });
}

/// One task of [`update`]: the values from element `start` on, for `pulp` to compile its loop
/// once per instruction set (the square root and division vectorise 8 wide with AVX2).
struct UpdateTask<'a> {
    values: &'a mut [f32],
    first: &'a mut [f32],
    second: &'a mut [f32],
    gradients: &'a [&'a [f32]],
    start: usize,
    step: StepSize,
}

impl pulp::WithSimd for UpdateTask<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let UpdateTask { values, first, second, gradients, start, step } = self;
        let mut gradient = [0.0; BLOCK];
        let blocks = values.chunks_mut(BLOCK).zip(first.chunks_mut(BLOCK)).zip(second.chunks_mut(BLOCK));
        for (block, ((values, first), second)) in blocks.enumerate() {
            let gradient = &mut gradient[..values.len()];
            sum_into(gradient, gradients, start + block * BLOCK);
            adam_update(values, first, second, gradient, step);
        }
    }
}

/// One Adam step of a weight whose gradient is the sum of `factors` (one per shard, in order) and
/// of `gradients`: a block of whole rows at a time, each block's gradient computed on one thread
/// and used there at once, split across the cores.
fn update_from_factors(
    values: &mut [f32],
    moments: &mut Moments,
    factors: &[DenseFactors],
    gradients: &[&[f32]],
    step: StepSize,
) {
    let row_len = factors.first().map_or(1, DenseFactors::weight_row_len).max(1);
    assert!(
        factors.iter().all(|kept| kept.weight_len() == values.len() && kept.weight_row_len() == row_len),
        "gradient factors of another shape than their weight's {} values",
        values.len()
    );
    let rows = values.len() / row_len;
    let Moments { first, second } = moments;
    // The gradient of rows `first_row..` into `gradient`, then the update of those rows.
    let update_block =
        |gradient: &mut Vec<f32>, first_row: usize, values: &mut [f32], first: &mut [f32], second: &mut [f32]| {
            gradient.resize(values.len(), 0.0);
            for (shard, kept) in factors.iter().enumerate() {
                kept.weight_gradient_rows(first_row, gradient, shard > 0);
            }
            add_into(gradient, gradients, first_row * row_len);
            pulp::Arch::new().dispatch(UpdateAlong { values, first, second, gradient, step });
        };
    if values.len() <= ELEMENTS_PER_TASK {
        // One block: on this thread, without waking the pool (a latent head, say).
        update_block(&mut Vec::new(), 0, values, first, second);
        return;
    }
    // Blocks of equal size, as many on each core.
    let blocks = values.len().div_ceil(FACTOR_BLOCK).next_multiple_of(rayon::current_num_threads().max(1));
    let rows_per_block = rows.div_ceil(blocks).max(1);
    let block_len = rows_per_block * row_len;
    values
        .par_chunks_mut(block_len)
        .zip(first.par_chunks_mut(block_len))
        .zip(second.par_chunks_mut(block_len))
        .enumerate()
        .for_each_init(Vec::new, |gradient, (block, ((values, first), second))| {
            update_block(gradient, block * rows_per_block, values, first, second);
        });
}

/// [`adam_update`] along a gradient at hand, for `pulp` to compile once per instruction set.
struct UpdateAlong<'a> {
    values: &'a mut [f32],
    first: &'a mut [f32],
    second: &'a mut [f32],
    gradient: &'a [f32],
    step: StepSize,
}

impl pulp::WithSimd for UpdateAlong<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let UpdateAlong { values, first, second, gradient, step } = self;
        adam_update(values, first, second, gradient, step);
    }
}

/// Adam's update of `values` and their moments along `gradient`, element by element.
#[inline(always)]
fn adam_update(values: &mut [f32], first: &mut [f32], second: &mut [f32], gradient: &[f32], step: StepSize) {
    for (((value, &g), m), v) in values.iter_mut().zip(gradient).zip(first).zip(second) {
        *m = BETA_1 * *m + (1.0 - BETA_1) * g;
        *v = BETA_2 * *v + (1.0 - BETA_2) * g * g;
        *value -= step.lr * *m / (v.sqrt() + step.epsilon);
    }
}

/// Writes the sum of `gradients` from element `start` on into `sum`.
#[inline(always)]
fn sum_into(sum: &mut [f32], gradients: &[&[f32]], start: usize) {
    sum.fill(0.0);
    add_into(sum, gradients, start);
}

/// Adds `gradients` from element `start` on onto `sum`.
#[inline(always)]
fn add_into(sum: &mut [f32], gradients: &[&[f32]], start: usize) {
    for gradient in gradients {
        if let Some(part) = gradient.get(start..start + sum.len()) {
            sum.iter_mut().zip(part).for_each(|(sum, g)| *sum += g);
        }
    }
}

/// The tensor's elements as f32 host data, without a copy when they are f32 on the host already.
fn f32_data<const D: usize>(tensor: Tensor<D>) -> TensorData {
    let data = tensor.into_data();
    if data.dtype() == DType::F32 { data } else { data.convert::<f32>() }
}

#[cfg(test)]
mod tests;
