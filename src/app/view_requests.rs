//! What the latent views need from the inference thread, compared in one place with what was
//! last asked, so each need is asked once and a changed need is asked again.

use super::explorer::Explorer;
use super::explorer_state::PointRef;
use super::grid_cells::GridCellsCache;
use super::view_settings::{GridBase, ViewSettings};
use crate::inference::{GridRequest, InferenceRequest, MAX_MORPH_STEPS, MorphRequest, ScatterSource};

/// The last request of each kind sent for the views.
#[derive(Default)]
pub struct RequestLedger {
    scatter: Option<ScatterSource>,
    samples: Option<u64>,
    grid: Option<GridRequest>,
    morph: Option<MorphRequest>,
    decode: Option<Vec<f32>>,
    reconstruct: Option<PointRef>,
    encode: [Option<Vec<f32>>; 2],
    drawing: Option<crate::drawing::Drawing>,
    grid_cells: GridCellsCache,
    exploration: super::exploration_requests::ExplorationLedger,
}

impl RequestLedger {
    /// The requests the views need that were not sent yet; they count as sent from now on.
    pub fn missing(&mut self, explorer: &Explorer, settings: &ViewSettings) -> Vec<InferenceRequest> {
        let mut requests = Vec::new();
        let state = &explorer.state;
        if state.model.is_none() {
            return requests;
        }
        ask(&mut self.scatter, settings.scatter_source, InferenceRequest::Scatter, &mut requests);
        ask(&mut self.samples, settings.sample_seed, InferenceRequest::Samples, &mut requests);
        if !explorer.latent.is_empty() {
            ask(&mut self.decode, explorer.latent.clone(), InferenceRequest::Decode, &mut requests);
        }
        if let Some(point) = explorer.hovered
            && !state.hovered.value.as_ref().is_some_and(|(shown, _)| *shown == point)
        {
            let reconstruct =
                |point: PointRef| InferenceRequest::Reconstruct { train: point.train, index: point.index };
            ask(&mut self.reconstruct, point, reconstruct, &mut requests);
        }
        for (slot, end) in state.ends.iter().enumerate() {
            match end {
                None => self.encode[slot] = None,
                Some(end) if end.mean.is_none() => {
                    let encode = |pixels| InferenceRequest::Encode { slot, pixels };
                    ask(&mut self.encode[slot], end.pixels.clone(), encode, &mut requests);
                }
                Some(_) => {}
            }
        }
        let [a, b] = state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        if let (Some(from), Some(to)) = (a, b) {
            let morph = &settings.morph;
            let steps = morph.steps.clamp(2, MAX_MORPH_STEPS);
            let request = MorphRequest { from, to, t: morph.t, steps, interpolation: morph.interpolation };
            ask(&mut self.morph, request, InferenceRequest::Morph, &mut requests);
        }
        // The mailbox keeps only the newest drawing: a drag asks every frame, the thread serves the last.
        let drawing = explorer.drawing();
        if self.drawing.is_some() || !drawing.is_empty() {
            ask(&mut self.drawing, drawing.clone(), InferenceRequest::EncodeDrawing, &mut requests);
        }
        if let Some(projection) = explorer.projection(settings) {
            let base = match settings.grid_base {
                GridBase::Zero => vec![0.0; explorer.latent.len()],
                GridBase::Current => explorer.latent.clone(),
            };
            let cloud = state.cloud.value.as_deref().map(|cloud| (cloud, state.cloud.generation));
            let spacing = settings.grid_spacing;
            // Data spacing waits for the scatter's points; the grid shown so far stays.
            if let Ok(cells) = self.grid_cells.cells(spacing, &settings.grid, &projection, base.len(), cloud) {
                let request = GridRequest { spec: settings.grid, projection, base, spacing, cells };
                ask(&mut self.grid, request, InferenceRequest::Grid, &mut requests);
            }
        }
        requests.extend(self.exploration.missing(explorer, &settings.direction, &settings.neighbours));
        requests
    }
}

/// Sends `wanted` unless it is what was last sent.
fn ask<T: Clone + PartialEq>(
    sent: &mut Option<T>,
    wanted: T,
    request: impl FnOnce(T) -> InferenceRequest,
    requests: &mut Vec<InferenceRequest>,
) {
    if sent.as_ref() != Some(&wanted) {
        *sent = Some(wanted.clone());
        requests.push(request(wanted));
    }
}
