//! The fused dense layer's element-wise work on host slices: the bias and ReLU around the forward
//! product, and their gradients before the backward products. No tensors here.

use crate::model::ops::relu::{relu, relu_grad};

/// Adds `bias` ([columns]) to every row of `values` ([rows, columns]) and, with `with_relu`, sets
/// what is not above 0 to 0 (NaN stays NaN, as in burn's `relu`, so a diverging run still shows).
pub fn add_bias_relu(values: &mut [f32], bias: &[f32], with_relu: bool) {
    if bias.is_empty() {
        return;
    }
    for row in values.chunks_exact_mut(bias.len()) {
        if with_relu {
            row.iter_mut().zip(bias).for_each(|(value, &shift)| *value = relu(*value + shift));
        } else {
            row.iter_mut().zip(bias).for_each(|(value, &shift)| *value += shift);
        }
    }
}

/// The output gradient `grads` ([rows, columns]) carried back through the ReLU in place (0 where
/// the layer's output in `relu_outputs` is not above 0, as burn's `relu` backward), and the bias
/// gradient: the column sums of the result ([columns]).
pub fn relu_and_bias_gradients(grads: &mut [f32], relu_outputs: Option<&[f32]>, columns: usize) -> Vec<f32> {
    let mut bias_grad = vec![0.0f32; columns];
    if columns == 0 {
        return bias_grad;
    }
    match relu_outputs {
        Some(outputs) => {
            for (row, output_row) in grads.chunks_exact_mut(columns).zip(outputs.chunks_exact(columns)) {
                for ((grad, &output), sum) in row.iter_mut().zip(output_row).zip(bias_grad.iter_mut()) {
                    *grad = relu_grad(*grad, output);
                    *sum += *grad;
                }
            }
        }
        None => {
            for row in grads.chunks_exact(columns) {
                bias_grad.iter_mut().zip(row).for_each(|(sum, &grad)| *sum += grad);
            }
        }
    }
    bias_grad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bias_and_relu_by_hand() {
        let mut values = vec![1.0, -2.0, 0.5, -0.5, f32::NAN, 3.0];
        add_bias_relu(&mut values, &[0.5, 1.0, -0.5], true);
        assert_eq!(values[..4], [1.5, 0.0, 0.0, 0.0]);
        assert!(values[4].is_nan(), "NaN must survive the ReLU");
        assert_eq!(values[5], 2.5);
        let mut plain = vec![1.0, -2.0];
        add_bias_relu(&mut plain, &[0.5, 1.0], false);
        assert_eq!(plain, [1.5, -1.0]);
    }

    #[test]
    fn gradients_by_hand() {
        let outputs = [1.0, 0.0, 2.0, 3.0];
        let mut grads = vec![10.0, 20.0, 30.0, 40.0];
        let bias = relu_and_bias_gradients(&mut grads, Some(&outputs), 2);
        assert_eq!(grads, [10.0, 0.0, 30.0, 40.0]);
        assert_eq!(bias, [40.0, 40.0]);
        let mut plain = vec![1.0, 2.0, 3.0, 4.0];
        assert_eq!(relu_and_bias_gradients(&mut plain, None, 2), [4.0, 6.0]);
        assert_eq!(plain, [1.0, 2.0, 3.0, 4.0]);
    }
}
