//! `vae-explorer export`: its arguments, the pictures it draws, and the sweep's plane they share.

mod args;
mod grid_plane;
mod neighbours;
mod run;
mod traversal;

pub use args::{ExportArgs, ExportKind, MorphArgs, NeighboursArgs, SweepCellArgs, TraversalArgs};
pub use run::run_export;
