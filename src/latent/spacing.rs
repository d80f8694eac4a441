//! Where the decoder grid's cells (and the sliders' ends) sit along each plane axis: evenly over
//! ±r, at the prior's quantiles, or at the percentiles of the encoded data.

use serde::{Deserialize, Serialize};

use super::normal_quantile::normal_quantile;
use super::{GridSpec, Projection};

/// How cell positions are chosen along each axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum Spacing {
    /// Evenly from the range's minimum to its maximum (ends included).
    #[default]
    Linear,
    /// At the prior's quantiles Φ⁻¹((i + ½)/n) along each axis: every cell holds the same prior mass.
    Quantile,
    /// At the same probabilities of the encoder means' own distribution along each axis.
    Data,
}

/// The cell positions along each axis of a grid: `x` left to right, `y` bottom to top, both ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct GridAxes {
    /// Horizontal positions, one per column.
    pub x: Vec<f32>,
    /// Vertical positions, one per row, from the bottom row up.
    pub y: Vec<f32>,
}

/// A grid spacing that cannot be laid out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SpacingError {
    /// Data spacing needs encoded points.
    #[error("data spacing needs encoded points, and there are none; use --spacing linear or quantile")]
    NoData,
}

impl Spacing {
    /// The cell positions of an `size × size` grid in `projection`'s plane.
    ///
    /// `range` is used by [`Spacing::Linear`]; [`Spacing::Quantile`] centres the prior's quantiles
    /// on the latent origin's place in the plane (0 for dimension planes; for PCA the prior's
    /// projection N(−cᵢ·mean, 1), as the components are unit vectors); [`Spacing::Data`] takes the
    /// percentiles of `points_in_plane` (the projected encoder means).
    pub fn axes(
        self,
        size: usize,
        range: [f32; 2],
        projection: &Projection,
        latent_dim: usize,
        points_in_plane: &[[f32; 2]],
    ) -> Result<GridAxes, SpacingError> {
        match self {
            Self::Linear => Ok(GridSpec { size, x_range: range, y_range: range }.axes()),
            Self::Quantile => {
                let origin = projection.project(&vec![0.0; latent_dim]);
                let along = |center: f32| -> Vec<f32> {
                    probabilities(size).map(|p| center + normal_quantile(p) as f32).collect()
                };
                Ok(GridAxes { x: along(origin[0]), y: along(origin[1]) })
            }
            Self::Data => {
                if points_in_plane.is_empty() {
                    return Err(SpacingError::NoData);
                }
                let along = |axis: usize| -> Vec<f32> {
                    let mut values: Vec<f32> = points_in_plane.iter().map(|point| point[axis]).collect();
                    values.sort_by(f32::total_cmp);
                    probabilities(size).map(|p| percentile(&values, p)).collect()
                };
                Ok(GridAxes { x: along(0), y: along(1) })
            }
        }
    }
}

/// (i + ½)/n for i = 0 … n − 1: evenly spaced probabilities, each the middle of its 1/n slice.
fn probabilities(size: usize) -> impl Iterator<Item = f64> {
    (0..size).map(move |index| (index as f64 + 0.5) / size as f64)
}

/// The `probability` quantile of ascending `sorted`, interpolated linearly between order statistics
/// (NumPy's default "linear" method).
pub fn percentile(sorted: &[f32], probability: f64) -> f32 {
    let Some(last) = sorted.len().checked_sub(1) else { return f32::NAN };
    let position = probability.clamp(0.0, 1.0) * last as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(last);
    let fraction = (position - below as f64) as f32;
    sorted[below] + (sorted[above] - sorted[below]) * fraction
}

impl GridSpec {
    /// The spec's evenly spaced cell positions.
    pub fn axes(&self) -> GridAxes {
        let last = self.size.saturating_sub(1);
        GridAxes {
            x: (0..self.size).map(|col| self.cell_center(0, col)[0]).collect(),
            y: (0..self.size).map(|from_bottom| self.cell_center(last - from_bottom, 0)[1]).collect(),
        }
    }
}

impl GridAxes {
    /// Rows of the grid.
    pub fn rows(&self) -> usize {
        self.y.len()
    }

    /// Columns of the grid.
    pub fn cols(&self) -> usize {
        self.x.len()
    }

    /// Plane position of cell (`row`, `col`); row 0 is the top (largest y), col 0 the left.
    /// Out-of-range indices are clamped to the last row or column.
    pub fn cell_center(&self, row: usize, col: usize) -> [f32; 2] {
        let x = self.x.get(col.min(self.cols().saturating_sub(1))).copied().unwrap_or(0.0);
        let flipped = self.rows().saturating_sub(1).saturating_sub(row);
        let y = self.y.get(flipped).copied().unwrap_or(0.0);
        [x, y]
    }

    /// Latent points of every cell, row by row: [rows · cols, latent] row-major.
    pub fn latents(&self, projection: &Projection, base: &[f32]) -> Vec<f32> {
        let mut latents = Vec::with_capacity(self.rows() * self.cols() * base.len());
        for row in 0..self.rows() {
            for col in 0..self.cols() {
                latents.extend(projection.lift(self.cell_center(row, col), base));
            }
        }
        latents
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latent::Pca;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
    }

    const DIMS: Projection = Projection::Dims { x: 0, y: 1 };

    #[test]
    fn linear_axes_match_the_grid_spec() {
        let spec = GridSpec { size: 5, x_range: [-4.0, 4.0], y_range: [-2.0, 2.0] };
        let axes = spec.axes();
        for row in 0..5 {
            for col in 0..5 {
                assert_eq!(axes.cell_center(row, col), spec.cell_center(row, col));
            }
        }
        assert_eq!(axes.latents(&DIMS, &[0.0, 0.0]), spec.latents(&DIMS, &[0.0, 0.0]));
        let linear = Spacing::Linear.axes(3, [-1.0, 1.0], &DIMS, 2, &[]).expect("linear");
        assert!(close(&linear.x, &[-1.0, 0.0, 1.0]) && linear.x == linear.y);
    }

    #[test]
    fn quantile_axes_sit_at_the_priors_quantiles() {
        let axes = Spacing::Quantile.axes(4, [-4.0, 4.0], &DIMS, 2, &[]).expect("quantile");
        let expected = [-1.150_349_4, -0.318_639_37, 0.318_639_37, 1.150_349_4];
        assert!(close(&axes.x, &expected) && close(&axes.y, &expected), "{axes:?}");
        // Top-left cell: smallest x, largest y.
        assert!(close(&axes.cell_center(0, 0), &[-1.150_349_4, 1.150_349_4]));
    }

    #[test]
    fn quantile_axes_in_a_pca_plane_centre_on_the_latent_origin() {
        // Points spread along x around (10, 0): the first component is x, the mean is (10, 0).
        let points = [6.0, -1.0, 14.0, 1.0, 6.0, 1.0, 14.0, -1.0];
        let pca = Pca::fit(&points, 2).expect("fit");
        let projection = Projection::Pca(pca);
        let axes = Spacing::Quantile.axes(3, [-4.0, 4.0], &projection, 2, &[]).expect("quantile");
        // The origin projects to (−10, 0): the middle cell decodes the latent origin.
        assert!(close(&axes.x, &[-10.967_422, -10.0, -9.032_578]), "{axes:?}");
        let middle = axes.latents(&projection, &[10.0, 0.0]);
        assert!(close(&middle[8..10], &[0.0, 0.0]), "{middle:?}");
    }

    #[test]
    fn data_axes_are_the_percentiles_of_the_points() {
        let points: Vec<[f32; 2]> = (0..=100).map(|i| [i as f32, -2.0 * i as f32]).collect();
        let axes = Spacing::Data.axes(4, [-4.0, 4.0], &DIMS, 2, &points).expect("data");
        assert!(close(&axes.x, &[12.5, 37.5, 62.5, 87.5]), "{axes:?}");
        assert!(close(&axes.y, &[-175.0, -125.0, -75.0, -25.0]), "{axes:?}");
        assert_eq!(Spacing::Data.axes(4, [-4.0, 4.0], &DIMS, 2, &[]), Err(SpacingError::NoData));
    }

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        assert_eq!(percentile(&[1.0, 2.0, 4.0], 0.75), 3.0);
        assert_eq!(percentile(&[7.0], 0.3), 7.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
