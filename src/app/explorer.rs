//! The latent views together: scatter, sweep, samples, reconstructions and sliders.
//!
//! The views edit view state and return actions; this module turns them into inference requests
//! (sent by the app) and folds inference results back in.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::decoder_grid::DecoderGrid;
use super::explorer_state::{ExplorerState, PointRef};
use super::image_grids::ImageGrids;
use super::image_texture::{CachedTexture, tiled_image};
use super::latent_scatter::{LatentScatter, ScatterAction, ScatterOverlays};
use super::latent_sliders::{LatentSliders, SLIDER_RANGE, SliderAction};
use super::view_settings::{GridBase, PlaneChoice, ViewSettings};
use crate::inference::{GridRequest, InferenceRequest, InferenceResult, ScatterSource};
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
}

/// The latent views and the requests they produce.
#[derive(Default)]
pub struct Explorer {
    /// What the views show.
    pub state: ExplorerState,
    /// The sliders' point.
    pub latent: Vec<f32>,
    /// Points picked on the scatter: A, then B.
    pub picks: [Option<PointRef>; 2],
    tab: ExplorerTab,
    scatter: LatentScatter,
    sliders: LatentSliders,
    grid: DecoderGrid,
    grids: ImageGrids,
    hover_texture: CachedTexture,
    sent_grid: Option<GridRequest>,
    sent_scatter: Option<ScatterSource>,
    sent_seed: Option<u64>,
    outbox: Vec<InferenceRequest>,
    prior_draws: u64,
}

impl Explorer {
    /// Folds an inference result in; a model of another latent size resets the sliders.
    pub fn apply(&mut self, result: InferenceResult) {
        if let InferenceResult::ModelReady(model) = &result
            && model.latent_dim() != self.latent.len()
        {
            self.latent = vec![0.0; model.latent_dim()];
            self.picks = [None, None];
            self.outbox.push(InferenceRequest::Decode(self.latent.clone()));
        }
        self.state.apply(result);
    }

    /// Requests produced since the last call.
    pub fn take_requests(&mut self) -> Vec<InferenceRequest> {
        std::mem::take(&mut self.outbox)
    }

    /// The current projection of the scatter's plane.
    pub fn projection(&self, settings: &ViewSettings) -> Option<Projection> {
        let latent_dim = self.state.latent_dim()?;
        let pca = self.state.cloud.value.as_ref().and_then(|cloud| cloud.pca.as_ref());
        Some(settings.plane.projection(latent_dim, pca))
    }

    /// Asks for whatever the settings need that has not been asked yet.
    pub fn request_missing(&mut self, settings: &ViewSettings) {
        if self.state.model.is_none() {
            return;
        }
        if self.sent_scatter != Some(settings.scatter_source) {
            self.sent_scatter = Some(settings.scatter_source);
            self.outbox.push(InferenceRequest::Scatter(settings.scatter_source));
        }
        if self.sent_seed != Some(settings.sample_seed) {
            self.sent_seed = Some(settings.sample_seed);
            self.outbox.push(InferenceRequest::Samples(settings.sample_seed));
        }
        if let Some(projection) = self.projection(settings) {
            let base = match settings.grid_base {
                GridBase::Zero => vec![0.0; self.latent.len()],
                GridBase::Current => self.latent.clone(),
            };
            let request = GridRequest { spec: settings.grid, projection, base };
            if self.sent_grid.as_ref() != Some(&request) {
                self.sent_grid = Some(request.clone());
                self.outbox.push(InferenceRequest::Grid(request));
            }
        }
    }

    /// Draws the scatter (left) and the tabbed image views (right).
    pub fn show_views(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) {
        let Some(shape) = self.state.image_shape() else {
            ui.label("No model yet: click Train, or open a saved model.");
            return;
        };
        ui.columns(2, |columns| {
            self.show_scatter(&mut columns[0], settings);
            self.show_tabs(&mut columns[1], settings, shape);
        });
    }

    /// Draws the sliders and their decoded image.
    pub fn show_sliders(&mut self, ui: &mut egui::Ui) {
        let Some(shape) = self.state.image_shape() else { return };
        let decoded =
            self.state.decoded.value.as_ref().map(|(_, image)| (image.as_slice(), self.state.decoded.generation));
        let has_selection = self.picks[0].is_some();
        for action in self.sliders.show(ui, &mut self.latent, decoded, shape, has_selection) {
            match action {
                SliderAction::Changed => {}
                SliderAction::SampleFromPrior => {
                    self.prior_draws += 1;
                    let mut rng = StdRng::seed_from_u64(self.prior_draws);
                    self.latent.iter_mut().for_each(|value| *value = StandardNormal.sample(&mut rng));
                }
                SliderAction::SetFromSelection => {
                    if let Some(mean) = self.picks[0].and_then(|point| self.state.mean_of(point)) {
                        self.latent =
                            mean.iter().map(|value| value.clamp(*SLIDER_RANGE.start(), *SLIDER_RANGE.end())).collect();
                    }
                }
            }
            self.outbox.push(InferenceRequest::Decode(self.latent.clone()));
        }
    }

    fn show_scatter(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Latent space");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Heldout, "held-out");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Train, "training");
            self.plane_choice(ui, &mut settings.plane);
        });
        let Some(cloud) = self.state.cloud.value.clone() else {
            ui.label("encoding…");
            return;
        };
        let Some(projection) = self.projection(settings) else { return };
        let class_names = self.state.dataset.as_ref().map(|dataset| dataset.class_names.clone()).unwrap_or_default();
        let picks = self
            .picks
            .map(|pick| pick.and_then(|point| self.state.mean_of(point)).map(|mean| projection.project(&mean)));
        let overlays = ScatterOverlays {
            grid: Some(&settings.grid),
            marker: (!self.latent.is_empty()).then(|| projection.project(&self.latent)),
            picks,
            marker_draggable: true,
        };
        let state = &self.state;
        let hover_texture = &mut self.hover_texture;
        let hover_ui = |ui: &mut egui::Ui, point: PointRef| hover_tooltip(ui, state, hover_texture, point);
        let actions =
            self.scatter.show(ui, &cloud, self.state.cloud.generation, &projection, &class_names, &overlays, hover_ui);
        for action in actions {
            self.apply_scatter_action(action, &projection);
        }
    }

    fn apply_scatter_action(&mut self, action: ScatterAction, projection: &Projection) {
        match action {
            ScatterAction::Hover(point) => {
                let known = self.state.hovered.value.as_ref().is_some_and(|(hovered, _)| *hovered == point);
                if !known {
                    self.outbox.push(InferenceRequest::Reconstruct { train: point.train, index: point.index });
                }
            }
            ScatterAction::Pick { point, second } => {
                let slot = usize::from(
                    second || (self.picks[0].is_some() && self.picks[1].is_none() && self.picks[0] != Some(point)),
                );
                self.picks[slot] = Some(point);
            }
            ScatterAction::MoveMarker(xy) => {
                self.latent = projection.lift(xy, &self.latent);
                self.outbox.push(InferenceRequest::Decode(self.latent.clone()));
            }
        }
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

    fn show_tabs(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings, shape: (usize, usize)) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, ExplorerTab::Grid, "Decoder grid");
            ui.selectable_value(&mut self.tab, ExplorerTab::Samples, "Prior samples");
            ui.selectable_value(&mut self.tab, ExplorerTab::Reconstructions, "Reconstructions");
        });
        match self.tab {
            ExplorerTab::Grid => {
                let shown = self
                    .state
                    .grid
                    .value
                    .as_ref()
                    .map(|(request, images)| (&request.spec, images.as_slice(), self.state.grid.generation));
                self.grid.show(ui, &mut settings.grid, &mut settings.grid_base, shown, shape);
                settings.grid.x_range = ordered(settings.grid.x_range);
                settings.grid.y_range = ordered(settings.grid.y_range);
            }
            ExplorerTab::Samples => {
                let samples = self
                    .state
                    .samples
                    .value
                    .as_ref()
                    .map(|(_, images)| (images.as_slice(), self.state.samples.generation));
                self.grids.show_samples(ui, samples, &mut settings.sample_seed, shape);
            }
            ExplorerTab::Reconstructions => {
                let pairs = self.state.reconstructions.value.as_ref().map(|(originals, reconstructions)| {
                    (originals.as_slice(), reconstructions.as_slice(), self.state.reconstructions.generation)
                });
                self.grids.show_reconstructions(ui, pairs, shape);
            }
        }
    }
}

/// The tooltip of a hovered point: its original image beside its reconstruction.
fn hover_tooltip(ui: &mut egui::Ui, state: &ExplorerState, texture: &mut CachedTexture, point: PointRef) {
    let Some((height, width)) = state.image_shape() else { return };
    let reconstruction = state.hovered.value.as_ref().filter(|(hovered, _)| *hovered == point).map(|(_, image)| image);
    let key = (point.index as u64) << 32 | u64::from(point.train) << 31 | state.hovered.generation & 0x7fff_ffff;
    let texture = texture.get(ui.ctx(), "hover_pair", key, || {
        let mut images = state.original(point).unwrap_or_else(|| vec![0.0; height * width]);
        images.extend(reconstruction.cloned().unwrap_or_else(|| vec![0.0; height * width]));
        tiled_image(&images, 2, 2, height, width)
    });
    ui.label(format!("image {}: original | reconstruction", point.index));
    ui.add(egui::Image::new(texture).fit_to_exact_size(egui::vec2(170.0, 84.0)));
}

/// A range with min ≤ max, and a little width.
fn ordered([low, high]: [f32; 2]) -> [f32; 2] {
    let (low, high) = if low <= high { (low, high) } else { (high, low) };
    if high - low < 1e-3 { [low, low + 1e-3] } else { [low, high] }
}
