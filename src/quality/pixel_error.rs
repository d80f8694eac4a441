//! Pixel errors between originals and reconstructions, pixels in [0, 1].

/// Mean squared error over every value of two equal-length slices; `None` when they differ in
/// length or are empty.
pub fn mean_squared_error(originals: &[f32], reconstructions: &[f32]) -> Option<f64> {
    if originals.len() != reconstructions.len() || originals.is_empty() {
        return None;
    }
    let total: f64 = originals
        .iter()
        .zip(reconstructions)
        .map(|(&x, &y)| {
            let difference = f64::from(x) - f64::from(y);
            difference * difference
        })
        .sum();
    Some(total / originals.len() as f64)
}

/// Peak signal-to-noise ratio for pixels in [0, 1]: 10 · log10(1 / MSE), in decibels
/// (infinite for a perfect reconstruction).
pub fn psnr_db(mean_squared_error: f64) -> f64 {
    10.0 * (1.0 / mean_squared_error).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mse_and_psnr_by_hand() {
        let mse = mean_squared_error(&[0.0, 1.0, 0.5, 0.5], &[0.1, 0.9, 0.5, 0.3]).expect("same length");
        assert!((mse - (0.01 + 0.01 + 0.0 + 0.04) / 4.0).abs() < 1e-9, "{mse}");
        assert!((psnr_db(0.01) - 20.0).abs() < 1e-12);
        assert!(psnr_db(0.0).is_infinite());
        assert_eq!(mean_squared_error(&[0.0], &[]), None);
    }
}
