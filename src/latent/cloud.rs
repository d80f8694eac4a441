//! The encoded points the views show: which set, each point's encoder mean and log-variance, its
//! class and image index, and their principal components. Plain data, computed by the inference
//! thread.

use super::Pca;

/// Which images the scatter shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum ScatterSource {
    /// The held-out images.
    #[default]
    Heldout,
    /// Up to 60,000 training images.
    Train,
}

/// Encoded points for the scatter.
#[derive(Clone, Debug, PartialEq)]
pub struct LatentCloud {
    /// Which set was encoded.
    pub source: ScatterSource,
    /// Latent size.
    pub latent_dim: usize,
    /// Encoder means: [n, latent_dim] row-major.
    pub means: Vec<f32>,
    /// Class of each point.
    pub labels: Vec<u8>,
    /// Image index of each point in its set.
    pub indices: Vec<usize>,
    /// Principal components of the means (latent_dim ≥ 2).
    pub pca: Option<Pca>,
    /// Epochs the encoding model had trained.
    pub epochs_done: usize,
    /// Encoder log-variances: [n, latent_dim] row-major (empty when not encoded).
    pub log_vars: Vec<f32>,
    /// Mean KL(q(z|x) ‖ N(0, 1)) of each latent dimension over these points, in nats: [latent_dim]
    /// (the KL strip's source when the model's checkpoint recorded none).
    pub kl_per_dim_nats: Vec<f64>,
    /// A hash of the means and labels: equal clouds have equal fingerprints (keys cached planes).
    pub fingerprint: u64,
}

impl LatentCloud {
    /// The log-variances of point `index`, when encoded.
    pub fn log_var(&self, index: usize) -> Option<&[f32]> {
        self.log_vars.get(index * self.latent_dim..(index + 1) * self.latent_dim)
    }

    /// The hash [`LatentCloud::fingerprint`] holds, of `means`, `labels` and `source`.
    pub fn fingerprint_of(source: ScatterSource, means: &[f32], labels: &[u8]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        source.hash(&mut hasher);
        means.len().hash(&mut hasher);
        for value in means {
            value.to_bits().hash(&mut hasher);
        }
        labels.hash(&mut hasher);
        hasher.finish()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there is no point.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The mean of point `index`.
    pub fn mean(&self, index: usize) -> &[f32] {
        &self.means[index * self.latent_dim..(index + 1) * self.latent_dim]
    }
}
