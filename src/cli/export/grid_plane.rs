//! The plane and cell positions of `export grid`'s sweep, shared with `export neighbours --grid-cell`.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::ExportArgs;
use crate::checkpoint::CheckpointInfo;
use crate::cli::data_args::open_data;
use crate::cli::encode::ensure_data_fits_model;
use crate::data::Dataset;
use crate::inference::{ModelSnapshot, encode_means};
use crate::latent::{GridAxes, MAX_GRID_SIZE, Pca, Projection, Spacing};

/// The sweep's plane (dimensions 0 and 1, or the held-out means' PCA above two dimensions) and
/// its cells placed by `--spacing` over `--size` × `--size`.
pub(super) fn grid_plane(args: &ExportArgs, snapshot: &ModelSnapshot) -> Result<(Projection, GridAxes)> {
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
    let axes = args.spacing.axes(args.size, args.range, &projection, latent_dim, &points)?;
    Ok((projection, axes))
}

/// The dataset named by `--data` (a picture folder read with the model's own preprocessing unless
/// flags say otherwise), checked against the model's image size.
pub(super) fn load_matching(args: &ExportArgs, snapshot: &ModelSnapshot) -> Result<Dataset> {
    let data = args.data.clone().unwrap_or_else(|| trained_on(&snapshot.info));
    let dataset = open_data(&data, &args.preprocessing, Some(&snapshot.info))?;
    ensure_data_fits_model(snapshot, &dataset.name, &dataset.heldout)?;
    Ok(dataset)
}

/// `--data`'s default: the folder `info`'s model was trained on when it is still a folder, else
/// `bundled`.
fn trained_on(info: &CheckpointInfo) -> String {
    let folder = Path::new(&info.dataset);
    if folder.is_dir() { info.dataset.clone() } else { "bundled".to_string() }
}
