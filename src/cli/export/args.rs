//! Arguments of `vae-explorer export`: one subcommand per picture, each with only its own flags and
//! the shared ones (the model and data, the file to write, the pixel scale and gutter).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::source_args::ModelDataArgs;
use crate::latent::{Interpolation, Spacing};

/// `vae-explorer export`.
#[derive(Debug, Args)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct ExportArgs {
    /// What to draw.
    #[command(subcommand)]
    pub kind: ExportKind,
}

/// What `vae-explorer export` draws, with the flags of that picture.
#[derive(Debug, Subcommand)]
pub enum ExportKind {
    /// N × N decoder sweep over --range on latent dimensions 0 and 1 (or the first two principal
    /// components of the held-out means when the latent space is larger).
    Grid(GridArgs),
    /// 8 × 8 samples from the prior with --seed.
    Samples(SamplesArgs),
    /// 16 held-out images above their reconstructions.
    Reconstructions(ReconstructionsArgs),
    /// --steps frames from --from to --to: a strip (.png) or a ping-pong animation (.gif).
    Morph(MorphArgs),
    /// --steps frames from the mean latent of --from-class to that of --to-class (held-out images).
    Traversal(TraversalArgs),
    /// The query (--latent or --grid-cell) decoded, then its --k nearest training images: in pixel
    /// space (first row) and in latent space (second row).
    Neighbours(NeighboursArgs),
}

impl ExportKind {
    /// The flags every kind shares.
    pub fn picture(&self) -> &PictureArgs {
        match self {
            Self::Grid(args) => &args.picture,
            Self::Samples(args) => &args.picture,
            Self::Reconstructions(args) => &args.picture,
            Self::Morph(args) => &args.picture,
            Self::Traversal(args) => &args.picture,
            Self::Neighbours(args) => &args.picture,
        }
    }

    /// The kind's name, as typed and as the PNG's provenance names the view.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Grid(_) => "grid",
            Self::Samples(_) => "samples",
            Self::Reconstructions(_) => "reconstructions",
            Self::Morph(_) => "morph",
            Self::Traversal(_) => "traversal",
            Self::Neighbours(_) => "neighbours",
        }
    }
}

/// What `--help` says of export's `--data`, which has no fixed default.
const DATA_HELP: &str = "`bundled` or a folder of IDX files or pictures (for reconstructions, morph indices and PCA). \
                         Default: `bundled` for a model trained on the bundled digits; a model trained on a folder \
                         needs --data (a folder named inside a model never chooses what is read)";

/// The flags of every export: the model, its data, and the picture written.
#[derive(Debug, Args)]
#[command(mut_arg("data", |data| data.default_value(None::<&'static str>).help(DATA_HELP)))]
pub struct PictureArgs {
    /// The model, and the data for reconstructions, morph indices and PCA; a folder of pictures
    /// (and a --from/--to picture) is read with the model's own preprocessing unless flags say otherwise.
    #[command(flatten)]
    pub source: ModelDataArgs,
    /// Nearest-neighbour scale of every pixel (1 to 8).
    #[arg(long, default_value_t = 4)]
    pub scale: u32,
    /// Pixels between cells.
    #[arg(long, default_value_t = 2)]
    pub gutter: u32,
    /// The file to write: .png (or .gif for a morph).
    #[arg(long)]
    pub out: PathBuf,
}

/// The decoder sweep's cells: shared by `grid` and `neighbours --grid-cell`.
#[derive(Debug, Args)]
pub struct SweepCellArgs {
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
}

/// `export grid`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// The sweep.
    #[command(flatten)]
    pub sweep: SweepCellArgs,
}

/// `export samples`.
#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// Seed of the prior samples.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `export reconstructions`.
#[derive(Debug, Args)]
pub struct ReconstructionsArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
}

/// `export morph`.
#[derive(Debug, Args)]
pub struct MorphArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
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
    /// Frames per second of a GIF.
    #[arg(long, default_value_t = 12.0)]
    pub fps: f32,
}

/// `export traversal`.
#[derive(Debug, Args)]
pub struct TraversalArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// Traversal start: a class name (as the dataset names it) or index.
    #[arg(long)]
    pub from_class: Option<String>,
    /// Traversal end: a class name or index.
    #[arg(long)]
    pub to_class: Option<String>,
    /// Frames of the traversal, ends included.
    #[arg(long, default_value_t = 10)]
    pub steps: usize,
}

/// `export neighbours`.
#[derive(Debug, Args)]
pub struct NeighboursArgs {
    /// The model, data and file.
    #[command(flatten)]
    pub picture: PictureArgs,
    /// Neighbours of this latent point, as comma-separated values (one per latent dimension).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "grid_cell")]
    pub latent: Option<String>,
    /// Neighbours of this cell ROW,COL of the sweep described by --size, --range and --spacing.
    #[arg(long, value_parser = parse_cell)]
    pub grid_cell: Option<[usize; 2]>,
    /// The sweep --grid-cell counts in.
    #[command(flatten)]
    pub sweep: SweepCellArgs,
    /// Nearest training images shown (1 to 64).
    #[arg(long, default_value_t = 8)]
    pub k: usize,
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
