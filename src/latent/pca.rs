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
mod tests;
