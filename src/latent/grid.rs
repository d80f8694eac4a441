//! The decoder sweep: an N × N grid of latent points over a rectangle of the scatter's plane.

use serde::{Deserialize, Serialize};

use super::Projection;

/// Largest grid side the app offers.
pub const MAX_GRID_SIZE: usize = 64;

/// Which rectangle of the plane is swept, and how finely.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridSpec {
    /// Cells per side.
    pub size: usize,
    /// Horizontal extent [min, max].
    pub x_range: [f32; 2],
    /// Vertical extent [min, max].
    pub y_range: [f32; 2],
}

impl Default for GridSpec {
    fn default() -> Self {
        Self { size: 20, x_range: [-4.0, 4.0], y_range: [-4.0, 4.0] }
    }
}

impl GridSpec {
    /// Plane position of cell (`row`, `col`); row 0 is the top (largest y), col 0 the left.
    pub fn cell_center(&self, row: usize, col: usize) -> [f32; 2] {
        let along = |range: [f32; 2], index: usize| {
            if self.size <= 1 {
                (range[0] + range[1]) / 2.0
            } else {
                range[0] + (range[1] - range[0]) * index as f32 / (self.size - 1) as f32
            }
        };
        [along(self.x_range, col), along(self.y_range, self.size.saturating_sub(1) - row)]
    }

    /// Latent points of every cell, row by row: [size², latent] row-major.
    pub fn latents(&self, projection: &Projection, base: &[f32]) -> Vec<f32> {
        let mut latents = Vec::with_capacity(self.size * self.size * base.len());
        for row in 0..self.size {
            for col in 0..self.size {
                latents.extend(projection.lift(self.cell_center(row, col), base));
            }
        }
        latents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_span_the_ranges_with_y_up() {
        let spec = GridSpec { size: 3, x_range: [-4.0, 4.0], y_range: [-2.0, 2.0] };
        assert_eq!(spec.cell_center(0, 0), [-4.0, 2.0]);
        assert_eq!(spec.cell_center(2, 2), [4.0, -2.0]);
        assert_eq!(spec.cell_center(1, 1), [0.0, 0.0]);
    }

    #[test]
    fn latents_vary_only_the_projected_dimensions() {
        let spec = GridSpec { size: 2, ..GridSpec::default() };
        let latents = spec.latents(&Projection::Dims { x: 0, y: 2 }, &[9.0, 9.0, 9.0]);
        assert_eq!(latents.len(), 2 * 2 * 3);
        assert_eq!(&latents[..3], &[-4.0, 9.0, 4.0]);
        assert_eq!(&latents[9..], &[4.0, 9.0, -4.0]);
    }
}
