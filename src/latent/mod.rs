//! Latent-space geometry for the views: PCA, projections, the decoder grid and its spacings,
//! posterior ellipses, class directions, nearest neighbours, and t-SNE/UMAP planes.

mod cloud;
mod directions;
mod grid;
mod grid_cells;
mod grid_request;
mod interpolate;
mod knn_graph;
mod neighbours;
mod normal_quantile;
mod pca;
mod plane_embedding;
mod posterior_spread;
mod projection;
mod slider_scale;
mod spacing;
mod tsne;
mod tsne_tree;
mod umap;

pub use cloud::{LatentCloud, ScatterSource};
pub use directions::{Direction, class_mean, selection_mean};
pub use grid::{GridSpec, MAX_GRID_SIZE};
pub use grid_cells::{GridCellsCache, cells_extent};
pub use grid_request::GridRequest;
pub use interpolate::Interpolation;
pub use knn_graph::knn_graph;
pub use neighbours::{Neighbour, nearest_images, nearest_points};
pub use normal_quantile::normal_quantile;
pub use pca::Pca;
#[cfg(test)]
pub(crate) use plane_embedding::test_blobs;
pub use plane_embedding::{
    EmbeddingCache, EmbeddingError, EmbeddingKey, MAX_EMBEDDING_POINTS, PlaneMethod, embed_plane, knn_label_agreement,
};
pub use posterior_spread::{
    Ellipse, covariance_axes, mean_sigma_per_point, plane_basis, posterior_ellipses, projected_covariance,
};
pub use projection::Projection;
pub use slider_scale::{DataRanges, SliderScale, normal_cdf};
pub use spacing::{GridAxes, Spacing, SpacingError, percentile};
pub use tsne::{TsneParams, tsne};
pub use umap::{UmapParams, umap};
