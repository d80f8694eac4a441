//! The plane and cell positions of `export grid`'s sweep, shared with `export neighbours --grid-cell`.

use anyhow::{Context, Result, bail};

use super::SweepCellArgs;
use crate::cli::source_args::ModelDataArgs;
use crate::inference::{ModelSnapshot, encode_means};
use crate::latent::{GridRequest, MAX_GRID_SIZE, Pca, Projection, Spacing};

/// The sweep: its plane (dimensions 0 and 1, or the held-out means' PCA above two dimensions),
/// its cells placed by `--spacing` over `--size` × `--size`, the other dimensions at zero.
pub(super) fn grid_plane(
    source: &ModelDataArgs,
    args: &SweepCellArgs,
    snapshot: &ModelSnapshot,
) -> Result<GridRequest> {
    if !(2..=MAX_GRID_SIZE).contains(&args.size) {
        bail!("--size must be 2 to {MAX_GRID_SIZE}, not {}", args.size);
    }
    let latent_dim = snapshot.latent_dim();
    let means = if latent_dim > 2 || args.spacing == Spacing::Data {
        let dataset = source.open_data_for(snapshot)?;
        let indices: Vec<usize> = (0..dataset.heldout.len()).collect();
        encode_means(&snapshot.model, &dataset.heldout, &indices)
    } else {
        Vec::new()
    };
    let projection = if latent_dim > 2 {
        Projection::Pca(Pca::fit(&means, latent_dim).context("the held-out means do not span two directions")?)
    } else {
        Projection::Dims { x: 0, y: latent_dim.min(2).saturating_sub(1) }
    };
    let points: Vec<[f32; 2]> = means.chunks_exact(latent_dim.max(1)).map(|mean| projection.project(mean)).collect();
    let cells = args.spacing.axes(args.size, args.range, &projection, latent_dim, &points)?;
    Ok(GridRequest::over_cells(projection, cells, vec![0.0; latent_dim], args.spacing))
}
