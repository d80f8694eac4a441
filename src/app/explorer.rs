//! The latent views together: scatter, sweep, samples, reconstructions and sliders.
//!
//! The views edit view state and return actions; this module turns them into inference requests
//! (sent by the app) and folds inference results back in.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use super::decoder_grid::DecoderGrid;
use super::explorer_state::{ExplorerState, MorphEnd, PointRef};
use super::hover_tooltip::hover_tooltip;
use super::image_grids::ImageGrids;
use super::image_texture::CachedTexture;
use super::latent_scatter::{LatentScatter, ScatterAction, ScatterData, ScatterOverlays};
use super::latent_sliders::{LatentSliders, SLIDER_RANGE, SliderAction};
use super::morph_view::{MorphAction, MorphView};
use super::view_export::ExportView;
use super::view_settings::{GridBase, PlaneChoice, ViewSettings};
use crate::inference::{GridRequest, InferenceRequest, InferenceResult, MorphRequest, ScatterSource};
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

/// What the views ask of the app (things that need dialogs or files).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplorerAction {
    /// Export a view to a file chosen in a dialog.
    Export(ExportView),
    /// Open an image file as morph end A (0) or B (1).
    OpenImage(usize),
}

/// The latent views and the requests they produce.
#[derive(Default)]
pub struct Explorer {
    /// What the views show.
    pub state: ExplorerState,
    /// The sliders' point.
    pub latent: Vec<f32>,
    tab: ExplorerTab,
    scatter: LatentScatter,
    sliders: LatentSliders,
    grid: DecoderGrid,
    grids: ImageGrids,
    hover_texture: CachedTexture,
    morph: MorphView,
    sent_grid: Option<GridRequest>,
    sent_morph: Option<MorphRequest>,
    actions: Vec<ExplorerAction>,
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
            self.state.ends = [None, None];
            self.outbox.push(InferenceRequest::Decode(self.latent.clone()));
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

    /// Makes an image morph end `slot` (0 = A, 1 = B); it is encoded unless its mean is known.
    pub fn set_end(&mut self, slot: usize, end: MorphEnd) {
        if slot > 1 {
            return;
        }
        if end.mean.is_none() {
            self.outbox.push(InferenceRequest::Encode { slot, pixels: end.pixels.clone() });
        }
        self.state.ends[slot] = Some(end);
    }

    /// Actions for the app produced since the last call.
    pub fn take_actions(&mut self) -> Vec<ExplorerAction> {
        std::mem::take(&mut self.actions)
    }

    /// Swaps morph ends A and B.
    pub fn swap_ends(&mut self) {
        self.state.ends.swap(0, 1);
    }

    /// Shows the given tab.
    pub fn set_tab(&mut self, tab: ExplorerTab) {
        self.tab = tab;
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
        let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        if let (Some(from), Some(to)) = (a, b) {
            let morph = &settings.morph;
            let request = MorphRequest {
                from,
                to,
                t: morph.t,
                steps: morph.steps.clamp(2, 64),
                interpolation: morph.interpolation,
            };
            if self.sent_morph.as_ref() != Some(&request) {
                self.sent_morph = Some(request.clone());
                self.outbox.push(InferenceRequest::Morph(request));
            }
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
        let has_selection = self.state.ends[0].as_ref().is_some_and(|end| end.mean.is_some());
        for action in self.sliders.show(ui, &mut self.latent, decoded, shape, has_selection) {
            match action {
                SliderAction::Changed => {}
                SliderAction::Export => {
                    self.actions.push(ExplorerAction::Export(ExportView::DecodedPoint));
                    continue;
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
            self.outbox.push(InferenceRequest::Decode(self.latent.clone()));
        }
    }

    fn show_scatter(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) {
        ui.horizontal_wrapped(|ui| {
            ui.strong("Latent space");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Heldout, "held-out");
            ui.selectable_value(&mut settings.scatter_source, ScatterSource::Train, "training");
            self.plane_choice(ui, &mut settings.plane);
            let epochs = self.state.epoch_clouds.len();
            if ui
                .add_enabled(epochs > 0, egui::Button::new(format!("Export evolution GIF ({epochs} epochs)…")).small())
                .clicked()
            {
                self.actions.push(ExplorerAction::Export(ExportView::ScatterGif));
            }
        });
        let Some(cloud) = self.state.cloud.value.clone() else {
            ui.label("encoding…");
            return;
        };
        let Some(projection) = self.projection(settings) else { return };
        let class_names = self.state.dataset.as_ref().map(|dataset| dataset.class_names.clone()).unwrap_or_default();
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
            morph_path: self.morph_path(settings, &projection),
            morph_marker: self.morph_marker(settings, &projection),
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
        let actions = self.scatter.show(ui, &data, &overlays, hover_ui);
        for action in actions {
            self.apply_scatter_action(action, &projection);
        }
    }

    /// The morph's path A → B in the plane, when both ends are encoded.
    fn morph_path(&self, settings: &ViewSettings, projection: &Projection) -> Vec<[f32; 2]> {
        let Some((from, to)) = self.morph_means() else { return Vec::new() };
        let steps = 32;
        let path = settings.morph.interpolation.path(&from, &to, steps);
        path.chunks_exact(from.len().max(1)).map(|point| projection.project(point)).collect()
    }

    /// The morph's current frame in the plane.
    fn morph_marker(&self, settings: &ViewSettings, projection: &Projection) -> Option<[f32; 2]> {
        let (from, to) = self.morph_means()?;
        Some(projection.project(&settings.morph.interpolation.at(&from, &to, settings.morph.t)))
    }

    fn morph_means(&self) -> Option<(Vec<f32>, Vec<f32>)> {
        let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.mean.clone()));
        a.zip(b)
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
                let [a, b] = self.state.ends.each_ref().map(|end| end.as_ref().and_then(|end| end.point));
                let slot = usize::from(second || (a.is_some() && b.is_none() && a != Some(point)));
                self.pick_point(slot, point);
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
            ui.selectable_value(&mut self.tab, ExplorerTab::Morph, "Morph");
        });
        self.export_row(ui, settings);
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
            ExplorerTab::Morph => {
                for action in self.morph.show(ui, &self.state, &mut settings.morph) {
                    match action {
                        MorphAction::PickPoint(slot, point) => self.pick_point(slot, point),
                        MorphAction::OpenImage(slot) => self.actions.push(ExplorerAction::OpenImage(slot)),
                        MorphAction::Swap => self.swap_ends(),
                    }
                }
            }
        }
    }

    /// Export buttons for the shown tab, with the scale of the exported picture.
    fn export_row(&mut self, ui: &mut egui::Ui, settings: &mut ViewSettings) {
        let views: &[ExportView] = match self.tab {
            ExplorerTab::Grid => &[ExportView::DecoderGrid],
            ExplorerTab::Samples => &[ExportView::PriorSamples],
            ExplorerTab::Reconstructions => &[ExportView::Reconstructions],
            ExplorerTab::Morph => &[ExportView::MorphStrip, ExportView::MorphGif],
        };
        ui.horizontal(|ui| {
            for &view in views {
                if ui.small_button(format!("Export {}…", view.extension().to_uppercase())).clicked() {
                    self.actions.push(ExplorerAction::Export(view));
                }
            }
            let export = &mut settings.export;
            ui.add(egui::DragValue::new(&mut export.scale).range(1..=8).prefix("scale ×"));
            ui.add(egui::DragValue::new(&mut export.gutter_px).range(0..=8).prefix("gutter ").suffix(" px"));
            if self.tab == ExplorerTab::Morph {
                ui.add(egui::DragValue::new(&mut export.gif_fps).range(1.0..=50.0).prefix("GIF ").suffix(" fps"));
            }
        });
    }
}

/// A range with min ≤ max, and a little width.
fn ordered([low, high]: [f32; 2]) -> [f32; 2] {
    let (low, high) = if low <= high { (low, high) } else { (high, low) };
    if high - low < 1e-3 { [low, low + 1e-3] } else { [low, high] }
}
