//! The latent views together: scatter, sweep, samples, reconstructions and sliders.
//!
//! The explorer is a view over [`ExplorerState`]: it edits view state (the sliders' point, the
//! tab, the hovered point) and returns [`AppAction`]s; the app decides what to ask the threads.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::background::view_export::ExportView;
use crate::app::explorer::directions::direction_panel::DirectionPanel;
use crate::app::explorer::directions::neighbour_panel::NeighbourPanel;
use crate::app::explorer::images::decoder_grid::DecoderGrid;
use crate::app::explorer::images::drawing_canvas::DrawingCanvas;
use crate::app::explorer::images::image_grids::ImageGrids;
use crate::app::explorer::images::morph_view::MorphView;
use crate::app::explorer::images::texture::CachedTexture;
use crate::app::explorer::scatter::header::{
    evolution_frames_label, plane_choice_ui, plane_status_ui, spread_choice_ui,
};
use crate::app::explorer::scatter::hover_tooltip::hover_tooltip_ui;
use crate::app::explorer::scatter::latent_scatter::{LatentScatter, ScatterAction, ScatterData, ScatterOverlays};
use crate::app::explorer::scatter::overlay_points::{layout_position, morph_path};
use crate::app::explorer::sliders::kl_strip::DimensionKl;
use crate::app::explorer::sliders::latent_sliders::{LatentSliders, SLIDER_RANGE, SliderAction, SliderView};
use crate::app::explorer::state::{ExplorerState, MorphEnd, PointRef};
use crate::app::settings::view_settings::ViewSettings;
use crate::inference::{InferenceResult, LatentCloud, PlaneLayout, ScatterSource};
use crate::latent::Projection;
use crate::latent::cells_extent;

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
    /// Draw an input and see it encoded.
    Draw,
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
    /// The drawing canvas.
    pub(super) canvas: DrawingCanvas,
    /// Where the scatter last drew the drawing's point (plane coordinates).
    drawn_marker: Option<[f32; 2]>,
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

    /// Makes the encoded drawing morph end `slot` (0 = A, 1 = B), with its mean already known.
    pub fn use_drawing(&mut self, slot: usize) {
        let Some((_, Some(encoded))) = &self.state.drawn.value else { return };
        let (pixels, mean) = (encoded.pixels.clone(), Some(encoded.mean.clone()));
        self.set_end(slot.min(1), MorphEnd { name: "drawing".to_string(), pixels, mean, point: None });
    }

    /// The drawing canvas's drawing.
    pub fn drawing(&self) -> &crate::drawing::Drawing {
        self.canvas.drawing()
    }

    /// Where the scatter last drew the drawing's encoded point (plane coordinates), if it did.
    pub fn drawn_marker(&self) -> Option<[f32; 2]> {
        self.drawn_marker
    }

    /// Swaps morph ends A and B.
    pub fn swap_ends(&mut self) {
        self.state.ends.swap(0, 1);
    }

    /// Shows the given tab.
    pub fn set_tab(&mut self, tab: ExplorerTab) {
        self.tab = tab;
    }

    /// The current linear projection of the scatter's plane (PCA under a t-SNE/UMAP plane).
    pub fn projection(&self, settings: &ViewSettings) -> Option<Projection> {
        let latent_dim = self.state.latent_dim()?;
        let cloud = self.state.cloud.value.as_ref();
        if let Some(cloud) = cloud.filter(|cloud| cloud.latent_dim == latent_dim) {
            return Some(settings.plane.cloud_projection(cloud));
        }
        // The cloud of a model of another latent size is on its way out: its plane is not this one's.
        Some(settings.plane.projection(latent_dim, None))
    }

    /// The scatter view, for tests that look at what it draws.
    pub fn scatter(&self) -> &LatentScatter {
        &self.scatter
    }

    /// The t-SNE/UMAP layout to show for `cloud`, when that plane is chosen and one is at hand.
    fn layout_for(&self, settings: &ViewSettings, cloud: &LatentCloud) -> Option<std::sync::Arc<PlaneLayout>> {
        let method = settings.plane.layout_method().filter(|_| cloud.latent_dim > 2)?;
        self.state.planes.best(cloud, method, settings.plane_seed).cloned()
    }

    /// Draws the scatter (left) and the tabbed image views (right).
    pub fn views_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let Some(shape) = self.state.image_shape() else {
            ui.label("No model yet: click Train, or open a saved model.");
            return actions;
        };
        ui.columns(2, |columns| {
            self.scatter_ui(&mut columns[0], settings, &mut actions);
            self.tabs_ui(&mut columns[1], settings, shape, &mut actions);
        });
        actions
    }

    /// Draws the sliders and their decoded image, editing the sliders' point in place.
    pub fn sliders_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let Some(shape) = self.state.image_shape() else { return actions };
        let decoded =
            self.state.decoded.value.as_ref().map(|(_, image)| (image.as_slice(), self.state.decoded.generation));
        let has_selection = self.state.ends[0].as_ref().is_some_and(|end| end.mean.is_some());
        let kl = DimensionKl::of(&self.state);
        let cloud = self.state.cloud.value.as_deref().map(|cloud| (cloud, self.state.cloud.generation));
        let view = SliderView { decoded, image_shape: shape, has_selection, kl: kl.as_ref(), cloud };
        for action in self.sliders.ui(ui, &mut self.latent, &view, &mut settings.sliders) {
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

    fn scatter_ui(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, actions: &mut Vec<AppAction>) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Latent space");
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
        if wants_layout && layout.as_ref().is_none_or(|layout| layout.cloud_fingerprint != cloud.fingerprint) {
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

    /// The drawing's encoded point in the plane, while the canvas holds ink.
    fn drawn_point(&self, projection: &Projection) -> Option<[f32; 2]> {
        let latent_dim = self.state.latent_dim()?;
        let (_, encoded) = self.state.drawn.value.as_ref()?;
        let mean = &encoded.as_ref()?.mean;
        (mean.len() == latent_dim && !self.canvas.drawing().is_empty()).then(|| projection.project(mean))
    }

    /// The encoder means of A and B, when both are known.
    fn morph_means(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        a.zip(b)
    }
}
