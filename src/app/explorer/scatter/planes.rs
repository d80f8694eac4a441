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
