//! The latent views' state together: scatter, sweep, samples, reconstructions, morph, drawing,
//! sliders, directions and neighbours (each view drawn in its own tile; see `app/layout/`).
//!
//! The explorer is a view over [`ExplorerState`]: it edits view state (the sliders' point, the
//! hovered point) and returns [`AppAction`]s; the app decides what to ask the threads.

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
use crate::app::explorer::scatter::latent_scatter::LatentScatter;
use crate::app::explorer::sliders::kl_strip::DimensionKl;
use crate::app::explorer::sliders::latent_sliders::{LatentSliders, SLIDER_RANGE, SliderAction, SliderView};
use crate::app::explorer::state::{ExplorerState, MorphEnd, PointRef};
use crate::app::settings::view_settings::ViewSettings;
use crate::inference::{InferenceResult, LatentCloud, PlaneLayout};
use crate::latent::Projection;

/// What a latent view says before any model is shown.
pub const NO_MODEL_YET: &str = "No model yet: click Train, or open a saved model.";

/// The latent views: what they show and their view state.
#[derive(Default)]
pub struct Explorer {
    /// What the views show.
    pub state: ExplorerState,
    /// The sliders' point.
    pub latent: Vec<f32>,
    /// The scatter point under the pointer, whose reconstruction the tooltip wants.
    pub hovered: Option<PointRef>,
    pub(super) scatter: LatentScatter,
    sliders: LatentSliders,
    pub(super) grid: DecoderGrid,
    pub(super) grids: ImageGrids,
    pub(super) hover_texture: CachedTexture,
    pub(super) morph: MorphView,
    prior_draws: u64,
    /// The drawing canvas.
    pub(super) canvas: DrawingCanvas,
    /// Where the scatter last drew the drawing's point (plane coordinates).
    pub(super) drawn_marker: Option<[f32; 2]>,
    /// The direction panel below the sliders.
    pub(super) direction: DirectionPanel,
    /// The nearest-images panel below the sliders.
    pub(super) neighbour_panel: NeighbourPanel,
}

impl Explorer {
    /// Folds an inference result in; a model of another latent size resets the sliders and ends,
    /// and under a model of the same size the ends' means are asked again of its encoder.
    pub fn apply(&mut self, result: InferenceResult) {
        if let InferenceResult::ModelReady(model) = &result {
            if model.latent_dim() != self.latent.len() {
                self.latent = vec![0.0; model.latent_dim()];
                self.state.ends = [None, None];
            } else {
                // The ends' pixels stay; their means were the old encoder's (the request ledger
                // asks for them again, and the thread's redo of its last requests answers too).
                self.state.ends.iter_mut().flatten().for_each(|end| end.mean = None);
            }
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

    /// Where the decoder grid's picture was last drawn, in points (none before it was drawn).
    pub fn decoder_grid_rect(&self) -> Option<egui::Rect> {
        self.grid.drawn_rect
    }

    /// The scatter view, for tests that look at what it draws.
    pub fn scatter(&self) -> &LatentScatter {
        &self.scatter
    }

    /// The t-SNE/UMAP layout to show for `cloud`, when that plane is chosen and one is at hand.
    pub(super) fn layout_for(
        &self,
        settings: &ViewSettings,
        cloud: &LatentCloud,
    ) -> Option<std::sync::Arc<PlaneLayout>> {
        let method = settings.plane.layout_method().filter(|_| cloud.latent_dim > 2)?;
        self.state.planes.best(cloud, method, settings.plane_seed).cloned()
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

    /// The drawing's encoded point in the plane, while the canvas holds ink.
    pub(super) fn drawn_point(&self, projection: &Projection) -> Option<[f32; 2]> {
        let latent_dim = self.state.latent_dim()?;
        let (_, encoded) = self.state.drawn.value.as_ref()?;
        let mean = &encoded.as_ref()?.mean;
        (mean.len() == latent_dim && !self.canvas.drawing().is_empty()).then(|| projection.project(mean))
    }

    /// The encoder means of A and B, when both are known.
    pub(super) fn morph_means(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        a.zip(b)
    }
}
