//! The t-SNE/UMAP planes the window holds: layouts already received (so switching back is
//! instant) and the progress of the one being computed. When to ask for a new one is the request
//! ledger's ([`crate::app::explorer::requests`]).

use std::sync::Arc;

use crate::inference::{LatentCloud, PlaneLayout};
use crate::latent::PlaneMethod;

/// Layouts kept in the window.
const KEPT_LAYOUTS: usize = 8;

/// How far the plane thread is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaneProgress {
    /// The method.
    pub method: PlaneMethod,
    /// The seed.
    pub seed: u64,
    /// The cloud being laid out.
    pub cloud_fingerprint: u64,
    /// Fraction done, 0 to 1.
    pub fraction: f32,
}

/// Layouts received from the plane thread, newest last.
#[derive(Default)]
pub struct PlaneLayouts {
    layouts: Vec<Arc<PlaneLayout>>,
    /// The plane being computed, if any.
    pub progress: Option<PlaneProgress>,
}

impl PlaneLayouts {
    /// Keeps a finished layout (replacing one of the same cloud, method and seed).
    pub fn insert(&mut self, layout: Arc<PlaneLayout>) {
        let same = |kept: &Arc<PlaneLayout>| {
            (kept.cloud_fingerprint, kept.method, kept.seed) == (layout.cloud_fingerprint, layout.method, layout.seed)
        };
        self.layouts.retain(|kept| !same(kept));
        if self.progress.is_some_and(|progress| {
            (progress.cloud_fingerprint, progress.method, progress.seed)
                == (layout.cloud_fingerprint, layout.method, layout.seed)
        }) {
            self.progress = None;
        }
        self.layouts.push(layout);
        if self.layouts.len() > KEPT_LAYOUTS {
            self.layouts.remove(0);
        }
    }

    /// The layout of exactly this cloud, method and seed.
    pub fn exact(&self, cloud: &LatentCloud, method: PlaneMethod, seed: u64) -> Option<&Arc<PlaneLayout>> {
        self.layouts.iter().rev().find(|layout| {
            layout.cloud_fingerprint == cloud.fingerprint && layout.method == method && layout.seed == seed
        })
    }

    /// The layout to show for `cloud`: its own, else the last finished layout over the same
    /// images, which still places every point while the new one runs: of the same method and
    /// seed (an earlier epoch's, while training) first, then of the same method, then of any.
    /// The plot's axes name the method and seed of the layout shown.
    pub fn best(&self, cloud: &LatentCloud, method: PlaneMethod, seed: u64) -> Option<&Arc<PlaneLayout>> {
        let same_images =
            |layout: &&Arc<PlaneLayout>| layout.source == cloud.source && layout.coords.len() == cloud.len();
        let newest = |wanted: &dyn Fn(&PlaneLayout) -> bool| {
            self.layouts.iter().rev().filter(same_images).find(|layout| wanted(layout))
        };
        self.exact(cloud, method, seed)
            .or_else(|| newest(&|layout| layout.method == method && layout.seed == seed))
            .or_else(|| newest(&|layout| layout.method == method))
            .or_else(|| newest(&|_| true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::ScatterSource;

    fn cloud(source: ScatterSource, points: usize, shift: f32) -> LatentCloud {
        let means: Vec<f32> = (0..points * 3).map(|index| index as f32 + shift).collect();
        let labels = vec![0; points];
        LatentCloud {
            source,
            latent_dim: 3,
            fingerprint: LatentCloud::fingerprint_of(source, &means, &labels),
            means,
            labels,
            indices: (0..points).collect(),
            pca: None,
            epochs_done: 1,
            log_vars: Vec::new(),
            kl_per_dim_nats: Vec::new(),
        }
    }

    fn layout(cloud: &LatentCloud, method: PlaneMethod, seed: u64) -> Arc<PlaneLayout> {
        Arc::new(PlaneLayout {
            cloud_fingerprint: cloud.fingerprint,
            source: cloud.source,
            epochs_done: cloud.epochs_done,
            method,
            seed,
            coords: vec![[seed as f32, 0.0]; cloud.len()],
        })
    }

    #[test]
    fn while_a_new_layout_runs_the_last_finished_one_of_the_same_images_is_shown() {
        let mut layouts = PlaneLayouts::default();
        let points = cloud(ScatterSource::Heldout, 4, 0.0);
        layouts.insert(layout(&points, PlaneMethod::Tsne, 1));
        // A new seed, then the other method: the finished t-SNE stays up until theirs is done.
        let shown = layouts.best(&points, PlaneMethod::Tsne, 2).expect("a stand-in");
        assert_eq!((shown.method, shown.seed), (PlaneMethod::Tsne, 1));
        assert!(layouts.best(&points, PlaneMethod::Umap, 1).is_some_and(|shown| shown.method == PlaneMethod::Tsne));
        // Once theirs is in, theirs is shown; the same method wins over a newer other one.
        layouts.insert(layout(&points, PlaneMethod::Tsne, 2));
        layouts.insert(layout(&points, PlaneMethod::Umap, 1));
        let shown = layouts.best(&points, PlaneMethod::Tsne, 3).expect("a stand-in");
        assert_eq!((shown.method, shown.seed), (PlaneMethod::Tsne, 2));
        assert_eq!(layouts.best(&points, PlaneMethod::Umap, 1).map(|shown| shown.seed), Some(1));
        // A new model's points of the same images (another fingerprint) keep the stand-in.
        let retrained = cloud(ScatterSource::Heldout, 4, 0.5);
        assert!(layouts.best(&retrained, PlaneMethod::Tsne, 2).is_some());
        // Layouts of other images never stand in: they cannot place these points.
        assert!(layouts.best(&cloud(ScatterSource::Train, 4, 0.0), PlaneMethod::Tsne, 1).is_none());
        assert!(layouts.best(&cloud(ScatterSource::Heldout, 5, 0.0), PlaneMethod::Tsne, 1).is_none());
    }
}
