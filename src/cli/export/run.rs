//! `vae-explorer export`: pictures of a model's latent space, written without a window.

use std::path::Path;

use anyhow::{Result, bail};

use super::ExportArgs;
use super::ExportKind;
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
    let snapshot = args.source.open_model()?;
    let shape = snapshot.image_shape();
    let (height, width) = (shape.height, shape.width);
    let latent_dim = snapshot.latent_dim();
    let is_gif = args.out.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("gif"));
    if is_gif && args.kind != ExportKind::Morph {
        bail!("only a morph exports as GIF; give --out a .png name");
    }
    let style = GridStyle { scale: args.scale, gutter_px: args.gutter };
    // Every picture's size is checked before anything is decoded or drawn for it.
    let check_size = |rows: usize, cols: usize| rendered_size(rows, cols, height, width, &style);
    let mut seed = snapshot.info.training.seed;
    let grid = match args.kind {
        ExportKind::Grid => {
            if !(2..=MAX_GRID_SIZE).contains(&args.size) {
                bail!("--size must be 2 to {MAX_GRID_SIZE}, not {}", args.size);
            }
            check_size(args.size, args.size)?;
            let latents = super::grid_plane::grid_plane(args, &snapshot)?.latents();
            render::decoder_grid(decode(&snapshot.model, &latents, latent_dim), shape, args.size)
        }
        ExportKind::Samples => {
            seed = args.seed;
            check_size(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE)?;
            let latents = prior_samples(SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE, latent_dim, args.seed);
            render::prior_samples(decode(&snapshot.model, &latents, latent_dim), shape)
        }
        ExportKind::Reconstructions => {
            let dataset = args.source.open_data_for(&snapshot)?;
            let indices: Vec<usize> = (0..dataset.heldout.len().min(RECONSTRUCTION_PAIRS)).collect();
            check_size(render::reconstruction_rows(indices.len()), PAIRS_PER_ROW)?;
            let mut originals = Vec::new();
            dataset.heldout.write_batch(&indices, &mut originals);
            let means = encode_means(&snapshot.model, &dataset.heldout, &indices);
            let reconstructions = decode(&snapshot.model, &means, latent_dim);
            render::reconstructions(&originals, &reconstructions, shape)
        }
        ExportKind::Morph => {
            if !(2..=MAX_MORPH_STEPS).contains(&args.steps) {
                bail!("--steps must be 2 to {MAX_MORPH_STEPS}, not {}", args.steps);
            }
            let columns = render::strip_columns(args.steps, width, &style);
            if is_gif {
                let (frame_width, frame_height) = check_size(1, 1)?;
                check_animation_size(args.steps, frame_width, frame_height)?;
            } else {
                check_size(args.steps.div_ceil(columns), columns)?;
            }
            let from = morph_end(args, &snapshot, args.from.as_deref(), args.from_index, "--from")?;
            let to = morph_end(args, &snapshot, args.to.as_deref(), args.to_index, "--to")?;
            let path = args.interpolation.path(&from, &to, args.steps);
            let strip = decode(&snapshot.model, &path, latent_dim);
            if is_gif {
                let written =
                    write_frames_gif(&args.out, &render::morph_frames(&strip, shape), &style, args.fps, true)?;
                println!("wrote {} ({written} frames, ping-pong)", args.out.display());
                return Ok(());
            }
            render::morph_strip(strip, shape, args.steps, columns)
        }
        ExportKind::Traversal => return super::traversal::export_traversal(args, &snapshot),
        ExportKind::Neighbours => return super::neighbours::export_neighbours(args, &snapshot),
    };
    let view = format!("{:?}", args.kind).to_lowercase();
    let (image_width, image_height) =
        write_grid_png(&args.out, &grid, &style, &provenance(&snapshot.info, &view, seed))?;
    println!("wrote {} ({image_width}×{image_height} pixels)", args.out.display());
    Ok(())
}

/// The latent mean of a morph end given as an image file or a held-out index.
fn morph_end(
    args: &ExportArgs,
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
        let pixels = import_morph_end(path, &snapshot.info, args.source.input.preprocessing.choice())?;
        return Ok(encode_pixels(&snapshot.model, &pixels, shape));
    }
    let Some(index) = index else { bail!("a morph needs {flag} IMAGE or {flag}-index I") };
    let dataset = args.source.open_data_for(snapshot)?;
    if index >= dataset.heldout.len() {
        bail!("{flag}-index {index} is out of range: the held-out set has {} images", dataset.heldout.len());
    }
    Ok(encode_means(&snapshot.model, &dataset.heldout, &[index]))
}
