//! The latent views together: scatter, sweep, samples, reconstructions and sliders.
//!
//! The explorer is a view over [`ExplorerState`]: it edits view state (the sliders' point, the
//! tab, the hovered point) and returns [`AppAction`]s; the app decides what to ask the threads.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::actions::{AppAction, DialogRequest};
use super::decoder_grid::DecoderGrid;
use super::direction_panel::DirectionPanel;
use super::explorer_state::{ExplorerState, MorphEnd, PointRef};
use super::hover_tooltip::hover_tooltip;
use super::image_grids::ImageGrids;
use super::image_texture::CachedTexture;
use super::latent_scatter::{LatentScatter, ScatterAction, ScatterData, ScatterOverlays};
use super::latent_sliders::{LatentSliders, SLIDER_RANGE, SliderAction};
use super::morph_view::MorphView;
use super::neighbour_panel::NeighbourPanel;
use super::view_export::ExportView;
use super::view_settings::{PlaneChoice, ViewSettings};
use crate::inference::{InferenceResult, ScatterSource};
use crate::latent::Projection;

/// Which view fills the right half of the explorer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ExplorerTab {
    /// Decoder sweep.
    #[default]
    Grid,
    /// Prior samples.
    Samples,
    /// Originals and reconstructions.
    Reconstructions,
    /// Morph between two images.
    Morph,
}

/// The latent views: what they show and their view state.
#[derive(Default)]
pub struct Explorer {
    /// What the views show.
    pub state: ExplorerState,
    /// The sliders' point.
    pub latent: Vec<f32>,
    /// The scatter point under the pointer, whose reconstruction the tooltip wants.
    pub hovered: Option<PointRef>,
    pub(super) tab: ExplorerTab,
    scatter: LatentScatter,
    sliders: LatentSliders,
    pub(super) grid: DecoderGrid,
    pub(super) grids: ImageGrids,
    hover_texture: CachedTexture,
    pub(super) morph: MorphView,
    prior_draws: u64,
    /// The direction panel below the sliders.
    pub(super) direction: DirectionPanel,
    /// The nearest-images panel below the sliders.
    pub(super) neighbour_panel: NeighbourPanel,
}

impl Explorer {
    /// Folds an inference result in; a model of another latent size resets the sliders and ends.
    pub fn apply(&mut self, result: InferenceResult) {
        if let InferenceResult::ModelReady(model) = &result
            && model.latent_dim() != self.latent.len()
        {
            self.latent = vec![0.0; model.latent_dim()];
            self.state.ends = [None, None];
        }
        self.state.apply(result);
    }

    /// Makes dataset image `point` morph end `slot` (0 = A, 1 = B).
    pub fn pick_point(&mut self, slot: usize, point: PointRef) {
        let Some(pixels) = self.state.original(point) else { return };
        let set = if point.train { "training" } else { "held-out" };
        let label = self.state.label_name(point).unwrap_or_default();
        let name = format!("{set} #{} ({label})", point.index);
        let mean = self.state.mean_of(point);
        self.set_end(slot, MorphEnd { name, pixels, mean, point: Some(point) });
    }

    /// Makes an image morph end `slot` (0 = A, 1 = B); the app has it encoded unless its mean is known.
    pub fn set_end(&mut self, slot: usize, end: MorphEnd) {
        if let Some(place) = self.state.ends.get_mut(slot) {
            *place = Some(end);
        }
    }

    /// Swaps morph ends A and B.
    pub fn swap_ends(&mut self) {
        self.state.ends.swap(0, 1);
    }

    /// Shows the given tab.
    pub fn set_tab(&mut self, tab: ExplorerTab) {
        self.tab = tab;
    }

    /// The current projection of the scatter's plane.
    pub fn projection(&self, settings: &ViewSettings) -> Option<Projection> {
        let latent_dim = self.state.latent_dim()?;
        let pca = self.state.cloud.value.as_ref().and_then(|cloud| cloud.pca.as_ref());
        Some(settings.plane.projection(latent_dim, pca))
    }

    /// Draws the scatter (left) and the tabbed image views (right).
    pub fn show_views(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let Some(shape) = self.state.image_shape() else {
            ui.label("No model yet: click Train, or open a saved model.");
            return actions;
        };
        ui.columns(2, |columns| {
            self.show_scatter(&mut columns[0], settings, &mut actions);
            self.show_tabs(&mut columns[1], settings, shape, &mut actions);
        });
        actions
    }

    /// Draws the sliders and their decoded image, editing the sliders' point in place.
    pub fn show_sliders(&mut self, ui: &mut egui::Ui) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let Some(shape) = self.state.image_shape() else { return actions };
        let decoded =
            self.state.decoded.value.as_ref().map(|(_, image)| (image.as_slice(), self.state.decoded.generation));
        let has_selection = self.state.ends[0].as_ref().is_some_and(|end| end.mean.is_some());
        for action in self.sliders.show(ui, &mut self.latent, decoded, shape, has_selection) {
            match action {
                SliderAction::Changed => {}
                SliderAction::Export => {
                    actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::DecodedPoint)))
                }
                SliderAction::SampleFromPrior => {
                    self.prior_draws += 1;
                    let mut rng = StdRng::seed_from_u64(self.prior_draws);
                    self.latent.iter_mut().for_each(|value| *value = StandardNormal.sample(&mut rng));
                }
                SliderAction::SetFromSelection => {
                    if let Some(mean) = self.state.ends[0].as_ref().and_then(|end| end.mean.clone()) {
                        self.latent =
                            mean.iter().map(|value| value.clamp(*SLIDER_RANGE.start(), *SLIDER_RANGE.end())).collect();
                    }
                }
            }
        }
        actions
    }

    fn show_scatter(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, actions: &mut Vec<AppAction>) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Latent space");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Heldout, "held-out");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Train, "training");
            self.plane_choice(ui, &mut settings.plane);
            let epochs = self.state.epoch_clouds.len();
            let label = format!("Export evolution GIF ({epochs} epochs)…");
            if ui.add_enabled(epochs > 0, egui::Button::new(label).small()).clicked() {
                actions.push(AppAction::Ask(DialogRequest::ExportFile(ExportView::ScatterGif)));
            }
        });
        let Some(cloud) = self.state.cloud.value.clone() else {
            ui.label("encoding…");
            return;
        };
        let Some(projection) = self.projection(settings) else { return };
        let class_names = self.state.dataset.as_ref().map(|dataset| dataset.class_names.clone()).unwrap_or_default();
        let means = self.morph_means();
        let picks = self
            .state
            .ends
            .each_ref()
            .map(|end| end.as_ref().and_then(|end| end.mean.as_ref()).map(|mean| projection.project(mean)));
        let overlays = ScatterOverlays {
            grid: Some(&settings.grid),
            marker: (!self.latent.is_empty()).then(|| projection.project(&self.latent)),
            picks,
            marker_draggable: true,
            morph_path: means
                .as_ref()
                .map(|(from, to)| morph_path(settings, &projection, from, to))
                .unwrap_or_default(),
            morph_marker: means
                .as_ref()
                .map(|(from, to)| projection.project(&settings.morph.interpolation.at(from, to, settings.morph.t))),
            direction_arrow: self
                .state
                .traversal
                .value
                .as_ref()
                .filter(|_| settings.direction.shown)
                .map(|(_, direction, _)| [projection.project(&direction.from), projection.project(&direction.to)]),
        };
        let state = &self.state;
        let hover_texture = &mut self.hover_texture;
        let hover_ui = |ui: &mut egui::Ui, point: PointRef| hover_tooltip(ui, state, hover_texture, point);
        let data = ScatterData {
            cloud: &cloud,
            generation: self.state.cloud.generation,
            projection: &projection,
            class_names: &class_names,
        };
        for action in self.scatter.show(ui, &data, &overlays, hover_ui) {
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

    /// The encoder means of A and B, when both are known.
    fn morph_means(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        a.zip(b)
    }

    fn plane_choice(&self, ui: &mut egui::Ui, plane: &mut PlaneChoice) {
        let latent_dim = self.state.latent_dim().unwrap_or(2);
        if latent_dim <= 2 {
            return;
        }
        ui.selectable_value(plane, PlaneChoice::Pca, "PCA");
        let (mut x, mut y) = match *plane {
            PlaneChoice::Dims { x, y } => (x, y),
            PlaneChoice::Pca => (0, 1),
        };
        let mut changed = ui.selectable_label(matches!(plane, PlaneChoice::Dims { .. }), "dims").clicked();
        changed |= ui.add(egui::DragValue::new(&mut x).range(0..=latent_dim - 1).prefix("x z")).changed();
        changed |= ui.add(egui::DragValue::new(&mut y).range(0..=latent_dim - 1).prefix("y z")).changed();
        if changed {
            *plane = PlaneChoice::Dims { x, y };
        }
    }
}

/// The morph's path A → B in the plane.
fn morph_path(settings: &ViewSettings, projection: &Projection, from: &[f32], to: &[f32]) -> Vec<[f32; 2]> {
    let steps = 32;
    let path = settings.morph.interpolation.path(from, to, steps);
    path.chunks_exact(from.len().max(1)).map(|point| projection.project(point)).collect()
}
