//! What the direction and nearest-images panels need from the inference thread, each asked once
//! and asked again when it changes.

use super::exploration_settings::{DirectionBetween, DirectionSettings, NeighbourQuery, NeighbourSettings};
use super::explorer::Explorer;
use crate::inference::{
    DirectionEnds, InferenceRequest, MAX_MORPH_STEPS, MAX_NEIGHBOURS, NeighboursRequest, TraversalRequest,
};

/// The last traversal and neighbour requests sent.
#[derive(Default)]
pub struct ExplorationLedger {
    traversal: Option<TraversalRequest>,
    neighbours: Option<NeighboursRequest>,
}

impl ExplorationLedger {
    /// The requests the panels need that were not sent yet; they count as sent from now on.
    pub fn missing(
        &mut self,
        explorer: &Explorer,
        direction: &DirectionSettings,
        neighbours: &NeighbourSettings,
    ) -> Vec<InferenceRequest> {
        let mut requests = Vec::new();
        if explorer.state.model.is_none() {
            return requests;
        }
        if direction.shown
            && let Some(ends) = direction_ends(explorer, direction)
        {
            let request = TraversalRequest { ends, steps: direction.steps.clamp(2, MAX_MORPH_STEPS) };
            if self.traversal.as_ref() != Some(&request) {
                self.traversal = Some(request.clone());
                requests.push(InferenceRequest::Traversal(request));
            }
        }
        if neighbours.shown
            && let Some(query) = neighbour_query(explorer, neighbours.query)
        {
            let request = NeighboursRequest { query, k: neighbours.k.clamp(1, MAX_NEIGHBOURS) };
            if self.neighbours.as_ref() != Some(&request) {
                self.neighbours = Some(request.clone());
                requests.push(InferenceRequest::Neighbours(request));
            }
        }
        requests
    }
}

/// The two means the direction joins, once they can be named.
fn direction_ends(explorer: &Explorer, settings: &DirectionSettings) -> Option<DirectionEnds> {
    let state = &explorer.state;
    match settings.between {
        DirectionBetween::Classes => {
            let classes = state.dataset.as_ref()?.class_names.len();
            let last = u8::try_from(classes.checked_sub(1)?).unwrap_or(u8::MAX);
            Some(DirectionEnds::Classes { from: settings.from_class.min(last), to: settings.to_class.min(last) })
        }
        DirectionBetween::MorphEnds => {
            let [from, to] = state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
            Some(DirectionEnds::Points { from: from?, to: to? })
        }
    }
}

/// The latent point whose nearest training images are wanted: [latent_dim].
pub fn neighbour_query(explorer: &Explorer, query: NeighbourQuery) -> Option<Vec<f32>> {
    let state = &explorer.state;
    match query {
        NeighbourQuery::Sliders => (!explorer.latent.is_empty()).then(|| explorer.latent.clone()),
        NeighbourQuery::GridCell => {
            let (row, col) = explorer.grid.hovered_cell?;
            let (request, _) = state.grid.value.as_ref()?;
            let size = request.spec.size;
            if row >= size || col >= size {
                return None;
            }
            let latents = request.spec.latents(&request.projection, &request.base);
            let latent_dim = request.base.len();
            let start = (row * size + col).checked_mul(latent_dim)?;
            latents.get(start..start + latent_dim).map(<[f32]>::to_vec)
        }
        NeighbourQuery::MorphFrame => {
            let (request, _, _) = state.morph.value.as_ref()?;
            Some(request.interpolation.at(&request.from, &request.to, request.t))
        }
    }
}
