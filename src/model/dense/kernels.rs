//! The fused dense layer's element-wise work on host slices: the bias and ReLU around the forward
//! product, and their gradients before the backward products. No tensors here.

/// `rows` copies of `bias` ([columns]): [rows, columns], the start the forward product adds onto.
pub fn bias_rows(bias: &[f32], rows: usize) -> Vec<f32> {
    let mut values = Vec::with_capacity(rows * bias.len());
    for _ in 0..rows {
        values.extend_from_slice(bias);
    }
    values
}

/// Sets every value that is not above 0 to 0 (NaN stays NaN, as in burn's `relu`, so a diverging
/// run still shows).
pub fn relu_in_place(values: &mut [f32]) {
    // A select rather than a branch, so the loop vectorises.
    values.iter_mut().for_each(|value| *value = if *value <= 0.0 { 0.0 } else { *value });
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
                    // A select rather than a branch, so the loop vectorises.
                    *grad = if output <= 0.0 { 0.0 } else { *grad };
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
        assert_eq!(bias_rows(&[0.5, 1.0, -0.5], 2), [0.5, 1.0, -0.5, 0.5, 1.0, -0.5]);
        assert!(bias_rows(&[], 3).is_empty());
        let mut values = vec![1.5, -1.0, 0.0, f32::NAN, 2.5];
        relu_in_place(&mut values);
        assert_eq!(values[..3], [1.5, 0.0, 0.0]);
        assert!(values[3].is_nan(), "NaN must survive the ReLU");
        assert_eq!(values[4], 2.5);
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
