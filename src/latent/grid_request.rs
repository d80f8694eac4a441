//! A decoder sweep: which cells of which plane to decode, and each cell's latent point. The one
//! place the window, the inference thread and `export grid` find a cell's latent point.

use super::{GridAxes, GridSpec, Projection, Spacing};

/// A decoder sweep to compute.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRequest {
    /// Rectangle and resolution.
    pub spec: GridSpec,
    /// Plane of the scatter.
    pub projection: Projection,
    /// Latent values of the directions the plane does not show.
    pub base: Vec<f32>,
    /// How the cells were placed along each axis (linear over the spec's ranges, prior quantiles,
    /// data percentiles); shown beside the grid.
    pub spacing: Spacing,
    /// The cells' plane positions when they are not evenly over the spec's ranges (quantile and
    /// data spacing, computed by [`Spacing::axes`] as `export grid --spacing` does); `None`: evenly
    /// over `spec`'s ranges. `size` × `size` positions, or the request is refused.
    pub cells: Option<GridAxes>,
}

impl GridRequest {
    /// Plane position of cell (`row`, `col`); row 0 is the top, col 0 the left.
    pub fn cell_center(&self, row: usize, col: usize) -> [f32; 2] {
        match &self.cells {
            Some(cells) => cells.cell_center(row, col),
            None => self.spec.cell_center(row, col),
        }
    }

    /// A sweep over `cells` (as [`Spacing::axes`] placed them), its spec's ranges spanning the
    /// outer cells: how `export grid` and `export neighbours --grid-cell` name their sweep.
    pub fn over_cells(projection: Projection, cells: GridAxes, base: Vec<f32>, spacing: Spacing) -> GridRequest {
        let size = cells.rows().max(cells.cols());
        let last = size.saturating_sub(1);
        let [left, bottom] = cells.cell_center(last, 0);
        let [right, top] = cells.cell_center(0, last);
        let spec = GridSpec { size, x_range: [left, right], y_range: [bottom, top] };
        GridRequest { spec, projection, base, spacing, cells: Some(cells) }
    }

    /// The latent point of cell (`row`, `col`): [latent]; `None` outside the grid. The one place
    /// the window (the nearest images of a hovered cell) and the command line
    /// (`export neighbours --grid-cell`) find a cell's point.
    pub fn cell_latent(&self, row: usize, col: usize) -> Option<Vec<f32>> {
        let size = self.spec.size;
        if row >= size || col >= size || !self.is_square() {
            return None;
        }
        Some(self.projection.lift(self.cell_center(row, col), &self.base))
    }

    /// Latent points of every cell, row by row: [size², latent] row-major. The caller checks the
    /// size first (see [`Self::is_square`]).
    pub fn latents(&self) -> Vec<f32> {
        match &self.cells {
            Some(cells) => cells.latents(&self.projection, &self.base),
            None => self.spec.latents(&self.projection, &self.base),
        }
    }

    /// True when the sweep's plane and base belong to a latent space of `latent_dim` dimensions.
    pub fn fits(&self, latent_dim: usize) -> bool {
        self.base.len() == latent_dim && self.projection.fits(latent_dim)
    }

    /// True when the cells, if given, are `size` × `size`.
    pub fn is_square(&self) -> bool {
        self.cells.as_ref().is_none_or(|cells| cells.rows() == self.spec.size && cells.cols() == self.spec.size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantile_sweep() -> GridRequest {
        let projection = Projection::Dims { x: 0, y: 1 };
        let spec = GridSpec { size: 4, x_range: [-4.0, 4.0], y_range: [-4.0, 4.0] };
        let cells = Spacing::Quantile.axes(4, [-4.0, 4.0], &projection, 2, &[]).expect("quantile cells");
        GridRequest { spec, projection, base: vec![0.0, 0.0], spacing: Spacing::Quantile, cells: Some(cells) }
    }

    #[test]
    fn a_cell_latent_is_the_point_the_sweep_decodes_there() {
        let request = quantile_sweep();
        let latents = request.latents();
        for (row, col) in [(0, 0), (1, 2), (3, 3)] {
            let start = (row * 4 + col) * 2;
            assert_eq!(request.cell_latent(row, col).as_deref(), Some(&latents[start..start + 2]));
        }
        assert_ne!(
            request.cell_latent(0, 0),
            Some(request.spec.latents(&request.projection, &request.base)[..2].to_vec()),
            "quantile cells are not the spec's even ones"
        );
        assert_eq!(request.cell_latent(4, 0), None);
    }

    #[test]
    fn a_sweep_over_cells_spans_its_outer_cells() {
        let GridRequest { projection, cells, .. } = quantile_sweep();
        let cells = cells.expect("cells");
        let request = GridRequest::over_cells(projection, cells.clone(), vec![0.0, 0.0], Spacing::Quantile);
        assert_eq!(request.spec.size, 4);
        for (row, col) in [(0, 0), (3, 3)] {
            let [spec_x, spec_y] = request.spec.cell_center(row, col);
            let [cell_x, cell_y] = cells.cell_center(row, col);
            assert!((spec_x - cell_x).abs() < 1e-6 && (spec_y - cell_y).abs() < 1e-6, "corner ({row}, {col})");
        }
        assert_eq!(request.cell_latent(2, 1), Some(projection_lift(&request, 2, 1)));
    }

    #[test]
    fn a_sweep_fits_only_the_latent_size_of_its_plane_and_base() {
        let request = quantile_sweep();
        assert!(request.fits(2));
        assert!(!request.fits(3), "a base of 2 values is for latent 2");
        let points = [0.0, 0.0, 0.0, 1.0, 2.0, 0.5, -1.0, 0.3, 2.0, 0.2, -0.4, 1.0];
        let pca = crate::latent::Pca::fit(&points, 3).expect("a PCA of latent 3");
        let stale = GridRequest { projection: Projection::Pca(pca), base: vec![0.0; 2], ..quantile_sweep() };
        assert!(!stale.fits(2), "a PCA plane of latent 3 under a base of latent 2");
        let dims = GridRequest { projection: Projection::Dims { x: 0, y: 3 }, base: vec![0.0; 3], ..quantile_sweep() };
        assert!(!dims.fits(3), "dimension 3 is not in latent 3");
    }

    fn projection_lift(request: &GridRequest, row: usize, col: usize) -> Vec<f32> {
        request.projection.lift(request.cells.as_ref().expect("cells").cell_center(row, col), &request.base)
    }
}
