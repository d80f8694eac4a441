//! Arguments of `vae-explorer export`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::source_args::ModelDataArgs;
use crate::latent::{Interpolation, Spacing};

/// What `vae-explorer export` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// N × N decoder sweep over --range on latent dimensions 0 and 1 (or the first two
    /// principal components of the held-out means when the latent space is larger).
    Grid,
    /// 8 × 8 samples from the prior with --seed.
    Samples,
    /// 16 held-out images above their reconstructions.
    Reconstructions,
    /// --steps frames from --from to --to: a strip (.png) or a ping-pong animation (.gif).
    Morph,
    /// --steps frames from the mean latent of --from-class to that of --to-class (held-out images).
    Traversal,
    /// The query (--latent or --grid-cell) decoded, then its --k nearest training images: in
    /// pixel space (first row) and in latent space (second row).
    Neighbours,
}

/// What `--help` says of export's `--data`, which has no fixed default.
const DATA_HELP: &str = "`bundled` or a folder of IDX files or pictures (for reconstructions, morph indices and PCA). \
                         Default: `bundled` for a model trained on the bundled digits; a model trained on a folder \
                         needs --data (a folder named inside a model never chooses what is read)";

/// `vae-explorer export`.
#[derive(Debug, Args)]
#[command(mut_arg("data", |data| data.default_value(None::<&'static str>).help(DATA_HELP)))]
pub struct ExportArgs {
    /// What to draw.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// The model, and the data for reconstructions, morph indices and PCA; a folder of pictures
    /// (and a --from/--to picture) is read with the model's own preprocessing unless flags say otherwise.
    #[command(flatten)]
    pub source: ModelDataArgs,
    /// Extent of the sweep on both axes, as MIN,MAX.
    #[arg(long, default_value = "-4,4", value_parser = parse_range, allow_hyphen_values = true)]
    pub range: [f32; 2],
    /// Cells per side of the sweep (2 to 64).
    #[arg(long, default_value_t = 20)]
    pub size: usize,
    /// Where the sweep's cells sit: evenly over --range, at the prior's quantiles, or at the
    /// percentiles of the held-out means.
    #[arg(long, value_enum, default_value_t = Spacing::Linear)]
    pub spacing: Spacing,
    /// Traversal start: a class name (as the dataset names it) or index.
    #[arg(long)]
    pub from_class: Option<String>,
    /// Traversal end: a class name or index.
    #[arg(long)]
    pub to_class: Option<String>,
    /// Neighbours of this latent point, as comma-separated values (one per latent dimension).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "grid_cell")]
    pub latent: Option<String>,
    /// Neighbours of this cell ROW,COL of the sweep described by --size, --range and --spacing.
    #[arg(long, value_parser = parse_cell)]
    pub grid_cell: Option<[usize; 2]>,
    /// Nearest training images shown (1 to 64).
    #[arg(long, default_value_t = 8)]
    pub k: usize,
    /// Morph start: an image file.
    #[arg(long, conflicts_with = "from_index")]
    pub from: Option<PathBuf>,
    /// Morph start: a held-out image index.
    #[arg(long)]
    pub from_index: Option<usize>,
    /// Morph end: an image file.
    #[arg(long, conflicts_with = "to_index")]
    pub to: Option<PathBuf>,
    /// Morph end: a held-out image index.
    #[arg(long)]
    pub to_index: Option<usize>,
    /// Frames of the morph, ends included.
    #[arg(long, default_value_t = 10)]
    pub steps: usize,
    /// Straight or spherical morph path.
    #[arg(long, value_enum, default_value_t = Interpolation::Linear)]
    pub interpolation: Interpolation,
    /// Nearest-neighbour scale of every pixel (1 to 8).
    #[arg(long, default_value_t = 4)]
    pub scale: u32,
    /// Pixels between cells.
    #[arg(long, default_value_t = 2)]
    pub gutter: u32,
    /// Frames per second of a GIF.
    #[arg(long, default_value_t = 12.0)]
    pub fps: f32,
    /// Seed of the prior samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The file to write: .png, or .gif for a morph.
    #[arg(long)]
    pub out: PathBuf,
}

fn parse_range(text: &str) -> Result<[f32; 2], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [low, high] = parts.as_slice() else { return Err(format!("expected MIN,MAX such as -4,4, not {text:?}")) };
    let parse = |part: &str| part.trim().parse::<f32>().map_err(|_| format!("{part:?} is not a number"));
    let (low, high) = (parse(low)?, parse(high)?);
    if !(low.is_finite() && high.is_finite()) {
        return Err(format!("MIN and MAX must be finite numbers (as 32-bit floats): {text:?}"));
    }
    if low >= high {
        return Err(format!("MIN must be below MAX: {text:?}"));
    }
    if !(high - low).is_finite() {
        return Err(format!("MAX − MIN overflows a 32-bit float; choose a narrower range than {text:?}"));
    }
    Ok([low, high])
}

fn parse_cell(text: &str) -> Result<[usize; 2], String> {
    let parts: Vec<&str> = text.split(',').collect();
    let [row, col] = parts.as_slice() else { return Err(format!("expected ROW,COL such as 3,5, not {text:?}")) };
    let parse = |part: &str| part.trim().parse::<usize>().map_err(|_| format!("{part:?} is not a cell index"));
    Ok([parse(row)?, parse(col)?])
}
