//! Helpers the kernels' unit tests share: a tensor's values, and how far two lists of floats lie
//! apart.

use burn::prelude::*;

/// The tensor's values as f32.
pub fn values<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 data")
}

/// Largest |a − b| / (1 + |b|) over two equally long lists.
pub fn largest_gap(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    got.iter().zip(want).map(|(&a, &b)| relative_gap(a, b)).fold(0.0, f32::max)
}

/// |a − b| / (1 + |b|); infinite when only one of them is NaN (`f32::max` would skip a NaN gap).
fn relative_gap(a: f32, b: f32) -> f32 {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => 0.0,
        (false, false) => (a - b).abs() / (1.0 + b.abs()),
        _ => f32::INFINITY,
    }
}
