//! The decoder grid's cell positions in the window: evenly over its ranges, at the prior's
//! quantiles, or at the percentiles of the scatter's encoder means; placed by [`Spacing::axes`],
//! the code behind `export grid --spacing`, so the window and the command line sweep the same cells.

use super::{GridAxes, GridSpec, MAX_GRID_SIZE, Projection, Spacing, SpacingError};
use super::{GridRequest, LatentCloud};

/// What the last cells were computed from.
#[derive(Clone, Debug, PartialEq)]
struct CellsKey {
    spacing: Spacing,
    size: usize,
    projection: Projection,
    latent_dim: usize,
    /// The scatter's generation (data spacing only).
    cloud_generation: Option<u64>,
}

/// The last computed cells, so the data percentiles are sorted once per scatter, not per frame.
#[derive(Default)]
pub struct GridCellsCache {
    last: Option<(CellsKey, GridAxes)>,
}

impl GridCellsCache {
    /// The cells of `spec` in `projection`'s plane by `spacing`: `None` for linear spacing (the
    /// spec's own even cells) and for a size the inference thread refuses anyway; data spacing
    /// without the model's scatter is [`SpacingError::NoData`].
    pub fn cells(
        &mut self,
        spacing: Spacing,
        spec: &GridSpec,
        projection: &Projection,
        latent_dim: usize,
        cloud: Option<(&LatentCloud, u64)>,
    ) -> Result<Option<GridAxes>, SpacingError> {
        if spacing == Spacing::Linear || !(2..=MAX_GRID_SIZE).contains(&spec.size) {
            return Ok(None);
        }
        let cloud = cloud.filter(|(cloud, _)| cloud.latent_dim == latent_dim && !cloud.is_empty());
        let key = CellsKey {
            spacing,
            size: spec.size,
            projection: projection.clone(),
            latent_dim,
            cloud_generation: cloud.filter(|_| spacing == Spacing::Data).map(|(_, generation)| generation),
        };
        if let Some((last_key, cells)) = &self.last
            && *last_key == key
        {
            return Ok(Some(cells.clone()));
        }
        let points: Vec<[f32; 2]> = match cloud {
            Some((cloud, _)) if spacing == Spacing::Data => {
                cloud.means.chunks_exact(latent_dim.max(1)).map(|mean| projection.project(mean)).collect()
            }
            _ => Vec::new(),
        };
        let cells = spacing.axes(spec.size, spec.x_range, projection, latent_dim, &points)?;
        self.last = Some((key, cells.clone()));
        Ok(Some(cells))
    }
}

/// The rectangle through a sweep's outer cells, for the scatter's outline of the grid.
pub fn cells_extent(request: &GridRequest) -> GridSpec {
    let last = request.spec.size.saturating_sub(1);
    let [left, top] = request.cell_center(0, 0);
    let [right, bottom] = request.cell_center(last, last);
    GridSpec { size: request.spec.size, x_range: [left, right], y_range: [bottom, top] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latent::normal_quantile;

    const PLANE: Projection = Projection::Dims { x: 0, y: 1 };

    fn cloud(means: Vec<f32>) -> LatentCloud {
        let count = means.len() / 2;
        LatentCloud {
            source: super::super::ScatterSource::Heldout,
            latent_dim: 2,
            means,
            labels: vec![0; count],
            indices: (0..count).collect(),
            pca: None,
            epochs_done: 0,
            log_vars: Vec::new(),
            kl_per_dim_nats: vec![0.0; 2],
            fingerprint: 0,
        }
    }

    #[test]
    fn quantile_cells_sit_at_the_priors_quantiles_and_linear_ones_are_the_specs() {
        let mut cache = GridCellsCache::default();
        let spec = GridSpec { size: 4, ..GridSpec::default() };
        assert_eq!(cache.cells(Spacing::Linear, &spec, &PLANE, 2, None), Ok(None));
        let cells = cache.cells(Spacing::Quantile, &spec, &PLANE, 2, None).expect("quantile").expect("cells");
        let expected: Vec<f32> = (0..4).map(|index| normal_quantile((index as f64 + 0.5) / 4.0) as f32).collect();
        assert_eq!(cells.x, expected);
        assert_eq!(cells.y, expected);
    }

    #[test]
    fn data_cells_need_the_scatter_and_follow_a_new_one() {
        let mut cache = GridCellsCache::default();
        let spec = GridSpec { size: 2, ..GridSpec::default() };
        assert_eq!(cache.cells(Spacing::Data, &spec, &PLANE, 2, None), Err(SpacingError::NoData));
        let first = cloud(vec![0.0, 0.0, 4.0, 8.0]);
        let cells = cache.cells(Spacing::Data, &spec, &PLANE, 2, Some((&first, 1))).expect("data").expect("cells");
        assert_eq!((cells.x.clone(), cells.y.clone()), (vec![1.0, 3.0], vec![2.0, 6.0]));
        let second = cloud(vec![0.0, 0.0, 8.0, 8.0]);
        let cells = cache.cells(Spacing::Data, &spec, &PLANE, 2, Some((&second, 2))).expect("data").expect("cells");
        assert_eq!(cells.x, vec![2.0, 6.0]);
        // A scatter of another latent size is not this model's.
        assert_eq!(cache.cells(Spacing::Data, &spec, &PLANE, 3, Some((&second, 2))), Err(SpacingError::NoData));
    }
}
