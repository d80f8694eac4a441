//! Principal component analysis of latent points, for showing more than two dimensions in 2D.

use nalgebra::{DMatrix, SymmetricEigen};

/// The first two principal axes of a set of points.
#[derive(Clone, Debug, PartialEq)]
pub struct Pca {
    mean: Vec<f32>,
    components: [Vec<f32>; 2],
    explained_variance_ratio: [f32; 2],
}

impl Pca {
    /// Fits the axes to `points` ([n, dim] row-major). `None` for fewer than 2 points or
    /// dimensions, or non-finite values.
    pub fn fit(points: &[f32], dim: usize) -> Option<Self> {
        if dim < 2 || points.len() < 2 * dim || points.len() % dim != 0 || !points.iter().all(|v| v.is_finite()) {
            return None;
        }
        let count = points.len() / dim;
        let mut mean = vec![0f64; dim];
        for row in points.chunks_exact(dim) {
            for (sum, &value) in mean.iter_mut().zip(row) {
                *sum += f64::from(value);
            }
        }
        mean.iter_mut().for_each(|sum| *sum /= count as f64);
        let mut covariance = DMatrix::<f64>::zeros(dim, dim);
        let mut centred = vec![0f64; dim];
        for row in points.chunks_exact(dim) {
            for (slot, (&value, &mean)) in centred.iter_mut().zip(row.iter().zip(&mean)) {
                *slot = f64::from(value) - mean;
            }
            for i in 0..dim {
                for j in i..dim {
                    covariance[(i, j)] += centred[i] * centred[j];
                }
            }
        }
        for i in 0..dim {
            for j in i..dim {
                let value = covariance[(i, j)] / (count - 1) as f64;
                covariance[(i, j)] = value;
                covariance[(j, i)] = value;
            }
        }
        let eigen = SymmetricEigen::new(covariance);
        let mut order: Vec<usize> = (0..dim).collect();
        order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
        let total: f64 = eigen.eigenvalues.iter().map(|value| value.max(0.0)).sum();
        let component = |rank: usize| -> Vec<f32> {
            let column = eigen.eigenvectors.column(order[rank]);
            let largest = column.iter().copied().max_by(|a, b| a.abs().total_cmp(&b.abs())).unwrap_or(1.0);
            let sign = if largest < 0.0 { -1.0 } else { 1.0 };
            column.iter().map(|&value| (value * sign) as f32).collect()
        };
        let ratio =
            |rank: usize| if total > 0.0 { (eigen.eigenvalues[order[rank]].max(0.0) / total) as f32 } else { 0.0 };
        Some(Self {
            mean: mean.iter().map(|&value| value as f32).collect(),
            components: [component(0), component(1)],
            explained_variance_ratio: [ratio(0), ratio(1)],
        })
    }

    /// Coordinates of `point` along the two axes.
    pub fn project(&self, point: &[f32]) -> [f32; 2] {
        self.components
            .each_ref()
            .map(|component| component.iter().zip(point.iter().zip(&self.mean)).map(|(c, (v, m))| c * (v - m)).sum())
    }

    /// The point in the plane of the axes (through the mean) at coordinates `xy`.
    pub fn inverse(&self, xy: [f32; 2]) -> Vec<f32> {
        self.inverse_around(xy, &self.mean)
    }

    /// `base` moved within the axes' plane so that it projects to `xy`; its other directions stay.
    pub fn inverse_around(&self, xy: [f32; 2], base: &[f32]) -> Vec<f32> {
        let current = self.project(base);
        let mut point = base.to_vec();
        for (rank, component) in self.components.iter().enumerate() {
            let shift = xy[rank] - current[rank];
            for (value, c) in point.iter_mut().zip(component) {
                *value += shift * c;
            }
        }
        point
    }

    /// Share of the total variance along each axis.
    pub fn explained_variance_ratio(&self) -> [f32; 2] {
        self.explained_variance_ratio
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points with variance 9 along (1, 1, 0)/√2, 1 along (0, 0, 1) and 0.01 along (1, −1, 0)/√2.
    fn known_points() -> Vec<f32> {
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let mut points = Vec::new();
        for &(a, b, c) in &[(3.0, 1.0, 0.1), (-3.0, -1.0, 0.1), (3.0, -1.0, -0.1), (-3.0, 1.0, -0.1)] {
            let (a, b, c): (f32, f32, f32) = (a, b, c);
            points.extend_from_slice(&[a * s + c * s + 5.0, a * s - c * s - 2.0, b]);
        }
        points
    }

    #[test]
    fn finds_the_known_components() {
        let pca = Pca::fit(&known_points(), 3).expect("fit");
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let expected = [[s, s, 0.0], [0.0, 0.0, 1.0]];
        for (component, want) in pca.components.iter().zip(expected) {
            for (got, want) in component.iter().zip(want) {
                assert!((got - want).abs() < 1e-4, "{component:?} != {want:?}");
            }
        }
        let [first, second] = pca.explained_variance_ratio();
        // Sample variances 12, 4/3 and 0.0133… (n − 1 = 3).
        let total = 12.0 + 4.0 / 3.0 + 0.04 / 3.0;
        assert!((first - 12.0 / total).abs() < 1e-4 && (second - (4.0 / 3.0) / total).abs() < 1e-4);
    }

    #[test]
    fn inverse_projection_round_trips() {
        let pca = Pca::fit(&known_points(), 3).expect("fit");
        let xy = [1.5, -0.5];
        let back = pca.project(&pca.inverse(xy));
        assert!((back[0] - xy[0]).abs() < 1e-4 && (back[1] - xy[1]).abs() < 1e-4);
        let base = [0.3, 0.9, -2.0];
        let moved = pca.inverse_around(xy, &base);
        let back = pca.project(&moved);
        assert!((back[0] - xy[0]).abs() < 1e-4 && (back[1] - xy[1]).abs() < 1e-4);
        // The third direction (1, −1, 0)/√2 keeps base's value.
        let off_plane = |p: &[f32]| (p[0] - p[1]) * std::f32::consts::FRAC_1_SQRT_2;
        assert!((off_plane(&moved) - off_plane(&base)).abs() < 1e-4);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(Pca::fit(&[1.0, 2.0], 2).is_none());
        assert!(Pca::fit(&[1.0, f32::NAN, 2.0, 3.0], 2).is_none());
        assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0], 1).is_none());
    }
}
