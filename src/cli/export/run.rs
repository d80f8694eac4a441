//! `vae-explorer export`: pictures of a model's latent space, written without a window.

use std::path::Path;

use anyhow::{Result, bail};

use super::{ExportArgs, ExportKind, MorphArgs};
use crate::export::{provenance, write_frames_gif, write_grid_png};
use crate::image_import::import_morph_end;
use crate::inference::{
    MAX_MORPH_STEPS, ModelSnapshot, RECONSTRUCTION_PAIRS, SAMPLE_GRID_SIDE, decode, encode_means, encode_pixels,
    prior_samples,
};
use crate::latent::MAX_GRID_SIZE;
use crate::render::{self, GridStyle, PAIRS_PER_ROW, check_animation_size, rendered_size};

/// Runs `vae-explorer export`.
pub fn run_export(args: &ExportArgs) -> Result<()> {
    let picture = args.kind.picture();
    let snapshot = picture.source.open_model()?;
    let shape = snapshot.image_shape();
    let (height, width) = (shape.height, shape.width);
    let latent_dim = snapshot.latent_dim();
    let is_gif = picture.out.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("gif"));
    if is_gif && !matches!(args.kind, ExportKind::Morph(_)) {
        bail!("only a morph exports as GIF; give --out a .png name");
    }
    let style = GridStyle { scale: picture.scale, gutter_px: picture.gutter };
    // Every picture's size is checked before anything is decoded or drawn for it.
    let check_size = |rows: usize, cols: usize| rendered_size(rows, cols, height, width, &style);
    let mut seed = snapshot.info.training.seed;
    let grid = match &args.kind {
        ExportKind::Grid(grid) => {
            let size = grid.sweep.size;
            if !(2..=MAX_GRID_SIZE).contains(&size) {
                bail!("--size must be 2 to {MAX_GRID_SIZE}, not {size}");
            }
            check_size(size, size)?;
            let latents = super::grid_plane::grid_plane(&picture.source, &grid.sweep, &snapshot)?.latents();
            render::decoder_grid(decode(&snapshot.model, &latents, latent_dim), shape, size)
        }
        ExportKind::Samples(samples) => {
            seed = samples.seed;
            check_size(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE)?;
            let latents = prior_samples(SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE, latent_dim, samples.seed);
            render::prior_samples(decode(&snapshot.model, &latents, latent_dim), shape)
        }
        ExportKind::Reconstructions(_) => {
            let dataset = picture.source.open_data_for(&snapshot)?;
            let indices: Vec<usize> = (0..dataset.heldout.len().min(RECONSTRUCTION_PAIRS)).collect();
            check_size(render::reconstruction_rows(indices.len()), PAIRS_PER_ROW)?;
            let mut originals = Vec::new();
            dataset.heldout.write_batch(&indices, &mut originals);
            let means = encode_means(&snapshot.model, &dataset.heldout, &indices);
            let reconstructions = decode(&snapshot.model, &means, latent_dim);
            render::reconstructions(&originals, &reconstructions, shape)
        }
        ExportKind::Morph(morph) => {
            if !(2..=MAX_MORPH_STEPS).contains(&morph.steps) {
                bail!("--steps must be 2 to {MAX_MORPH_STEPS}, not {}", morph.steps);
            }
            let columns = render::strip_columns(morph.steps, width, &style);
            if is_gif {
                let (frame_width, frame_height) = check_size(1, 1)?;
                check_animation_size(morph.steps, frame_width, frame_height)?;
            } else {
                check_size(morph.steps.div_ceil(columns), columns)?;
            }
            let from = morph_end(morph, &snapshot, morph.from.as_deref(), morph.from_index, "--from")?;
            let to = morph_end(morph, &snapshot, morph.to.as_deref(), morph.to_index, "--to")?;
            let path = morph.interpolation.path(&from, &to, morph.steps);
            let strip = decode(&snapshot.model, &path, latent_dim);
            if is_gif {
                let written =
                    write_frames_gif(&picture.out, &render::morph_frames(&strip, shape), &style, morph.fps, true)?;
                println!("wrote {} ({written} frames, ping-pong)", picture.out.display());
                return Ok(());
            }
            render::morph_strip(strip, shape, morph.steps, columns)
        }
        ExportKind::Traversal(traversal) => return super::traversal::export_traversal(traversal, &snapshot),
        ExportKind::Neighbours(neighbours) => return super::neighbours::export_neighbours(neighbours, &snapshot),
    };
    let (image_width, image_height) =
        write_grid_png(&picture.out, &grid, &style, &provenance(&snapshot.info, args.kind.name(), seed))?;
    println!("wrote {} ({image_width}×{image_height} pixels)", picture.out.display());
    Ok(())
}

/// The latent mean of a morph end given as an image file or a held-out index.
fn morph_end(
    args: &MorphArgs,
    snapshot: &ModelSnapshot,
    image: Option<&Path>,
    index: Option<usize>,
    flag: &str,
) -> Result<Vec<f32>> {
    let shape = snapshot.image_shape();
    if let Some(path) = image {
        if let Some(index) = path.to_str().and_then(|text| text.parse::<usize>().ok())
            && !path.exists()
        {
            bail!("{flag} {index} names no file; for held-out image {index} use {flag}-index {index}");
        }
        let pixels = import_morph_end(path, &snapshot.info, args.picture.source.input.preprocessing.choice())?;
        return Ok(encode_pixels(&snapshot.model, &pixels, shape));
    }
    let Some(index) = index else { bail!("a morph needs {flag} IMAGE or {flag}-index I") };
    let dataset = args.picture.source.open_data_for(snapshot)?;
    if index >= dataset.heldout.len() {
        bail!("{flag}-index {index} is out of range: the held-out set has {} images", dataset.heldout.len());
    }
    Ok(encode_means(&snapshot.model, &dataset.heldout, &[index]))
}
