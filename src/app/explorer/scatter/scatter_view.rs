//! The latent space's scatter view: its header, the plot with its overlays (the sweep's outline,
//! the sliders' point, morph ends and path, the drawing, the direction) and what clicks ask for.

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::scatter::header::{
    evolution_frames_label, plane_choice_ui, plane_status_ui, spread_choice_ui,
};
use crate::app::explorer::scatter::hover_tooltip::hover_tooltip_ui;
use crate::app::explorer::scatter::latent_scatter::{ScatterAction, ScatterData, ScatterOverlays};
use crate::app::explorer::scatter::overlay_points::{layout_position, morph_path};
use crate::app::explorer::state::PointRef;
use crate::app::explorer::views::{Explorer, NO_MODEL_YET};
use crate::app::settings::view_settings::ViewSettings;
use crate::inference::ScatterSource;
use crate::latent::cells_extent;

impl Explorer {
    /// Draws the scatter with its header (points shown, plane, evolution GIF); returns what the
    /// user asked (a morph end picked).
    pub fn scatter_view_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        if self.state.image_shape().is_none() {
            ui.label(NO_MODEL_YET);
            return actions;
        }
        self.scatter_ui(ui, settings, &mut actions);
        actions
    }

    fn scatter_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, actions: &mut Vec<AppAction>) {
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Heldout, "held-out");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Train, "training");
            let latent_dim = self.state.latent_dim().unwrap_or(2);
            plane_choice_ui(ui, &mut settings.plane, &mut settings.plane_seed, latent_dim);
            let clouds = &self.state.epoch_clouds;
            let label = format!("Export evolution GIF ({})…", evolution_frames_label(clouds));
            if ui.add_enabled(!clouds.is_empty(), egui::Button::new(label).small()).clicked() {
                actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::ScatterGif)));
            }
        });
        let Some(cloud) = self.state.cloud.value.clone() else {
            match self.state.data_mismatch() {
                Some(guidance) => ui.label(guidance),
                None => ui.label("encoding…"),
            };
            return;
        };
        let Some(projection) = self.projection(settings) else { return };
        let layout = self.layout_for(settings, &cloud);
        let wants_layout = settings.plane.layout_method().is_some() && cloud.latent_dim > 2;
        spread_choice_ui(ui, settings, layout.is_none());
        // A stand-in (an earlier epoch's, another seed's or the other method's) is said to be one.
        let exact = layout.as_ref().is_some_and(|layout| {
            layout.cloud_fingerprint == cloud.fingerprint
                && Some(layout.method) == settings.plane.layout_method()
                && layout.seed == settings.plane_seed
        });
        if wants_layout && !exact {
            let progress = self.state.planes.progress.filter(|progress| {
                progress.cloud_fingerprint == cloud.fingerprint && progress.seed == settings.plane_seed
            });
            let name =
                if settings.plane == crate::app::settings::view_settings::PlaneChoice::Tsne { "t-SNE" } else { "UMAP" };
            plane_status_ui(ui, progress, name, layout.is_some());
        }
        let class_names = self.state.dataset.as_ref().map(|dataset| dataset.class_names.clone()).unwrap_or_default();
        let means = self.morph_means().filter(|_| layout.is_none());
        let picks = self.state.ends.each_ref().map(|end| {
            let end = end.as_ref()?;
            match &layout {
                Some(layout) => end.point.and_then(|point| layout_position(&cloud, layout, point)),
                None => end.mean.as_ref().map(|mean| projection.project(mean)),
            }
        });
        // The sweep's outline: the chosen ranges, or the outer cells of a quantile or data sweep.
        let shown_grid = self.state.grid.value.as_ref().map(|(request, _)| request);
        let grid_extent = match shown_grid.filter(|request| request.spacing != crate::latent::Spacing::Linear) {
            Some(request) if settings.grid_spacing == request.spacing => cells_extent(request),
            _ => settings.grid,
        };
        let overlays = ScatterOverlays {
            grid: Some(&grid_extent).filter(|_| layout.is_none()),
            marker: (!self.latent.is_empty() && layout.is_none()).then(|| projection.project(&self.latent)),
            picks,
            marker_draggable: layout.is_none(),
            morph_path: means
                .as_ref()
                .map(|(from, to)| morph_path(settings, &projection, from, to))
                .unwrap_or_default(),
            morph_marker: means
                .as_ref()
                .map(|(from, to)| projection.project(&settings.morph.interpolation.at(from, to, settings.morph.t))),
            drawn: self.drawn_point(&projection).filter(|_| layout.is_none()),
            direction_arrow: self
                .state
                .traversal
                .value
                .as_ref()
                .filter(|_| settings.direction.shown)
                .map(|(_, direction, _)| [projection.project(&direction.from), projection.project(&direction.to)]),
        };
        self.drawn_marker = overlays.drawn;
        let state = &self.state;
        let hover_texture = &mut self.hover_texture;
        let hover_ui = |ui: &mut egui::Ui, point: PointRef| hover_tooltip_ui(ui, state, hover_texture, point);
        let data = ScatterData {
            cloud: &cloud,
            generation: self.state.cloud.generation,
            projection: &projection,
            class_names: &class_names,
            layout: layout.as_deref(),
            spread: settings.spread,
            colouring: settings.colouring,
            seed: settings.plane_seed,
        };
        for action in self.scatter.ui(ui, &data, &overlays, hover_ui) {
            match action {
                ScatterAction::Hover(point) => self.hovered = Some(point),
                ScatterAction::Pick { point, second } => {
                    let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.point));
                    let slot = usize::from(second || (a.is_some() && b.is_none() && a != Some(point)));
                    actions.push(AppAction::PickPoint { slot, point });
                }
                ScatterAction::MoveMarker(xy) => self.latent = projection.lift(xy, &self.latent),
            }
        }
    }
}
