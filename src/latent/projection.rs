//! How latent points are shown in 2D: two chosen dimensions, or the first two principal components.

use super::Pca;

/// A map from the latent space to the plane of the scatter, and back.
#[derive(Clone, Debug, PartialEq)]
pub enum Projection {
    /// Latent dimensions `x` and `y` as they are.
    Dims {
        /// Dimension on the horizontal axis.
        x: usize,
        /// Dimension on the vertical axis.
        y: usize,
    },
    /// The first two principal components of the encoded points.
    Pca(Pca),
}

impl Projection {
    /// The plane coordinates of `latent`.
    pub fn project(&self, latent: &[f32]) -> [f32; 2] {
        match self {
            Self::Dims { x, y } => [latent.get(*x).copied().unwrap_or(0.0), latent.get(*y).copied().unwrap_or(0.0)],
            Self::Pca(pca) => pca.project(latent),
        }
    }

    /// The latent point at plane position `xy`, taking every other direction from `base`.
    pub fn lift(&self, xy: [f32; 2], base: &[f32]) -> Vec<f32> {
        match self {
            Self::Dims { x, y } => {
                let mut latent = base.to_vec();
                if let Some(value) = latent.get_mut(*x) {
                    *value = xy[0];
                }
                if let Some(value) = latent.get_mut(*y) {
                    *value = xy[1];
                }
                latent
            }
            Self::Pca(pca) => pca.inverse_around(xy, base),
        }
    }

    /// True when this plane belongs to a latent space of `latent_dim` dimensions (a plane kept
    /// from a model of another latent size does not).
    pub fn fits(&self, latent_dim: usize) -> bool {
        match self {
            Self::Dims { x, y } => *x < latent_dim && *y < latent_dim,
            Self::Pca(pca) => pca.dim() == latent_dim,
        }
    }

    /// Axis titles for the plot.
    pub fn axis_names(&self) -> [String; 2] {
        match self {
            Self::Dims { x, y } => [format!("z{x}"), format!("z{y}")],
            Self::Pca(pca) => {
                let [first, second] = pca.explained_variance_ratio();
                [
                    format!("PC1 ({:.0}% of variance)", first * 100.0),
                    format!("PC2 ({:.0}% of variance)", second * 100.0),
                ]
            }
        }
    }
}
