//! Which map puts the latent points on the scatter's plane (PCA, t-SNE or UMAP), computing the
//! non-linear ones, caching them per model, and measuring how well a plane keeps classes together.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Pca;
use super::knn_graph::knn_graph;
use super::tsne::{TsneParams, tsne};
use super::umap::{UmapParams, umap};

/// Most points t-SNE or UMAP lays out: both start from an exact k-nearest-neighbour search over
/// every pair of points.
pub const MAX_EMBEDDING_POINTS: usize = 20_000;

/// A map from the latent space to the plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum PlaneMethod {
    /// The first two principal components (linear; the only plane that maps back to latent space).
    #[default]
    Pca,
    /// t-SNE (perplexity 30, 1,000 iterations): keeps neighbourhoods, distorts distances.
    Tsne,
    /// UMAP (15 neighbours, min_dist 0.1): keeps neighbourhoods and more of the global layout.
    Umap,
}

/// Why no plane could be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmbeddingError {
    /// Too many points for the pairwise methods.
    #[error("{method:?} lays out at most {max} points, not {count}; use the held-out set or PCA")]
    TooManyPoints {
        /// The method asked for.
        method: PlaneMethod,
        /// Points given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// PCA needs two spread-out points of at least two dimensions.
    #[error("PCA needs at least two distinct, finite points of two or more dimensions")]
    NoPca,
    /// A value is NaN or infinite.
    #[error("a latent value is not finite")]
    NotFinite,
    /// The progress callback asked to stop.
    #[error("stopped before the plane was finished")]
    Stopped,
}

/// Lays `points` ([n, dim]) out on the plane with `method`; `seed` drives t-SNE's start and
/// UMAP's sampling (equal seeds give identical planes). `progress` hears the fraction done and
/// stops the run by returning false.
pub fn embed_plane(
    method: PlaneMethod,
    points: &[f32],
    dim: usize,
    seed: u64,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Vec<[f32; 2]>, EmbeddingError> {
    if points.iter().any(|value| !value.is_finite()) {
        return Err(EmbeddingError::NotFinite);
    }
    let count = points.len().checked_div(dim).unwrap_or(0);
    if method != PlaneMethod::Pca && count > MAX_EMBEDDING_POINTS {
        return Err(EmbeddingError::TooManyPoints { method, count, max: MAX_EMBEDDING_POINTS });
    }
    let plane = match method {
        PlaneMethod::Pca => {
            let pca = Pca::fit(points, dim).ok_or(EmbeddingError::NoPca)?;
            progress(1.0);
            Some(pca.project_all(points))
        }
        PlaneMethod::Tsne => tsne(points, dim, &TsneParams { seed, ..TsneParams::default() }, progress),
        PlaneMethod::Umap => umap(points, dim, &UmapParams { seed, ..UmapParams::default() }, progress),
    };
    plane.ok_or(EmbeddingError::Stopped)
}

/// What a cached plane was made from: the model's weights file (a fresh name at every save),
/// the points' count, the method and the seed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmbeddingKey {
    /// The model's weights file name (or another name unique to the weights).
    pub weights: String,
    /// How many points were laid out.
    pub points: usize,
    /// The method.
    pub method: PlaneMethod,
    /// The seed.
    pub seed: u64,
}

/// Planes already computed, owned by whoever computes them (the inference thread, a command).
#[derive(Debug, Default)]
pub struct EmbeddingCache {
    planes: HashMap<EmbeddingKey, Vec<[f32; 2]>>,
}

impl EmbeddingCache {
    /// The cached plane of `key`, or a new one from `compute` (kept only when it succeeds).
    pub fn get_or_compute(
        &mut self,
        key: EmbeddingKey,
        compute: impl FnOnce() -> Result<Vec<[f32; 2]>, EmbeddingError>,
    ) -> Result<&[[f32; 2]], EmbeddingError> {
        if !self.planes.contains_key(&key) {
            let plane = compute()?;
            self.planes.insert(key.clone(), plane);
        }
        Ok(self.planes.get(&key).map(Vec::as_slice).unwrap_or_default())
    }

    /// Number of planes held.
    pub fn len(&self) -> usize {
        self.planes.len()
    }

    /// True when no plane is held.
    pub fn is_empty(&self) -> bool {
        self.planes.is_empty()
    }
}

/// Mean fraction of each point's `k` nearest neighbours in the plane that share its label: how
/// well the plane keeps classes together (1 = perfectly; chance is about Σ share²).
pub fn knn_label_agreement(plane: &[[f32; 2]], labels: &[u8], k: usize) -> f64 {
    let flat: Vec<f32> = plane.iter().flatten().copied().collect();
    let graph = knn_graph(&flat, 2, k);
    let (mut agreeing, mut total) = (0usize, 0usize);
    for (i, row) in graph.iter().enumerate() {
        for &(j, _) in row {
            agreeing += usize::from(labels.get(i) == labels.get(j));
            total += 1;
        }
    }
    if total == 0 { 0.0 } else { agreeing as f64 / total as f64 }
}

/// Three well separated Gaussian blobs in 5-D, 40 points each, labelled by blob.
#[cfg(test)]
pub(crate) fn test_blobs() -> (Vec<f32>, Vec<u8>) {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let (mut points, mut labels) = (Vec::new(), Vec::new());
    let Ok(noise) = Normal::new(0.0f32, 1.0) else { return (points, labels) };
    for blob in 0..3u8 {
        for _ in 0..40 {
            for axis in 0..5 {
                let center = if usize::from(blob) == axis { 10.0 } else { 0.0 };
                points.push(center + noise.sample(&mut rng));
            }
            labels.push(blob);
        }
    }
    (points, labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_agreement_by_hand() {
        // Two tight pairs far apart: every nearest neighbour shares the label.
        let plane = [[0.0, 0.0], [0.1, 0.0], [10.0, 0.0], [10.1, 0.0]];
        assert_eq!(knn_label_agreement(&plane, &[1, 1, 2, 2], 1), 1.0);
        assert_eq!(knn_label_agreement(&plane, &[1, 2, 1, 2], 1), 0.0);
    }

    #[test]
    fn the_cache_computes_once_per_key() {
        let mut cache = EmbeddingCache::default();
        let key = EmbeddingKey { weights: "weights-1.bpk".into(), points: 2, method: PlaneMethod::Tsne, seed: 1 };
        let mut runs = 0;
        for _ in 0..2 {
            let plane = cache
                .get_or_compute(key.clone(), || {
                    runs += 1;
                    Ok(vec![[1.0, 2.0], [3.0, 4.0]])
                })
                .expect("plane");
            assert_eq!(plane, &[[1.0, 2.0], [3.0, 4.0]]);
        }
        assert_eq!(runs, 1);
        let other = EmbeddingKey { seed: 2, ..key };
        assert!(cache.get_or_compute(other, || Err(EmbeddingError::Stopped)).is_err());
        assert_eq!(cache.len(), 1, "failures are not cached");
    }

    #[test]
    fn bad_input_is_refused() {
        let too_many = vec![0.0f32; 2 * (MAX_EMBEDDING_POINTS + 1)];
        assert!(matches!(
            embed_plane(PlaneMethod::Tsne, &too_many, 2, 1, &mut |_| true),
            Err(EmbeddingError::TooManyPoints { .. })
        ));
        assert_eq!(
            embed_plane(PlaneMethod::Umap, &[f32::NAN, 0.0], 2, 1, &mut |_| true),
            Err(EmbeddingError::NotFinite)
        );
        assert_eq!(embed_plane(PlaneMethod::Pca, &[1.0, 2.0], 2, 1, &mut |_| true), Err(EmbeddingError::NoPca));
        let (points, _) = test_blobs();
        let plane = embed_plane(PlaneMethod::Pca, &points, 5, 1, &mut |_| true).expect("pca");
        assert_eq!(plane.len(), 120);
    }
}
