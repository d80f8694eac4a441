//! The ReLU of the fused host ops (dense layers, convolutions) on plain slices, as burn's `relu`
//! computes it: what is not above 0 becomes 0 and NaN stays NaN (so a diverging run still shows),
//! and backward the gradient passes only where the output is above 0 (or NaN).

/// max(value, 0), NaN kept. A select rather than a branch, so loops over it vectorise.
#[inline(always)]
pub fn relu(value: f32) -> f32 {
    if value <= 0.0 { 0.0 } else { value }
}

/// The gradient `grad` of a ReLU's output carried back through it, given that output.
#[inline(always)]
pub fn relu_grad(grad: f32, output: f32) -> f32 {
    if output <= 0.0 { 0.0 } else { grad }
}

/// [`relu`] of every value, in place.
pub fn relu_in_place(values: &mut [f32]) {
    values.iter_mut().for_each(|value| *value = relu(*value));
}

/// [`relu_grad`] of every gradient, in place: `outputs` are the ReLU's outputs, one per gradient.
pub fn relu_grad_in_place(grads: &mut [f32], outputs: &[f32]) {
    assert_eq!(grads.len(), outputs.len(), "one ReLU output per gradient");
    grads.iter_mut().zip(outputs).for_each(|(grad, &output)| *grad = relu_grad(*grad, output));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_and_its_gradient_by_hand() {
        let mut values = [1.5, -2.0, 0.0, -0.0, f32::NAN];
        relu_in_place(&mut values);
        assert_eq!(values[..4], [1.5, 0.0, 0.0, 0.0]);
        assert!(values[4].is_nan(), "NaN must survive the ReLU");
        let mut grads = [10.0, 20.0, 30.0, 40.0, 50.0];
        relu_grad_in_place(&mut grads, &values);
        assert_eq!(grads[..4], [10.0, 0.0, 0.0, 0.0]);
        assert_eq!(grads[4], 50.0, "a NaN output passes its gradient, as burn's relu does");
    }
}
