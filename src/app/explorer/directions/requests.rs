//! What the direction and nearest-images panels ask about: the two means a direction joins and
//! the latent point whose nearest training images are wanted (the request ledger,
//! [`crate::app::explorer::requests`], asks for them).

use crate::app::explorer::views::Explorer;
use crate::app::settings::exploration_settings::{DirectionBetween, DirectionSettings, NeighbourQuery};
use crate::inference::DirectionEnds;

/// The two means the direction joins, once they can be named.
pub fn direction_ends(explorer: &Explorer, settings: &DirectionSettings) -> Option<DirectionEnds> {
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
            request.cell_latent(row, col)
        }
        NeighbourQuery::MorphFrame => {
            let (request, _, _) = state.morph.value.as_ref()?;
            Some(request.interpolation.at(&request.from, &request.to, request.t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latent::{GridRequest, GridSpec, Projection, Spacing};

    #[test]
    fn a_hovered_cell_asks_for_the_point_its_sweep_decoded_there() {
        let projection = Projection::Dims { x: 0, y: 1 };
        let spec = GridSpec { size: 5, x_range: [-4.0, 4.0], y_range: [-4.0, 4.0] };
        let cells = Spacing::Quantile.axes(5, spec.x_range, &projection, 2, &[]).expect("quantile cells");
        let request =
            GridRequest { spec, projection, base: vec![0.0, 0.0], spacing: Spacing::Quantile, cells: Some(cells) };
        let mut explorer = Explorer::default();
        explorer.state.grid.set((request.clone(), Vec::new()));
        explorer.grid.hovered_cell = Some((0, 1));
        let query = neighbour_query(&explorer, NeighbourQuery::GridCell).expect("a hovered cell");
        let decoded_there = request.latents()[2..4].to_vec();
        assert_eq!(query, decoded_there, "the cell's own point, not the spec's evenly spaced one");
    }
}
