//! Dense layers' weight gradients left as their two factors, for the optimizer to multiply out.
//!
//! A dense layer's weight gradient is dW = xᵀ·dZ, its input times its output's gradient. Written
//! out in full by each training shard and then read back and summed by the optimizer, the MLP's
//! four large dW were over a third of a training step's memory traffic on burn's CPU device. When
//! the training loop asks for it (a [`WeightGradientFactors::keeping`] set on a shard's copy of the
//! model with `Vae::with_weight_factors`, which the encoder and decoder hold beside their layers,
//! outside the record), a dense layer's backward pass keeps x and dZ here instead, without copying
//! either; the host Adam then computes dW a block of rows at a time, adding up the shards, and
//! updates those rows while the block is in cache.
//!
//! Each shard keeps its own factors, so the optimizer adds the shards up in a fixed order.

use std::sync::{Arc, Mutex, PoisonError};

use burn::backend::flex::FlexTensor;
use burn::module::ParamId;

use super::host_matmul::{HostMatrix, matmul_into};
use super::host_tensor::{host_tensor, host_values};

/// Where one shard's dense layers leave their weight gradients' factors; clones share the place.
/// [`Self::none`] (the default) keeps nothing: the backward pass computes dW itself, as for
/// inference, for tests against burn's gradients, and for burn's own optimizer.
#[derive(Clone, Debug, Default)]
pub struct WeightGradientFactors {
    kept: Option<Arc<Mutex<Vec<DenseFactors>>>>,
}

impl WeightGradientFactors {
    /// A place that keeps the factors of every dense weight that a backward pass reaches.
    pub fn keeping() -> Self {
        Self { kept: Some(Arc::default()) }
    }

    /// No place: the backward pass computes each dW itself.
    pub fn none() -> Self {
        Self::default()
    }

    /// Where the backward pass of the weight `param` leaves its factors, if they are kept.
    pub(crate) fn sink_for(&self, param: ParamId) -> Option<FactorSink> {
        self.kept.as_ref().map(|kept| FactorSink { param, kept: Arc::clone(kept) })
    }

    /// The factors kept so far, in the order the backward pass reached their layers.
    pub fn take(&self) -> Vec<DenseFactors> {
        self.kept
            .as_ref()
            .map(|kept| std::mem::take(&mut *kept.lock().unwrap_or_else(PoisonError::into_inner)))
            .unwrap_or_default()
    }
}

/// Where one dense layer's backward pass leaves its weight gradient's factors.
#[derive(Clone, Debug)]
pub struct FactorSink {
    param: ParamId,
    kept: Arc<Mutex<Vec<DenseFactors>>>,
}

impl FactorSink {
    /// Keeps x [rows, d_in] and dZ [rows, d_out], whose product xᵀ·dZ is the gradient of the weight
    /// [d_in, d_out].
    pub(crate) fn keep(self, input: FlexTensor, output_grad: FlexTensor, rows: usize, d_in: usize, d_out: usize) {
        let (input, output_grad) = (contiguous(input, rows, d_in), contiguous(output_grad, rows, d_out));
        let factors = DenseFactors { param: self.param, input, output_grad, rows, d_in, d_out };
        self.kept.lock().unwrap_or_else(PoisonError::into_inner).push(factors);
    }
}

/// `tensor` [rows, columns] with its f32 values contiguous (copied once here when it is a view, so
/// that every block the optimizer computes can borrow them).
fn contiguous(tensor: FlexTensor, rows: usize, columns: usize) -> FlexTensor {
    if tensor.as_slice::<f32>().is_some() {
        tensor
    } else {
        host_tensor(host_values(&tensor).into_owned(), vec![rows, columns])
    }
}

/// One shard's factors of one dense weight's gradient: dW = xᵀ·dZ.
#[derive(Clone, Debug)]
pub struct DenseFactors {
    param: ParamId,
    /// x: [rows, d_in].
    input: FlexTensor,
    /// dZ: [rows, d_out].
    output_grad: FlexTensor,
    rows: usize,
    d_in: usize,
    d_out: usize,
}

impl DenseFactors {
    /// The weight whose gradient these are.
    pub fn param(&self) -> ParamId {
        self.param
    }

    /// Values per row of the weight (its output width): dW is [d_in, this].
    pub fn weight_row_len(&self) -> usize {
        self.d_out
    }

    /// Values of the weight: d_in · d_out.
    pub fn weight_len(&self) -> usize {
        self.d_in * self.d_out
    }

    /// Rows `first_row..` of dW = xᵀ·dZ written into `block` (whole rows: `block.len()` is a
    /// multiple of [`Self::weight_row_len`] that ends within dW), or added onto it with
    /// `accumulate`.
    ///
    /// Panics when the block does not fit: its bounds come from the optimizer, not from data.
    pub fn weight_gradient_rows(&self, first_row: usize, block: &mut [f32], accumulate: bool) {
        let block_rows = block.len() / self.d_out;
        assert!(
            block_rows * self.d_out == block.len() && first_row + block_rows <= self.d_in,
            "rows {first_row}.. of {} values do not fit a [{}, {}] weight",
            block.len(),
            self.d_in,
            self.d_out
        );
        let (input, output_grad) = (host_values(&self.input), host_values(&self.output_grad));
        let input_columns = HostMatrix::new(&input, self.rows, self.d_in).columns(first_row, block_rows);
        matmul_into(block, input_columns.t(), HostMatrix::new(&output_grad, self.rows, self.d_out), accumulate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::host_matmul::matmul_new;
    use crate::model::ops::test_values::largest_gap;

    fn factors(rows: usize, d_in: usize, d_out: usize) -> (DenseFactors, Vec<f32>, Vec<f32>) {
        let x: Vec<f32> = (0..rows * d_in).map(|index| ((index * 37) % 23) as f32 / 7.0 - 1.5).collect();
        let dz: Vec<f32> = (0..rows * d_out).map(|index| ((index * 11) % 19) as f32 / 5.0 - 2.0).collect();
        let kept = WeightGradientFactors::keeping();
        let sink = kept.sink_for(ParamId::new()).expect("a keeping place gives a sink");
        sink.keep(
            host_tensor(x.clone(), vec![rows, d_in]),
            host_tensor(dz.clone(), vec![rows, d_out]),
            rows,
            d_in,
            d_out,
        );
        let mut taken = kept.take();
        assert_eq!(taken.len(), 1);
        assert!(kept.take().is_empty(), "taking empties the place");
        (taken.remove(0), x, dz)
    }

    #[test]
    fn blocks_of_rows_put_together_give_the_whole_weight_gradient() {
        let (rows, d_in, d_out) = (9, 13, 5);
        let (kept, x, dz) = factors(rows, d_in, d_out);
        let whole = matmul_new(HostMatrix::new(&x, rows, d_in).t(), HostMatrix::new(&dz, rows, d_out));
        let mut pieced = Vec::new();
        for (first_row, block_rows) in [(0, 4), (4, 1), (5, 8)] {
            let mut block = vec![f32::NAN; block_rows * d_out];
            kept.weight_gradient_rows(first_row, &mut block, false);
            pieced.extend(block);
        }
        assert!(largest_gap(&pieced, &whole) < 1e-5, "{pieced:?} != {whole:?}");
        // Accumulating adds the block onto what is there.
        let mut block = vec![1.0; 2 * d_out];
        kept.weight_gradient_rows(3, &mut block, true);
        let want: Vec<f32> = whole[3 * d_out..5 * d_out].iter().map(|value| value + 1.0).collect();
        assert!(largest_gap(&block, &want) < 1e-5, "{block:?} != {want:?}");
    }

    #[test]
    fn nothing_is_kept_without_a_place() {
        assert!(WeightGradientFactors::none().sink_for(ParamId::new()).is_none());
        assert!(WeightGradientFactors::none().take().is_empty());
    }
}
