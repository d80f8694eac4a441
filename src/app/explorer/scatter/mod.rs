//! The 2D latent scatter: its plot, header choices, rasterised points, posterior spread,
//! t-SNE/UMAP planes and hover tooltip.

pub mod fitted_bounds;
pub mod header;
pub mod hover_tooltip;
pub mod latent_scatter;
pub mod overlay_points;
pub mod planes;
pub mod raster;
pub mod scatter_view;
pub mod spread;
