//! The t-SNE/UMAP planes the window holds and asks for: layouts already received (so switching
//! back is instant), the progress of the one being computed, and when to ask for a new one
//! (a new cloud, method or seed; while training, at most once per epoch).

use std::sync::Arc;

use crate::inference::{InferenceRequest, LatentCloud, PlaneLayout, PlaneRequest};
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

    /// The layout to show for `cloud`: its own, else the newest of the same method and seed over
    /// the same images (an earlier epoch's, while training), which still places every point.
    pub fn best(&self, cloud: &LatentCloud, method: PlaneMethod, seed: u64) -> Option<&Arc<PlaneLayout>> {
        self.exact(cloud, method, seed).or_else(|| {
            self.layouts.iter().rev().find(|layout| {
                layout.method == method
                    && layout.seed == seed
                    && layout.source == cloud.source
                    && layout.coords.len() == cloud.len()
            })
        })
    }
}

/// What plane was last asked for.
#[derive(Default)]
pub struct PlaneLedger {
    /// Cloud fingerprint, method and seed asked, and the epochs of that cloud.
    asked: Option<(u64, PlaneMethod, u64, usize)>,
}

impl PlaneLedger {
    /// The plane request `cloud` needs under `method` and `seed`, unless it was asked already,
    /// the window holds it, or `training` is on and this epoch's plane was asked already.
    pub fn missing(
        &mut self,
        cloud: &Arc<LatentCloud>,
        layouts: &PlaneLayouts,
        method: PlaneMethod,
        seed: u64,
        training: bool,
    ) -> Option<InferenceRequest> {
        if cloud.latent_dim <= 2 || cloud.is_empty() || layouts.exact(cloud, method, seed).is_some() {
            return None;
        }
        if let Some((fingerprint, asked_method, asked_seed, epochs)) = self.asked
            && asked_method == method
            && asked_seed == seed
            && (fingerprint == cloud.fingerprint || (training && epochs == cloud.epochs_done))
        {
            return None;
        }
        self.asked = Some((cloud.fingerprint, method, seed, cloud.epochs_done));
        Some(InferenceRequest::Plane(PlaneRequest { cloud: Arc::clone(cloud), method, seed }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::ScatterSource;

    fn cloud(seed: f32, epochs_done: usize) -> Arc<LatentCloud> {
        let means = vec![seed, 0.0, 0.0, 1.0, 1.0, 1.0];
        let labels = vec![0, 1];
        Arc::new(LatentCloud {
            source: ScatterSource::Heldout,
            latent_dim: 3,
            fingerprint: LatentCloud::fingerprint_of(ScatterSource::Heldout, &means, &labels),
            means,
            labels,
            indices: vec![0, 1],
            pca: None,
            epochs_done,
            log_vars: Vec::new(),
            kl_per_dim_nats: Vec::new(),
        })
    }

    fn layout_of(cloud: &LatentCloud, seed: u64) -> Arc<PlaneLayout> {
        Arc::new(PlaneLayout {
            cloud_fingerprint: cloud.fingerprint,
            source: cloud.source,
            epochs_done: cloud.epochs_done,
            method: PlaneMethod::Tsne,
            seed,
            coords: vec![[0.0, 0.0], [1.0, 1.0]],
        })
    }

    #[test]
    fn while_training_a_plane_is_asked_once_per_epoch() {
        let (mut ledger, layouts) = (PlaneLedger::default(), PlaneLayouts::default());
        let tsne = PlaneMethod::Tsne;
        assert!(ledger.missing(&cloud(0.0, 1), &layouts, tsne, 1, true).is_some());
        assert!(ledger.missing(&cloud(0.0, 1), &layouts, tsne, 1, true).is_none(), "asked already");
        assert!(ledger.missing(&cloud(0.5, 1), &layouts, tsne, 1, true).is_none(), "same epoch while training");
        assert!(ledger.missing(&cloud(0.7, 2), &layouts, tsne, 1, true).is_some(), "a new epoch");
        assert!(ledger.missing(&cloud(0.9, 2), &layouts, tsne, 1, false).is_some(), "training ended");
        assert!(ledger.missing(&cloud(0.9, 2), &layouts, tsne, 2, false).is_some(), "a new seed");
    }

    #[test]
    fn a_held_layout_is_not_asked_again_and_an_older_one_stands_in() {
        let (mut ledger, mut layouts) = (PlaneLedger::default(), PlaneLayouts::default());
        let (old, new) = (cloud(0.0, 1), cloud(0.5, 2));
        layouts.insert(layout_of(&old, 1));
        assert!(ledger.missing(&old, &layouts, PlaneMethod::Tsne, 1, false).is_none());
        assert!(layouts.exact(&new, PlaneMethod::Tsne, 1).is_none());
        let stand_in = layouts.best(&new, PlaneMethod::Tsne, 1).expect("the older layout");
        assert_eq!(stand_in.epochs_done, 1);
        assert!(layouts.best(&new, PlaneMethod::Tsne, 2).is_none(), "another seed is another plane");
    }
}
