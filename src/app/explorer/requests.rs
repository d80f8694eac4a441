//! The one ledger of what the latent views asked of the inference and plane threads: each frame
//! the views' needs are written as a [`ViewRequests`], and only what differs from what was asked
//! before is sent; a t-SNE/UMAP plane is asked once per cloud, method and seed (while training, at
//! most once per epoch).

use std::sync::Arc;

use crate::app::explorer::directions::requests::{direction_ends, neighbour_query};
use crate::app::explorer::scatter::planes::PlaneLayouts;
use crate::app::explorer::views::Explorer;
use crate::app::settings::view_settings::{GridBase, ViewSettings};
use crate::inference::{
    InferenceRequest, LatentCloud, MAX_MORPH_STEPS, MAX_NEIGHBOURS, MorphRequest, NeighboursRequest, PlaneRequest,
    ReconstructRequest, TraversalRequest, ViewRequests,
};
use crate::latent::{GridCellsCache, GridRequest, PlaneMethod};

/// What was last asked of each kind.
#[derive(Default)]
pub struct RequestLedger {
    /// The view requests sent so far, the newest of each kind.
    sent: ViewRequests,
    /// The plane last asked: its cloud's fingerprint, method, seed and the cloud's epochs.
    plane_asked: Option<(u64, PlaneMethod, u64, usize)>,
    /// The decoder grid's cell positions, kept while their inputs stay the same.
    grid_cells: GridCellsCache,
    /// The model the views were last asked for: under a new one the morph ends' encodings (one-off
    /// requests the inference thread does not redo) are asked again.
    model_seen: std::sync::Weak<crate::inference::ModelSnapshot>,
}

impl RequestLedger {
    /// The requests the views need that were not sent yet; they count as sent from now on.
    /// `training`: a run is under way (planes are then asked at most once per epoch).
    pub fn missing(&mut self, explorer: &Explorer, settings: &ViewSettings, training: bool) -> Vec<InferenceRequest> {
        let mut requests = Vec::new();
        if let Some(model) = &explorer.state.model
            && !std::sync::Weak::ptr_eq(&self.model_seen, &Arc::downgrade(model))
        {
            self.model_seen = Arc::downgrade(model);
            self.sent.encode = [None, None];
        }
        if explorer.state.model.is_some() {
            let wanted = self.wanted(explorer, settings);
            let news = self.sent.news(wanted);
            if !news.is_empty() {
                requests.push(InferenceRequest::views(news));
            }
        }
        let method = settings.plane.layout_method();
        if let (Some(method), Some(cloud)) = (method, explorer.state.cloud.value.as_ref()) {
            requests.extend(self.missing_plane(cloud, &explorer.state.planes, method, settings.plane_seed, training));
        }
        requests
    }

    /// Every request the views need now, asked before or not.
    fn wanted(&mut self, explorer: &Explorer, settings: &ViewSettings) -> ViewRequests {
        let state = &explorer.state;
        let mut wanted = ViewRequests {
            scatter: Some(settings.scatter_source),
            samples: Some(settings.sample_seed),
            decode: (!explorer.latent.is_empty()).then(|| explorer.latent.clone()),
            ..ViewRequests::default()
        };
        if let Some(point) = explorer.hovered
            && !state.hovered.value.as_ref().is_some_and(|(shown, _)| *shown == point)
        {
            wanted.reconstruct = Some(ReconstructRequest { train: point.train, index: point.index });
        }
        for (slot, end) in state.ends.iter().enumerate() {
            match end {
                // A cleared end is asked afresh when it is set again, even to the same image.
                None => self.sent.encode[slot] = None,
                Some(end) if end.mean.is_none() => wanted.encode[slot] = Some(end.pixels.clone()),
                Some(_) => {}
            }
        }
        let [a, b] = state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        if let (Some(from), Some(to)) = (a, b) {
            let morph = &settings.morph;
            let steps = morph.steps.clamp(2, MAX_MORPH_STEPS);
            wanted.morph = Some(MorphRequest { from, to, t: morph.t, steps, interpolation: morph.interpolation });
        }
        // The mailbox keeps only the newest drawing: a drag asks every frame, the thread serves the last.
        let drawing = explorer.drawing();
        if self.sent.drawing.is_some() || !drawing.is_empty() {
            wanted.drawing = Some(drawing.clone());
        }
        wanted.grid = self.grid(explorer, settings);
        let direction = &settings.direction;
        if direction.shown
            && let Some(ends) = direction_ends(explorer, direction)
        {
            wanted.traversal = Some(TraversalRequest { ends, steps: direction.steps.clamp(2, MAX_MORPH_STEPS) });
        }
        let neighbours = &settings.neighbours;
        if neighbours.shown
            && let Some(query) = neighbour_query(explorer, neighbours.query)
        {
            wanted.neighbours = Some(NeighboursRequest { query, k: neighbours.k.clamp(1, MAX_NEIGHBOURS) });
        }
        wanted
    }

    /// The decoder sweep over the scatter's plane; `None` while data spacing waits for the
    /// scatter's points (the grid shown so far stays).
    fn grid(&mut self, explorer: &Explorer, settings: &ViewSettings) -> Option<GridRequest> {
        let projection = explorer.projection(settings)?;
        let base = match settings.grid_base {
            GridBase::Zero => vec![0.0; explorer.latent.len()],
            GridBase::Current => explorer.latent.clone(),
        };
        let state = &explorer.state;
        let cloud = state.cloud.value.as_deref().map(|cloud| (cloud, state.cloud.generation));
        let spacing = settings.grid_spacing;
        let cells = self.grid_cells.cells(spacing, &settings.grid, &projection, base.len(), cloud).ok()?;
        Some(GridRequest { spec: settings.grid, projection, base, spacing, cells })
    }

    /// The plane request `cloud` needs under `method` and `seed`, unless it was asked already,
    /// the window holds it, or `training` is on and this epoch's plane was asked already.
    fn missing_plane(
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
        if let Some((fingerprint, asked_method, asked_seed, epochs)) = self.plane_asked
            && asked_method == method
            && asked_seed == seed
            && (fingerprint == cloud.fingerprint || (training && epochs == cloud.epochs_done))
        {
            return None;
        }
        self.plane_asked = Some((cloud.fingerprint, method, seed, cloud.epochs_done));
        Some(InferenceRequest::Plane(PlaneRequest { cloud: Arc::clone(cloud), method, seed }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::{PlaneLayout, ScatterSource};

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
        let (mut ledger, layouts) = (RequestLedger::default(), PlaneLayouts::default());
        let tsne = PlaneMethod::Tsne;
        assert!(ledger.missing_plane(&cloud(0.0, 1), &layouts, tsne, 1, true).is_some());
        assert!(ledger.missing_plane(&cloud(0.0, 1), &layouts, tsne, 1, true).is_none(), "asked already");
        assert!(ledger.missing_plane(&cloud(0.5, 1), &layouts, tsne, 1, true).is_none(), "same epoch while training");
        assert!(ledger.missing_plane(&cloud(0.7, 2), &layouts, tsne, 1, true).is_some(), "a new epoch");
        assert!(ledger.missing_plane(&cloud(0.9, 2), &layouts, tsne, 1, false).is_some(), "training ended");
        assert!(ledger.missing_plane(&cloud(0.9, 2), &layouts, tsne, 2, false).is_some(), "a new seed");
    }

    #[test]
    fn a_held_layout_is_not_asked_again_and_an_older_one_stands_in() {
        let (mut ledger, mut layouts) = (RequestLedger::default(), PlaneLayouts::default());
        let (old, new) = (cloud(0.0, 1), cloud(0.5, 2));
        layouts.insert(layout_of(&old, 1));
        assert!(ledger.missing_plane(&old, &layouts, PlaneMethod::Tsne, 1, false).is_none());
        assert!(layouts.exact(&new, PlaneMethod::Tsne, 1).is_none());
        let stand_in = layouts.best(&new, PlaneMethod::Tsne, 1).expect("the older layout");
        assert_eq!(stand_in.epochs_done, 1);
        // Another seed is another plane: asked for, with the finished one shown until it is in.
        assert!(ledger.missing_plane(&new, &layouts, PlaneMethod::Tsne, 2, false).is_some());
        assert_eq!(layouts.best(&new, PlaneMethod::Tsne, 2).map(|shown| shown.seed), Some(1));
    }
}
