//! `vae-explorer export neighbours`: a latent point decoded, then the training images nearest to
//! it: in pixel space (is the decoded image a copy?) and in latent space (which images encode near it?).

use anyhow::{Context, Result, bail};

use super::NeighboursArgs;
use super::grid_plane::grid_plane;
use crate::data::ImageSet;
use crate::export::{provenance, write_grid_png};
use crate::inference::{MAX_NEIGHBOURS, ModelSnapshot, decode, encode_means};
use crate::latent::{Neighbour, nearest_images, nearest_points};
use crate::render::{GridStyle, rendered_size};

/// Writes two rows of `1 + k` cells: the decoded query, then its nearest training images in pixel
/// space; the query again, then its nearest training images in latent space.
pub(super) fn export_neighbours(args: &NeighboursArgs, snapshot: &ModelSnapshot) -> Result<()> {
    let picture = &args.picture;
    if !(1..=MAX_NEIGHBOURS).contains(&args.k) {
        bail!("--k must be 1 to {MAX_NEIGHBOURS}, not {}", args.k);
    }
    let shape = snapshot.image_shape();
    let style = GridStyle { scale: picture.scale, gutter_px: picture.gutter };
    rendered_size(2, 1 + args.k, shape.height, shape.width, &style)?;
    let latent_dim = snapshot.latent_dim();
    let query = query_latent(args, snapshot)?;
    let dataset = picture.source.open_data_for(snapshot)?;
    let train = &dataset.train;
    if train.len() < args.k {
        bail!("--k {} is more than the {} training images", args.k, train.len());
    }
    let decoded = decode(&snapshot.model, &query, latent_dim);
    let by_pixels = nearest_images(&decoded, &train.pixels, train.values_per_image(), args.k);
    let indices: Vec<usize> = (0..train.len()).collect();
    let train_means = encode_means(&snapshot.model, train, &indices);
    let by_latent = nearest_points(&query, &train_means, latent_dim, args.k);
    let images_of = |found: &[Neighbour]| {
        let mut pixels = Vec::new();
        train.write_batch(&found.iter().map(|neighbour| neighbour.index).collect::<Vec<_>>(), &mut pixels);
        pixels
    };
    let grid = crate::render::neighbour_rows(&decoded, &images_of(&by_pixels), &images_of(&by_latent), shape, args.k);
    let (image_width, image_height) = write_grid_png(
        &picture.out,
        &grid,
        &style,
        &provenance(&snapshot.info, "neighbours", snapshot.info.training.seed),
    )?;
    let values: Vec<String> = query.iter().map(|value| format!("{value:.3}")).collect();
    println!(
        "wrote {} ({image_width}×{image_height} pixels) for the latent point ({})",
        picture.out.display(),
        values.join(", ")
    );
    println!("nearest in pixel space (L2, pixels in [0, 1]): {}", describe(&by_pixels, train));
    println!("nearest in latent space (L2): {}", describe(&by_latent, train));
    Ok(())
}

/// The query's latent point: `--latent` as given, or the centre of `--grid-cell`.
fn query_latent(args: &NeighboursArgs, snapshot: &ModelSnapshot) -> Result<Vec<f32>> {
    let latent_dim = snapshot.latent_dim();
    if let Some(text) = &args.latent {
        let values = text
            .split(',')
            .map(|part| part.trim().parse::<f32>().ok().filter(|value| value.is_finite()))
            .collect::<Option<Vec<f32>>>();
        return match values {
            Some(values) if values.len() == latent_dim => Ok(values),
            _ => bail!("--latent needs {latent_dim} finite numbers separated by commas, not {text:?}"),
        };
    }
    let Some([row, col]) = args.grid_cell else { bail!("neighbours need --latent X,Y,… or --grid-cell ROW,COL") };
    let size = args.sweep.size;
    if row >= size || col >= size {
        bail!("--grid-cell {row},{col} is outside the {0} × {0} sweep (rows and columns count from 0)", size);
    }
    let sweep = grid_plane(&args.picture.source, &args.sweep, snapshot)?;
    sweep.cell_latent(row, col).context("the sweep has no such cell")
}

/// "#412 (class 3) 2.41, …" for the printout.
fn describe(neighbours: &[Neighbour], set: &ImageSet) -> String {
    neighbours
        .iter()
        .map(|neighbour| {
            let label = set.labels.get(neighbour.index).copied().unwrap_or_default();
            format!("#{} (class {label}) {:.3}", neighbour.index, neighbour.squared_distance.sqrt())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
