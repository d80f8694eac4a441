//! Principal component analysis that projects latent points to 2-D and maps 2-D positions back to latent space.
//!
//! The fit builds the `d × d` sample covariance in a single pass over the points (accumulated in `f64`,
//! shifted by the first point for numerical stability), then takes the two leading eigenvectors of that
//! symmetric matrix with nalgebra's symmetric eigen decomposition.

mod alignment;

use nalgebra::{DMatrix, SymmetricEigen};

/// Upper bound on QR iterations for the eigen decomposition; far above what a 64 × 64 matrix needs.
const MAX_EIGEN_ITERATIONS: usize = 100_000;

/// A two-component PCA model of points in a `dim`-dimensional space.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    mean: Vec<f32>,
    /// Unit, mutually orthogonal principal directions of length `dim`, by decreasing variance.
    components: [Vec<f32>; 2],
    explained_variance_ratio: [f32; 2],
}

impl Pca {
    /// Fits a PCA to `points`, laid out row-major as `[n, dim]`.
    ///
    /// Returns `None` when there are fewer than two points, `dim < 2`, `points.len()` is not a multiple of
    /// `dim`, any value is not finite, or the eigen decomposition fails to converge.
    ///
    /// The components are sorted by eigenvalue, largest first, and each one's sign is fixed so that its
    /// largest-magnitude entry (the first one on a tie) is positive. If all points coincide the variance is zero:
    /// the components are then the first two coordinate axes and both explained-variance ratios are `0`.
    pub fn fit(points: &[f32], dim: usize) -> Option<Pca> {
        if dim < 2 || !points.len().is_multiple_of(dim) {
            return None;
        }
        let n = points.len() / dim;
        if n < 2 || points.iter().any(|v| !v.is_finite()) {
            return None;
        }

        // One pass: sums of the shifted coordinates and of their outer products (upper triangle only).
        let shift = &points[..dim];
        let mut sum = vec![0.0f64; dim];
        let mut outer = vec![0.0f64; dim * dim];
        let mut centred = vec![0.0f64; dim];
        for row in points.chunks_exact(dim) {
            for ((c, &x), &s) in centred.iter_mut().zip(row).zip(shift) {
                *c = f64::from(x) - f64::from(s);
            }
            for (i, &ci) in centred.iter().enumerate() {
                sum[i] += ci;
                let outer_row = &mut outer[i * dim..(i + 1) * dim];
                for (o, &cj) in outer_row[i..].iter_mut().zip(&centred[i..]) {
                    *o += ci * cj;
                }
            }
        }

        let n_f = n as f64;
        let mean_shifted: Vec<f64> = sum.iter().map(|s| s / n_f).collect();
        let mut covariance = DMatrix::<f64>::zeros(dim, dim);
        for i in 0..dim {
            for j in i..dim {
                let value = (outer[i * dim + j] - n_f * mean_shifted[i] * mean_shifted[j]) / (n_f - 1.0);
                covariance[(i, j)] = value;
                covariance[(j, i)] = value;
            }
        }
        if covariance.iter().any(|v| !v.is_finite()) {
            return None;
        }

        let eigen = SymmetricEigen::try_new(covariance, f64::EPSILON, MAX_EIGEN_ITERATIONS)?;
        let mut order: Vec<usize> = (0..dim).collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));

        let total: f64 = eigen.eigenvalues.iter().map(|&l| l.max(0.0)).sum();
        let ratio =
            |k: usize| -> f32 { if total > 0.0 { (eigen.eigenvalues[order[k]].max(0.0) / total) as f32 } else { 0.0 } };
        let component = |k: usize| -> Vec<f32> {
            if total <= 0.0 {
                // Zero variance: any orthonormal pair is a valid answer; pick the coordinate axes.
                return (0..dim).map(|i| if i == k { 1.0 } else { 0.0 }).collect();
            }
            let column = eigen.eigenvectors.column(order[k]);
            let norm = column.norm();
            let mut pivot = 0.0f64;
            for &v in column.iter() {
                if v.abs() > pivot.abs() {
                    pivot = v;
                }
            }
            let scale = if pivot < 0.0 { -1.0 / norm } else { 1.0 / norm };
            column.iter().map(|&v| (v * scale) as f32).collect()
        };

        let mean = mean_shifted.iter().zip(shift).map(|(&m, &s)| (m + f64::from(s)) as f32).collect();
        Some(Pca { mean, components: [component(0), component(1)], explained_variance_ratio: [ratio(0), ratio(1)] })
    }

    /// Dimension `d` of the space the model was fitted in.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Mean of the fitted points (length `d`).
    pub fn mean(&self) -> &[f32] {
        &self.mean
    }

    /// The two principal directions (unit vectors of length `d`), largest variance first.
    pub fn components(&self) -> &[Vec<f32>; 2] {
        &self.components
    }

    /// Projects one point (length `d`) to its 2-D coordinates along the two components.
    ///
    /// A point of the wrong length is a caller bug: it trips a debug assertion, and in release builds missing
    /// coordinates count as equal to the mean and extra ones are ignored.
    pub fn project(&self, point: &[f32]) -> [f32; 2] {
        debug_assert_eq!(point.len(), self.dim(), "point has the wrong dimension");
        let mut xy = [0.0f64; 2];
        for (i, (&p, &m)) in point.iter().zip(&self.mean).enumerate() {
            let centred = f64::from(p) - f64::from(m);
            xy[0] += centred * f64::from(self.components[0][i]);
            xy[1] += centred * f64::from(self.components[1][i]);
        }
        [xy[0] as f32, xy[1] as f32]
    }

    /// Projects every point of a row-major `[n, d]` buffer; a trailing partial row is ignored.
    pub fn project_all(&self, points: &[f32]) -> Vec<[f32; 2]> {
        points.chunks_exact(self.dim()).map(|p| self.project(p)).collect()
    }

    /// Maps 2-D coordinates back to latent space: `mean + x·c0 + y·c1`.
    pub fn inverse(&self, xy: [f32; 2]) -> Vec<f32> {
        self.combine(&self.mean, [f64::from(xy[0]), f64::from(xy[1])])
    }

    /// Moves `base` within the plane of the two components so that it projects exactly to `xy`, keeping its part
    /// orthogonal to that plane (the "other dimensions" of the selected point) unchanged.
    ///
    /// `base` must have length `d` (checked like in [`Pca::project`]).
    pub fn inverse_around(&self, xy: [f32; 2], base: &[f32]) -> Vec<f32> {
        let current = self.project(base);
        let delta = [f64::from(xy[0]) - f64::from(current[0]), f64::from(xy[1]) - f64::from(current[1])];
        let mut padded = base.to_vec();
        padded.resize(self.dim(), 0.0);
        if base.len() < self.dim() {
            padded[base.len()..].copy_from_slice(&self.mean[base.len()..]);
        }
        self.combine(&padded, delta)
    }

    /// Fraction of the total variance explained by each of the two components.
    pub fn explained_variance_ratio(&self) -> [f32; 2] {
        self.explained_variance_ratio
    }

    /// `origin + a·c0 + b·c1`, truncated to `d` entries.
    fn combine(&self, origin: &[f32], [a, b]: [f64; 2]) -> Vec<f32> {
        origin
            .iter()
            .zip(self.components[0].iter().zip(&self.components[1]))
            .map(|(&o, (&c0, &c1))| (f64::from(o) + a * f64::from(c0) + b * f64::from(c1)) as f32)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f32 = 1e-4;

    fn assert_close(actual: &[f32], expected: &[f32], tol: f32) {
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() <= tol, "{actual:?} != {expected:?} (tolerance {tol})");
        }
    }

    fn dot(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    /// Full factorial design around `offset`: large spread along (1,1,0)/√2, smaller along (0,0,1), tiny along
    /// (1,-1,0)/√2. The three coordinates are uncorrelated, so the covariance is exactly diagonal in that basis.
    fn known_points(offset: [f32; 3]) -> (Vec<f32>, [f32; 2]) {
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let a_values = [-6.0f32, -2.0, 2.0, 6.0]; // population variance 20
        let b_values = [-1.5f32, 1.5]; // variance 2.25
        let c_values = [-0.01f32, 0.01]; // variance 1e-4
        let mut points = Vec::new();
        for &a in &a_values {
            for &b in &b_values {
                for &c in &c_values {
                    points.extend_from_slice(&[offset[0] + s * (a + c), offset[1] + s * (a - c), offset[2] + b]);
                }
            }
        }
        let total = 20.0 + 2.25 + 1e-4;
        (points, [20.0 / total, 2.25 / total])
    }

    #[test]
    fn fit_recovers_known_components_and_ratios() {
        let (points, ratios) = known_points([5.0, -2.0, 3.0]);
        let pca = Pca::fit(&points, 3).expect("fit");
        let s = std::f32::consts::FRAC_1_SQRT_2;
        assert_close(&pca.components()[0], &[s, s, 0.0], TOL);
        assert_close(&pca.components()[1], &[0.0, 0.0, 1.0], TOL);
        assert_close(&pca.explained_variance_ratio(), &ratios, 1e-5);
        assert_close(pca.mean(), &[5.0, -2.0, 3.0], 1e-5);
        assert_eq!(pca.dim(), 3);
    }

    #[test]
    fn component_signs_are_deterministic() {
        let (points, _) = known_points([0.0, 0.0, 0.0]);
        let negated: Vec<f32> = points.iter().map(|v| -v).collect();
        let reordered: Vec<f32> = points.chunks_exact(3).rev().flatten().copied().collect();
        let reference = Pca::fit(&points, 3).expect("fit");
        for other in [&negated, &reordered] {
            let pca = Pca::fit(other, 3).expect("fit");
            for k in 0..2 {
                assert_close(&pca.components()[k], &reference.components()[k], TOL);
            }
        }
        for c in reference.components() {
            let pivot = c.iter().copied().fold(0.0f32, |m, v| if v.abs() > m.abs() { v } else { m });
            assert!(pivot > 0.0);
        }
    }

    #[test]
    fn project_then_inverse_round_trips_points_in_the_span() {
        let (points, _) = known_points([1.0, 2.0, 3.0]);
        let pca = Pca::fit(&points, 3).expect("fit");
        let s = std::f32::consts::FRAC_1_SQRT_2;
        // mean + 4·(1,1,0)/√2 − 0.7·(0,0,1)
        let point = [1.0 + 4.0 * s, 2.0 + 4.0 * s, 3.0 - 0.7];
        let xy = pca.project(&point);
        assert_close(&xy, &[4.0, -0.7], TOL);
        assert_close(&pca.inverse(xy), &point, TOL);
        assert_close(&pca.project(&pca.inverse([-2.5, 1.25])), &[-2.5, 1.25], TOL);
        assert_close(&pca.inverse([0.0, 0.0]), pca.mean(), TOL);
    }

    #[test]
    fn project_all_matches_project() {
        let (points, _) = known_points([0.5, 0.5, 0.5]);
        let pca = Pca::fit(&points, 3).expect("fit");
        let all = pca.project_all(&points);
        assert_eq!(all.len(), points.len() / 3);
        for (xy, p) in all.iter().zip(points.chunks_exact(3)) {
            assert_eq!(*xy, pca.project(p));
        }
    }

    #[test]
    fn inverse_around_keeps_the_orthogonal_part_of_base() {
        let (points, _) = known_points([1.0, -1.0, 0.0]);
        let pca = Pca::fit(&points, 3).expect("fit");
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let orthogonal = [s, -s, 0.0];
        let base = [1.0 + 2.0 * s + 0.3 * s, -1.0 + 2.0 * s - 0.3 * s, 0.9];
        let target = [-1.5, 0.25];
        let moved = pca.inverse_around(target, &base);
        assert_close(&pca.project(&moved), &target, TOL);
        let offset_base: Vec<f32> = base.iter().zip(pca.mean()).map(|(b, m)| b - m).collect();
        let offset_moved: Vec<f32> = moved.iter().zip(pca.mean()).map(|(b, m)| b - m).collect();
        assert!((dot(&offset_base, &orthogonal) - 0.3).abs() < TOL);
        assert!((dot(&offset_moved, &orthogonal) - 0.3).abs() < TOL);
        // Asking for the base's own projection returns the base unchanged.
        assert_close(&pca.inverse_around(pca.project(&base), &base), &base, TOL);
    }

    #[test]
    fn fit_rejects_bad_input() {
        assert!(Pca::fit(&[], 3).is_none());
        assert!(Pca::fit(&[1.0, 2.0, 3.0], 3).is_none(), "one point");
        assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0], 1).is_none(), "dim 1");
        assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0], 0).is_none(), "dim 0");
        assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0, 5.0], 2).is_none(), "ragged");
        assert!(Pca::fit(&[1.0, 2.0, f32::NAN, 4.0], 2).is_none(), "NaN");
        assert!(Pca::fit(&[1.0, f32::INFINITY, 3.0, 4.0], 2).is_none(), "infinity");
    }

    #[test]
    fn identical_points_give_axes_and_zero_ratios() {
        let pca = Pca::fit(&[1.0, 2.0, 3.0, 1.0, 2.0, 3.0], 3).expect("fit");
        assert_eq!(pca.explained_variance_ratio(), [0.0, 0.0]);
        assert_eq!(pca.components()[0], vec![1.0, 0.0, 0.0]);
        assert_eq!(pca.components()[1], vec![0.0, 1.0, 0.0]);
        assert_eq!(pca.project(&[1.0, 2.0, 3.0]), [0.0, 0.0]);
    }

    #[test]
    fn high_dimensional_fit_gives_orthonormal_components() {
        // Deterministic pseudo-random latent points in 64-D with a dominant pair of directions.
        let dim = 64;
        let n = 3000;
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        let mut points = Vec::with_capacity(n * dim);
        for _ in 0..n {
            let (a, b) = (next() * 40.0, next() * 10.0);
            for j in 0..dim {
                let u = if j % 2 == 0 { 1.0 } else { -1.0 } / 8.0;
                let v = if j < dim / 2 { 1.0 } else { -1.0 } / 8.0;
                points.push(100.0 + a * u + b * v + next());
            }
        }
        let pca = Pca::fit(&points, dim).expect("fit");
        let [c0, c1] = pca.components();
        assert!((dot(c0, c0) - 1.0).abs() < TOL);
        assert!((dot(c1, c1) - 1.0).abs() < TOL);
        assert!(dot(c0, c1).abs() < TOL);
        let [r0, r1] = pca.explained_variance_ratio();
        assert!(r0 > r1 && r1 > 0.0 && r0 + r1 <= 1.0 + 1e-6, "{r0} {r1}");
        // The leading direction is the alternating ±1/8 pattern (up to the sign the pivot rule picked).
        let sign = c0[0].signum();
        assert!(
            c0.iter().enumerate().all(|(j, &v)| {
                let expected = if j % 2 == 0 { 0.125 } else { -0.125 };
                (v - sign * expected).abs() < 0.01
            }),
            "{c0:?}"
        );
        assert!(pca.project_all(&points).iter().all(|xy| xy[0].is_finite() && xy[1].is_finite()));
    }
}
