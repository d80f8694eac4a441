//! Matrix products on host slices, written straight into buffers we own (faer's safe matmul).
//!
//! burn's CPU device (Flex) runs the same gemm kernels but hands every product back in a fresh
//! zero-filled buffer that it then copies once more to align it: about 12 % of an MLP training
//! step went to that fill and copy. Here the product lands in our own `Vec`, which becomes a Flex
//! tensor without a copy, and a product can add onto what the buffer holds (the bias, say).

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

/// Products of at least this many multiply-adds are worth splitting across the cores (Flex's
/// threshold).
const PARALLEL_MULTIPLY_ADDS: usize = 192 * 192 * 192;

/// True when a product of [rows, inner]·[inner, columns] should rather run on Flex's gemm, split
/// across the cores: it is large and the caller is not one of rayon's workers. A caller on a worker
/// is a training shard with the other cores busy on the other shards, where splitting only adds
/// waits; elsewhere (a decoded sweep, say) faer's own split was slower than gemm's on 2 cores
/// (1024×512×784: 17.5 against 9.8 ms, AMD EPYC Zen 3).
pub fn better_split_across_cores(rows: usize, inner: usize, columns: usize) -> bool {
    rows.saturating_mul(inner).saturating_mul(columns) >= PARALLEL_MULTIPLY_ADDS
        && rayon::current_thread_index().is_none()
}

/// A row-major matrix [rows, columns] on host memory, or its transpose.
#[derive(Clone, Copy, Debug)]
pub struct HostMatrix<'a> {
    values: &'a [f32],
    rows: usize,
    columns: usize,
    /// The stored columns read: `first_column..first_column + read_columns`.
    first_column: usize,
    read_columns: usize,
    transposed: bool,
}

impl<'a> HostMatrix<'a> {
    /// `values` laid out row-major as [rows, columns].
    ///
    /// Panics when the lengths disagree: shapes come from the model's layers, not from data.
    pub fn new(values: &'a [f32], rows: usize, columns: usize) -> Self {
        assert_eq!(
            rows.checked_mul(columns),
            Some(values.len()),
            "[{rows}, {columns}] matrix of {} values",
            values.len()
        );
        Self { values, rows, columns, first_column: 0, read_columns: columns, transposed: false }
    }

    /// Only the stored columns `first..first + count`, without moving any values.
    ///
    /// Panics when they are not within the stored ones: ranges come from the caller's shapes.
    pub fn columns(self, first: usize, count: usize) -> Self {
        assert!(
            first.checked_add(count).is_some_and(|end| end <= self.read_columns),
            "columns {first}..+{count} of a matrix of {}",
            self.read_columns
        );
        Self { first_column: self.first_column + first, read_columns: count, ..self }
    }

    /// The transpose, without moving any values.
    pub fn t(self) -> Self {
        Self { transposed: !self.transposed, ..self }
    }

    /// [rows, columns] as this matrix is read (after any transpose).
    pub fn shape(&self) -> [usize; 2] {
        if self.transposed { [self.read_columns, self.rows] } else { [self.rows, self.read_columns] }
    }

    fn view(&self) -> MatRef<'a, f32> {
        let stored = MatRef::from_row_major_slice(self.values, self.rows, self.columns)
            .subcols(self.first_column, self.read_columns);
        if self.transposed { stored.transpose() } else { stored }
    }
}

/// `output` (row-major [lhs rows, rhs columns]) = lhs·rhs, or += lhs·rhs with `accumulate`, on the
/// calling thread.
///
/// The shapes are the caller's invariant (they come from the model's layers, not from data):
/// mismatched ones panic.
pub fn matmul_into(output: &mut [f32], lhs: HostMatrix<'_>, rhs: HostMatrix<'_>, accumulate: bool) {
    let ([rows, inner], [inner_rhs, columns]) = (lhs.shape(), rhs.shape());
    assert_eq!(inner, inner_rhs, "matrix product of [{rows}, {inner}] and [{inner_rhs}, {columns}]");
    let destination = MatMut::from_row_major_slice_mut(output, rows, columns);
    let accum = if accumulate { Accum::Add } else { Accum::Replace };
    matmul(destination, accum, lhs.view(), rhs.view(), 1.0, Par::Seq);
}

/// lhs·rhs in a new row-major buffer [lhs rows, rhs columns].
pub fn matmul_new(lhs: HostMatrix<'_>, rhs: HostMatrix<'_>) -> Vec<f32> {
    let mut output = vec![0.0; lhs.shape()[0] * rhs.shape()[1]];
    matmul_into(&mut output, lhs, rhs, false);
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The product by the definition, in f64.
    fn naive(lhs: HostMatrix<'_>, rhs: HostMatrix<'_>) -> Vec<f32> {
        let ([rows, inner], [_, columns]) = (lhs.shape(), rhs.shape());
        let (a, b) = (lhs.view(), rhs.view());
        let mut output = Vec::new();
        for row in 0..rows {
            for column in 0..columns {
                let sum: f64 = (0..inner).map(|k| f64::from(a[(row, k)]) * f64::from(b[(k, column)])).sum();
                output.push(sum as f32);
            }
        }
        output
    }

    #[test]
    fn products_and_transposes_match_the_definition() {
        let values = |count: usize, seed: usize| -> Vec<f32> {
            (0..count).map(|index| ((index * 37 + seed * 11) % 23) as f32 / 7.0 - 1.5).collect()
        };
        for (rows, inner, columns) in [(1, 1, 1), (3, 5, 2), (64, 100, 33), (7, 1, 9), (200, 190, 210)] {
            let (a, b) = (values(rows * inner, 1), values(inner * columns, 2));
            let (a_t, b_t) = (values(inner * rows, 3), values(columns * inner, 4));
            let cases = [
                (HostMatrix::new(&a, rows, inner), HostMatrix::new(&b, inner, columns)),
                (HostMatrix::new(&a_t, inner, rows).t(), HostMatrix::new(&b, inner, columns)),
                (HostMatrix::new(&a, rows, inner), HostMatrix::new(&b_t, columns, inner).t()),
            ];
            for (lhs, rhs) in cases {
                let want = naive(lhs, rhs);
                let got = matmul_new(lhs, rhs);
                let gap = crate::model::ops::test_values::largest_gap(&got, &want);
                assert!(gap < 1e-5, "{rows}×{inner}×{columns}: off by {gap}");
                // Accumulating adds the product onto what is there.
                let mut twice = got.clone();
                matmul_into(&mut twice, lhs, rhs, true);
                assert!(twice.iter().zip(&got).all(|(t, g)| (t - 2.0 * g).abs() <= 1e-4 * (1.0 + g.abs())));
            }
        }
    }
}
