//! The encoder's uncertainty seen in the scatter's plane: the 1-σ ellipse of each point's posterior
//! q(z|x) = N(μ, diag(σ²)) and its mean σ.
//!
//! The plane is spanned by two orthonormal latent directions w₁, w₂ (the PCA components or two
//! coordinate axes), stacked as W: [latent, 2]. A Gaussian with covariance Σ projects to a Gaussian
//! with covariance WᵀΣW: [2, 2]; for a diagonal Σ its entries are Σₖ σₖ² wᵢₖ wⱼₖ. Its eigenvectors
//! and the square roots of its eigenvalues are the ellipse's axes, so the ellipse is exact.

use super::Projection;

/// A 1-σ ellipse in the plane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    /// Centre: the projected encoder mean.
    pub center: [f32; 2],
    /// Semi-axes (major, minor), in plane units, major ≥ minor ≥ 0.
    pub semi_axes: [f32; 2],
    /// Angle of the major axis from the plane's x axis, in radians, in (−π/2, π/2].
    pub angle_rad: f32,
}

impl Ellipse {
    /// `segments` points on the ellipse's outline, counter-clockwise from the major axis's end.
    pub fn outline(&self, segments: usize) -> Vec<[f32; 2]> {
        let (sin, cos) = self.angle_rad.sin_cos();
        (0..segments)
            .map(|step| {
                let theta = std::f32::consts::TAU * step as f32 / segments.max(1) as f32;
                let (a, b) = (self.semi_axes[0] * theta.cos(), self.semi_axes[1] * theta.sin());
                [self.center[0] + a * cos - b * sin, self.center[1] + a * sin + b * cos]
            })
            .collect()
    }
}

/// The two unit latent directions that span the projection's plane: W's columns, each [latent].
pub fn plane_basis(projection: &Projection, latent_dim: usize) -> [Vec<f32>; 2] {
    match projection {
        Projection::Dims { x, y } => {
            let axis = |index: usize| (0..latent_dim).map(|k| if k == index { 1.0 } else { 0.0 }).collect();
            [axis(*x), axis(*y)]
        }
        Projection::Pca(pca) => pca.components().clone(),
    }
}

/// WᵀΣW for Σ = diag(`variances`): the projected covariance [[xx, xy], [xy, yy]].
pub fn projected_covariance(basis: &[Vec<f32>; 2], variances: &[f32]) -> [[f64; 2]; 2] {
    let (mut xx, mut xy, mut yy) = (0.0f64, 0.0f64, 0.0f64);
    for ((&variance, &u), &v) in variances.iter().zip(&basis[0]).zip(&basis[1]) {
        let (variance, u, v) = (f64::from(variance), f64::from(u), f64::from(v));
        xx += variance * u * u;
        xy += variance * u * v;
        yy += variance * v * v;
    }
    [[xx, xy], [xy, yy]]
}

/// Semi-axes (major, minor) and major-axis angle of the 1-σ ellipse of a 2 × 2 covariance.
pub fn covariance_axes(covariance: [[f64; 2]; 2]) -> ([f32; 2], f32) {
    let ([a, b], [_, d]) = (covariance[0], covariance[1]);
    let half_trace = (a + d) / 2.0;
    let radius = (((a - d) / 2.0).powi(2) + b * b).sqrt();
    let (major, minor) = ((half_trace + radius).max(0.0), (half_trace - radius).max(0.0));
    // The major eigenvector's angle: ½ atan2(2b, a − d), which is 0 for a circle.
    let mut angle = 0.5 * (2.0 * b).atan2(a - d);
    if angle <= -std::f64::consts::FRAC_PI_2 {
        angle += std::f64::consts::PI;
    }
    ([major.sqrt() as f32, minor.sqrt() as f32], angle as f32)
}

/// The 1-σ ellipse of every point. `means`, `log_vars`: [points, latent_dim].
pub fn posterior_ellipses(projection: &Projection, means: &[f32], log_vars: &[f32], latent_dim: usize) -> Vec<Ellipse> {
    if latent_dim == 0 {
        return Vec::new();
    }
    let basis = plane_basis(projection, latent_dim);
    let mut variances = vec![0.0f32; latent_dim];
    means
        .chunks_exact(latent_dim)
        .zip(log_vars.chunks_exact(latent_dim))
        .map(|(mean, log_var)| {
            for (variance, &value) in variances.iter_mut().zip(log_var) {
                *variance = value.exp();
            }
            let (semi_axes, angle_rad) = covariance_axes(projected_covariance(&basis, &variances));
            Ellipse { center: projection.project(mean), semi_axes, angle_rad }
        })
        .collect()
}

/// Mean posterior standard deviation of every point, (1/d) Σₖ exp(log σₖ² / 2). `log_vars`: [points, latent_dim].
pub fn mean_sigma_per_point(log_vars: &[f32], latent_dim: usize) -> Vec<f32> {
    if latent_dim == 0 {
        return Vec::new();
    }
    log_vars
        .chunks_exact(latent_dim)
        .map(|row| row.iter().map(|&log_var| (log_var / 2.0).exp()).sum::<f32>() / latent_dim as f32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latent::Pca;

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-5
    }

    #[test]
    fn a_diagonal_covariance_gives_axis_aligned_axes() {
        let (axes, angle) = covariance_axes([[4.0, 0.0], [0.0, 1.0]]);
        assert!(close(axes[0], 2.0) && close(axes[1], 1.0) && close(angle, 0.0), "{axes:?} {angle}");
        let (axes, angle) = covariance_axes([[1.0, 0.0], [0.0, 9.0]]);
        assert!(close(axes[0], 3.0) && close(axes[1], 1.0), "{axes:?}");
        assert!(close(angle, std::f32::consts::FRAC_PI_2), "{angle}");
    }

    #[test]
    fn a_rotated_covariance_gives_its_rotation() {
        // R(30°) diag(9, 1) R(30°)ᵀ: semi-axes 3 and 1, major axis at 30°.
        let (sin, cos) = (30f64.to_radians().sin(), 30f64.to_radians().cos());
        let (major, minor) = (9.0, 1.0);
        let covariance = [
            [major * cos * cos + minor * sin * sin, (major - minor) * sin * cos],
            [(major - minor) * sin * cos, major * sin * sin + minor * cos * cos],
        ];
        let (axes, angle) = covariance_axes(covariance);
        assert!(close(axes[0], 3.0) && close(axes[1], 1.0), "{axes:?}");
        assert!(close(angle, 30f32.to_radians()), "{angle}");
        // A circle has angle 0 and equal axes.
        let (axes, angle) = covariance_axes([[2.0, 0.0], [0.0, 2.0]]);
        assert!(close(axes[0], axes[1]) && close(angle, 0.0));
    }

    #[test]
    fn the_projected_covariance_is_w_transpose_sigma_w() {
        // W's columns: (1, 1, 0)/√2 and (0, 0, 1); Σ = diag(1, 3, 5).
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let basis = [vec![s, s, 0.0], vec![0.0, 0.0, 1.0]];
        let covariance = projected_covariance(&basis, &[1.0, 3.0, 5.0]);
        // xx = ½(1 + 3) = 2, xy = 0, yy = 5.
        assert!((covariance[0][0] - 2.0).abs() < 1e-6 && covariance[0][1].abs() < 1e-9);
        assert!((covariance[1][1] - 5.0).abs() < 1e-6);
        // A diagonal direction mixes two variances: w = (1, 1)/√2, v = (1, −1)/√2, Σ = diag(1, 3).
        let basis = [vec![s, s], vec![s, -s]];
        let covariance = projected_covariance(&basis, &[1.0, 3.0]);
        assert!((covariance[0][0] - 2.0).abs() < 1e-6 && (covariance[0][1] + 1.0).abs() < 1e-6);
    }

    #[test]
    fn ellipses_in_a_dimension_plane_are_the_two_sigmas() {
        let means = [1.0, 2.0, 3.0];
        let log_vars = [4f32.ln(), 0.0, 9f32.ln()];
        let ellipses = posterior_ellipses(&Projection::Dims { x: 2, y: 0 }, &means, &log_vars, 3);
        assert_eq!(ellipses.len(), 1);
        let ellipse = ellipses[0];
        assert_eq!(ellipse.center, [3.0, 1.0]);
        assert!(close(ellipse.semi_axes[0], 3.0) && close(ellipse.semi_axes[1], 2.0), "{ellipse:?}");
        assert!(close(ellipse.angle_rad, 0.0));
        let outline = ellipse.outline(4);
        assert!(close(outline[0][0], 6.0) && close(outline[0][1], 1.0), "{outline:?}");
        assert!(close(outline[1][0], 3.0) && close(outline[1][1], 3.0), "{outline:?}");
    }

    #[test]
    fn ellipses_in_the_pca_plane_use_the_components() {
        // Points spread along (1, 1, 0) most and along z next: the components are (1,1,0)/√2 and (0,0,1).
        let points = [-3.0, -3.0, -1.0, 3.0, 3.0, -1.0, -3.0, -3.0, 1.0, 3.0, 3.0, 1.0, 0.1, -0.1, 0.0];
        let pca = Pca::fit(&points, 3).expect("fit");
        let ellipses = posterior_ellipses(&Projection::Pca(pca), &[0.0; 3], &[0.0, 2f32.ln(), 4f32.ln()], 3);
        // Variance along (1,1,0)/√2: ½(1 + 2) = 1.5; along z: 4.
        let ellipse = ellipses[0];
        assert!(close(ellipse.semi_axes[0], 2.0) && close(ellipse.semi_axes[1], 1.5f32.sqrt()), "{ellipse:?}");
        assert!(close(ellipse.angle_rad.abs(), std::f32::consts::FRAC_PI_2), "{ellipse:?}");
    }

    #[test]
    fn mean_sigma_averages_the_standard_deviations() {
        let sigmas = mean_sigma_per_point(&[0.0, 4f32.ln(), 9f32.ln(), 1f32.ln()], 2);
        assert!(close(sigmas[0], 1.5) && close(sigmas[1], 2.0), "{sigmas:?}");
        assert!(mean_sigma_per_point(&[1.0], 0).is_empty());
    }
}
