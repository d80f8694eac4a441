//! Latent-space geometry for the views: PCA, projections and the decoder grid.

mod grid;
mod interpolate;
mod pca;
mod projection;

pub use grid::{GridSpec, MAX_GRID_SIZE};
pub use interpolate::Interpolation;
pub use pca::Pca;
pub use projection::Projection;
