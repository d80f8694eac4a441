//! The plane and cell positions of `export grid`'s sweep, shared with `export neighbours --grid-cell`.

use anyhow::{Context, Result, bail};

use super::ExportArgs;
use super::data_args::open_data;
use super::encode::ensure_data_fits_model;
use crate::checkpoint::CheckpointInfo;
use crate::data::{DataSource, Dataset};
use crate::inference::{ModelSnapshot, encode_means};
use crate::latent::{GridRequest, MAX_GRID_SIZE, Pca, Projection, Spacing};

/// The sweep: its plane (dimensions 0 and 1, or the held-out means' PCA above two dimensions),
/// its cells placed by `--spacing` over `--size` × `--size`, the other dimensions at zero.
pub(super) fn grid_plane(args: &ExportArgs, snapshot: &ModelSnapshot) -> Result<GridRequest> {
    if !(2..=MAX_GRID_SIZE).contains(&args.size) {
        bail!("--size must be 2 to {MAX_GRID_SIZE}, not {}", args.size);
    }
    let latent_dim = snapshot.latent_dim();
    let means = if latent_dim > 2 || args.spacing == Spacing::Data {
        let dataset = load_matching(args, snapshot)?;
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

/// The dataset named by `--data` (a picture folder read with the model's own preprocessing unless
/// flags say otherwise), checked against the model's image size.
pub(super) fn load_matching(args: &ExportArgs, snapshot: &ModelSnapshot) -> Result<Dataset> {
    let data = match &args.data {
        Some(data) => data.clone(),
        None => trained_on(&snapshot.info)?,
    };
    let dataset = open_data(&data, &args.preprocessing, Some(&snapshot.info))?;
    ensure_data_fits_model(snapshot, &dataset.name, &dataset.heldout)?;
    Ok(dataset)
}

/// `--data`'s default: `bundled` for a model trained on the bundled digits. A folder named in a model's
/// description never chooses what is read (a downloaded model could name private pictures): it must
/// be given with `--data`.
fn trained_on(info: &CheckpointInfo) -> Result<String> {
    if info.dataset == DataSource::Bundled.to_string() {
        return Ok("bundled".to_string());
    }
    bail!(
        "the model names {} as its data, but a folder stored in a model never chooses what is read; pass --data with the folder to read (the same, or another)",
        crate::display_name::escaped(info.dataset.as_ref())
    )
}
