//! How much each latent dimension is used: KL per dimension and active units.

/// A dimension is active when its encoder mean varies across the data by more than this
/// (variance of the means; Burda et al. 2016).
pub const ACTIVE_UNIT_THRESHOLD: f64 = 0.01;

/// Variance across images of each dimension's encoder mean. `means`: [images, latent_dim].
pub fn mean_variance_per_dim(means: &[f32], latent_dim: usize) -> Vec<f64> {
    let images = means.len().checked_div(latent_dim).unwrap_or(0);
    if images == 0 {
        return vec![0.0; latent_dim];
    }
    let mut sums = vec![0.0f64; latent_dim];
    let mut squares = vec![0.0f64; latent_dim];
    for row in means.chunks_exact(latent_dim) {
        for ((sum, square), &value) in sums.iter_mut().zip(&mut squares).zip(row) {
            let value = f64::from(value);
            *sum += value;
            *square += value * value;
        }
    }
    let count = images as f64;
    sums.iter().zip(&squares).map(|(sum, square)| (square / count - (sum / count).powi(2)).max(0.0)).collect()
}

/// Dimensions whose encoder mean varies across the data by more than [`ACTIVE_UNIT_THRESHOLD`].
pub fn active_units(means: &[f32], latent_dim: usize) -> usize {
    mean_variance_per_dim(means, latent_dim).iter().filter(|&&variance| variance > ACTIVE_UNIT_THRESHOLD).count()
}

/// Mean KL(q(z|x) ‖ N(0, 1)) per dimension over the images, in nats:
/// ½ (μ² + σ² − log σ² − 1). `means` and `log_vars`: [images, latent_dim].
pub fn kl_per_dim_nats(means: &[f32], log_vars: &[f32], latent_dim: usize) -> Vec<f64> {
    let images = if latent_dim == 0 || means.len() != log_vars.len() { 0 } else { means.len() / latent_dim };
    let mut totals = vec![0.0f64; latent_dim];
    if images == 0 {
        return totals;
    }
    for (mean_row, log_var_row) in means.chunks_exact(latent_dim).zip(log_vars.chunks_exact(latent_dim)) {
        for ((total, &mean), &log_var) in totals.iter_mut().zip(mean_row).zip(log_var_row) {
            let (mean, log_var) = (f64::from(mean), f64::from(log_var));
            *total += 0.5 * (mean * mean + log_var.exp() - log_var - 1.0);
        }
    }
    totals.iter().map(|total| total / images as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_units_count_varying_dimensions() {
        // Dimension 0 varies (values ±1, variance 1), dimension 1 is constant, dimension 2 barely moves.
        let means = [1.0, 0.3, 0.0, -1.0, 0.3, 0.05, 1.0, 0.3, 0.0, -1.0, 0.3, 0.05];
        let variances = mean_variance_per_dim(&means, 3);
        assert!((variances[0] - 1.0).abs() < 1e-9 && variances[1] < 1e-12, "{variances:?}");
        assert_eq!(active_units(&means, 3), 1);
    }

    #[test]
    fn kl_per_dim_by_hand() {
        // μ = 1, log σ² = 0: ½ (1 + 1 − 0 − 1) = 0.5; the prior itself: 0.
        let kl = kl_per_dim_nats(&[1.0, 0.0], &[0.0, 0.0], 2);
        assert!((kl[0] - 0.5).abs() < 1e-12 && kl[1].abs() < 1e-12, "{kl:?}");
        assert_eq!(kl_per_dim_nats(&[1.0], &[], 1), vec![0.0]);
    }
}
