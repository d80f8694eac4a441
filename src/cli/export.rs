//! `vae-explorer export`: pictures of a model's latent space, written without a window.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::ExportArgs;
use super::args::{ExportKind, model_source};
use crate::data::{DataSource, Dataset};
use crate::digit_import::import_image;
use crate::export::{
    GridStyle, ImageGrid, check_animation_size, interleave_rows, provenance, rendered_size, write_gif, write_png,
};
use crate::image_shape::ImageShape;
use crate::inference::{
    ModelSnapshot, RECONSTRUCTION_PAIRS, SAMPLE_GRID_SIDE, decode, encode_means, encode_pixels, prior_samples,
};
use crate::latent::MAX_GRID_SIZE;

const PAIRS_PER_ROW: usize = 8;

/// Runs `vae-explorer export`.
pub fn run_export(args: &ExportArgs) -> Result<()> {
    let snapshot = ModelSnapshot::load(&model_source(&args.model)).context("cannot open the model")?;
    let ImageShape { height, width, .. } = snapshot.image_shape();
    let latent_dim = snapshot.latent_dim();
    let is_gif = args.out.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("gif"));
    if is_gif && args.kind != ExportKind::Morph {
        bail!("only a morph exports as GIF; give --out a .png name");
    }
    let cells = |rows: usize, cols: usize, pixels: Vec<f32>| ImageGrid {
        rows,
        cols,
        cell_height: height,
        cell_width: width,
        pixels,
    };
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
            let (projection, axes) = super::grid_plane::grid_plane(args, &snapshot)?;
            let latents = axes.latents(&projection, &vec![0.0; latent_dim]);
            cells(args.size, args.size, decode(&snapshot.model, &latents, latent_dim))
        }
        ExportKind::Samples => {
            seed = args.seed;
            check_size(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE)?;
            let latents = prior_samples(SAMPLE_GRID_SIDE * SAMPLE_GRID_SIDE, latent_dim, args.seed);
            cells(SAMPLE_GRID_SIDE, SAMPLE_GRID_SIDE, decode(&snapshot.model, &latents, latent_dim))
        }
        ExportKind::Reconstructions => {
            let dataset = load_matching(&args.data, &snapshot)?;
            let indices: Vec<usize> = (0..dataset.heldout.len().min(RECONSTRUCTION_PAIRS)).collect();
            check_size(2 * indices.len().div_ceil(PAIRS_PER_ROW), PAIRS_PER_ROW)?;
            let mut originals = Vec::new();
            dataset.heldout.write_batch(&indices, &mut originals);
            let means = encode_means(&snapshot.model, &dataset.heldout, &indices);
            let reconstructions = decode(&snapshot.model, &means, latent_dim);
            let rows = interleave_rows(&originals, &reconstructions, height * width, PAIRS_PER_ROW);
            cells(rows.len() / (height * width * PAIRS_PER_ROW), PAIRS_PER_ROW, rows)
        }
        ExportKind::Morph => {
            if !(2..=64).contains(&args.steps) {
                bail!("--steps must be 2 to 64, not {}", args.steps);
            }
            if is_gif {
                let (frame_width, frame_height) = check_size(1, 1)?;
                check_animation_size(args.steps, frame_width, frame_height)?;
            } else {
                check_size(1, args.steps)?;
            }
            let from = morph_end(args, &snapshot, args.from.as_deref(), args.from_index, "--from")?;
            let to = morph_end(args, &snapshot, args.to.as_deref(), args.to_index, "--to")?;
            let path = args.interpolation.path(&from, &to, args.steps);
            let strip = decode(&snapshot.model, &path, latent_dim);
            if is_gif {
                let frames = strip
                    .chunks_exact(height * width)
                    .map(|frame| cells(1, 1, frame.to_vec()).to_gray_image(&style))
                    .collect::<Result<Vec<_>, _>>()?;
                write_gif(&args.out, &frames, args.fps, true)?;
                println!("wrote {} ({} frames, ping-pong)", args.out.display(), 2 * args.steps - 2);
                return Ok(());
            }
            cells(1, args.steps, strip)
        }
        ExportKind::Traversal => return super::export_traversal::export_traversal(args, &snapshot),
        ExportKind::Neighbours => return super::export_neighbours::export_neighbours(args, &snapshot),
    };
    let image = grid.to_gray_image(&style)?;
    let view = format!("{:?}", args.kind).to_lowercase();
    write_png(&args.out, &image, &provenance(&snapshot.info, &view, seed))?;
    println!("wrote {} ({}×{} pixels)", args.out.display(), image.width(), image.height());
    Ok(())
}

/// The dataset named by `--data`, checked against the model's image size.
fn load_matching(data: &str, snapshot: &ModelSnapshot) -> Result<Dataset> {
    let dataset = DataSource::from_arg(data).load().context("cannot load the data")?;
    let (model_shape, data_shape) = (snapshot.image_shape(), dataset.heldout.shape());
    if model_shape != data_shape {
        bail!("the model expects {model_shape} images but {} holds {data_shape} images", dataset.name);
    }
    Ok(dataset)
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
        let imported = import_image(path, shape.height, shape.width)?;
        let pixels: Vec<f32> = imported.pixels.iter().map(|&byte| f32::from(byte) / 255.0).collect();
        return Ok(encode_pixels(&snapshot.model, &pixels, shape));
    }
    let Some(index) = index else { bail!("a morph needs {flag} IMAGE or {flag}-index I") };
    let dataset = load_matching(&args.data, snapshot)?;
    if index >= dataset.heldout.len() {
        bail!("{flag}-index {index} is out of range: the held-out set has {} images", dataset.heldout.len());
    }
    Ok(encode_means(&snapshot.model, &dataset.heldout, &[index]))
}
