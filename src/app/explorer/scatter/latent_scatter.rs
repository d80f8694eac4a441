//! The 2D latent scatter: encoder means (or posterior samples, or 1-σ ellipses) coloured by class
//! or by mean σ, in a linear plane or a t-SNE/UMAP layout; hover for images, click to pick.

use std::collections::BTreeSet;

use egui::{Color32, Vec2b};
use egui_plot::{Plot, PlotPoint, PlotTransform};

mod inputs;
mod inspect;
mod overlays;

pub use inputs::{ScatterAction, ScatterData, ScatterOverlays};

use overlays::{draw_overlays, raster_key};

use crate::app::explorer::images::texture::CachedTexture;
use crate::app::explorer::scatter::fitted_bounds::fitted_bounds;
use crate::app::explorer::scatter::raster::{RasterLayer, rasterise};
use crate::app::explorer::scatter::spread::{SpreadInput, sigma_legend_ui, spread_points};
use crate::app::explorer::state::PointRef;
use crate::app::palette::class_color;
use crate::app::settings::view_settings::{PointColouring, SpreadMode};
use crate::inference::ScatterSource;
use crate::latent::{Ellipse, Projection};

/// Pointer distance (screen points) within which a point counts as hovered.
const PICK_RADIUS: f32 = 8.0;

/// What the drawn points were computed from: a change redraws them.
#[derive(Clone, Debug, PartialEq)]
struct ProjectedFor {
    generation: u64,
    projection: Projection,
    /// Fingerprint, method and seed of the layout, if one was used.
    layout: Option<(u64, crate::latent::PlaneMethod, u64)>,
    spread: SpreadMode,
    colouring: PointColouring,
    seed: u64,
}

/// One class's points.
struct ClassPoints {
    label: u8,
    points: Vec<PlotPoint>,
    /// Image index of each point.
    indices: Vec<usize>,
    colours: Vec<Color32>,
    /// Empty unless ellipses are drawn.
    ellipses: Vec<Ellipse>,
}

/// The scatter view and its caches.
#[derive(Default)]
pub struct LatentScatter {
    /// Points per class, projected, for what `projected_for` says.
    by_class: Vec<ClassPoints>,
    projected_for: Option<ProjectedFor>,
    /// The σ colour scale's ends, when colouring by σ.
    sigma_range: Option<[f32; 2]>,
    /// The plot's plane-to-screen map of the last frame.
    last_transform: Option<PlotTransform>,
    /// Bumped whenever the points are recomputed (keys the raster).
    drawn_version: u64,
    /// [min x, min y, max x, max y] of all projected points.
    extent: [f64; 4],
    hidden: BTreeSet<u8>,
    dragging_marker: bool,
    /// The pointer rested on the marker last frame: a drag starting now moves the marker, not the view.
    pointer_on_marker: bool,
    /// The points drawn into one texture, redrawn only when data, view or size change.
    raster: CachedTexture,
    /// Fit the view to the points on the next frame (new projection, or a double-click).
    fit_pending: bool,
    /// The plot frame's size when the bounds were last fitted, in points.
    fitted_frame: Option<egui::Vec2>,
}

impl LatentScatter {
    /// Draws the scatter of `cloud` and returns what the user did.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        data: &ScatterData<'_>,
        overlays: &ScatterOverlays<'_>,
        hover_ui: impl FnOnce(&mut egui::Ui, PointRef),
    ) -> Vec<ScatterAction> {
        let ScatterData { cloud, generation, projection, class_names, layout, .. } = *data;
        self.reproject(data);
        self.class_toggles_ui(ui, class_names);
        if let Some(range) = self.sigma_range {
            sigma_legend_ui(ui, range);
        }
        let [x_name, y_name] = match layout {
            Some(layout) => {
                let name = match layout.method {
                    crate::latent::PlaneMethod::Tsne => "t-SNE",
                    crate::latent::PlaneMethod::Umap => "UMAP",
                    crate::latent::PlaneMethod::Pca => "PC",
                };
                [format!("{name} 1 (seed {})", layout.seed), format!("{name} 2")]
            }
            None => projection.axis_names(),
        };
        let train = cloud.source == ScatterSource::Train;
        let grabbing_marker = overlays.marker_draggable && (self.dragging_marker || self.pointer_on_marker);
        let allow_drag = !grabbing_marker;
        let response = Plot::new("latent_scatter")
            .data_aspect(1.0)
            .auto_bounds(Vec2b::FALSE)
            .allow_double_click_reset(false)
            .x_axis_label(x_name)
            .y_axis_label(y_name)
            .allow_drag(Vec2b::new(allow_drag, allow_drag))
            .show(ui, |plot_ui| {
                // A tile resized or maximised shows the same points fitted to its new frame.
                let frame = plot_ui.transform().frame().size();
                let resized = self.fitted_frame.is_some_and(|fitted| (fitted - frame).length() > 1.0);
                if std::mem::take(&mut self.fit_pending) || resized {
                    self.fitted_frame = Some(frame);
                    plot_ui.set_plot_bounds(fitted_bounds(self.extent, [frame.x, frame.y]));
                }
                self.last_transform = Some(*plot_ui.transform());
                self.draw_points(plot_ui, generation);
                draw_overlays(plot_ui, overlays);
                let pointer = plot_ui.pointer_coordinate();
                let hovered = pointer.and_then(|pointer| self.nearest(plot_ui, pointer));
                let near_marker = pointer.zip(overlays.marker).is_some_and(|(pointer, marker)| {
                    let marker_screen = plot_ui.screen_from_plot(PlotPoint::new(marker[0], marker[1]));
                    plot_ui.screen_from_plot(pointer).distance(marker_screen) < PICK_RADIUS * 1.5
                });
                (hovered, pointer, near_marker)
            });
        let (hovered, pointer, near_marker) = response.inner;
        if response.response.double_clicked() {
            self.fit_pending = true;
        }
        let mut actions = Vec::new();
        let plot_response = &response.response;
        if grabbing_marker && plot_response.drag_started() {
            self.dragging_marker = true;
        }
        // Decided while the button is up, kept while it is held: the press frame itself may not
        // report the pointer on the marker.
        if !ui.input(|input| input.pointer.primary_down()) {
            self.pointer_on_marker = near_marker;
        }
        if !plot_response.dragged() {
            self.dragging_marker = false;
        }
        if self.dragging_marker
            && let Some(pointer) = pointer
        {
            actions.push(ScatterAction::MoveMarker([pointer.x as f32, pointer.y as f32]));
            return actions;
        }
        if let Some(index) = hovered {
            let point = PointRef { train, index };
            actions.push(ScatterAction::Hover(point));
            if plot_response.clicked() {
                let second = ui.input(|input| input.modifiers.shift);
                actions.push(ScatterAction::Pick { point, second });
            }
            response.response.on_hover_ui_at_pointer(|ui| hover_ui(ui, point));
        }
        actions
    }

    /// Draws every visible point (and ellipse) into one texture covering the plot.
    fn draw_points(&mut self, plot_ui: &mut egui_plot::PlotUi<'_>, generation: u64) {
        let transform = *plot_ui.transform();
        let bounds = *transform.bounds();
        let pixels_per_point = plot_ui.ctx().pixels_per_point();
        let size = transform.frame().size() * pixels_per_point;
        let (width, height) = (size.x.round().max(1.0) as usize, size.y.round().max(1.0) as usize);
        let key = raster_key(generation, &self.hidden, &bounds, width, height, self.drawn_version);
        let by_class = &self.by_class;
        let hidden = &self.hidden;
        let texture = self.raster.get(plot_ui.ctx(), "scatter_points", key, || {
            let layers = by_class.iter().filter(|class| !hidden.contains(&class.label)).map(|class| RasterLayer {
                points: &class.points,
                colours: &class.colours,
                ellipses: &class.ellipses,
            });
            rasterise(layers, &bounds, [width, height], pixels_per_point)
        });
        let center = bounds.center();
        let size = egui::vec2(bounds.width() as f32, bounds.height() as f32);
        plot_ui.image(egui_plot::PlotImage::new("points", texture.id(), center, size));
    }

    /// The legend: one toggle per class, named as the dataset names it; "no classes" for a dataset
    /// without them (a flat image folder).
    fn class_toggles_ui(&mut self, ui: &mut egui::Ui, class_names: &[String]) {
        ui.horizontal_wrapped(|ui| {
            if !crate::app::background::dataset_loading::has_classes(self.by_class.len()) {
                ui.weak("no classes");
                return;
            }
            for ClassPoints { label, .. } in &self.by_class {
                let name = class_names.get(usize::from(*label)).cloned().unwrap_or_else(|| label.to_string());
                let mut shown = !self.hidden.contains(label);
                // A swatch in the class's colour beside a name in the theme's own text colour:
                // coloured text on the selection's blue was unreadable for the dark classes.
                let swatch = if shown { class_color(*label) } else { class_color(*label).gamma_multiply(0.35) };
                let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().circle_filled(dot.center(), 4.5, swatch);
                if ui.toggle_value(&mut shown, name).changed() {
                    if shown {
                        self.hidden.remove(label);
                    } else {
                        self.hidden.insert(*label);
                    }
                }
            }
        });
    }

    fn reproject(&mut self, data: &ScatterData<'_>) {
        let ScatterData { cloud, generation, projection, layout, spread, colouring, seed, .. } = *data;
        let wanted = ProjectedFor {
            generation,
            projection: projection.clone(),
            layout: layout.map(|layout| (layout.cloud_fingerprint, layout.method, layout.seed)),
            spread,
            colouring,
            seed,
        };
        if self.projected_for.as_ref() == Some(&wanted) {
            return;
        }
        let input = SpreadInput {
            cloud,
            projection,
            layout: layout.map(|layout| layout.coords.as_slice()),
            spread,
            colouring,
            seed,
        };
        let spread_points = spread_points(&input);
        let classes = cloud.labels.iter().copied().max().map_or(0, |max| usize::from(max) + 1);
        let mut by_class: Vec<ClassPoints> = (0..classes)
            .map(|label| ClassPoints {
                label: label as u8,
                points: Vec::new(),
                indices: Vec::new(),
                colours: Vec::new(),
                ellipses: Vec::new(),
            })
            .collect();
        for (position, &label) in cloud.labels.iter().enumerate() {
            let class = &mut by_class[usize::from(label)];
            let [x, y] = spread_points.coords.get(position).copied().unwrap_or_default();
            class.points.push(PlotPoint::new(x, y));
            class.indices.push(cloud.indices[position]);
            class.colours.push(spread_points.colours.get(position).copied().unwrap_or(class_color(label)));
            if let Some(ellipse) = spread_points.ellipses.get(position) {
                class.ellipses.push(*ellipse);
            }
        }
        by_class.retain(|class| !class.points.is_empty());
        let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for point in by_class.iter().flat_map(|class| &class.points) {
            extent = [extent[0].min(point.x), extent[1].min(point.y), extent[2].max(point.x), extent[3].max(point.y)];
        }
        self.extent = if extent[0] <= extent[2] { extent } else { [-1.0, -1.0, 1.0, 1.0] };
        let new_plane = self.projected_for.as_ref().is_none_or(|done| {
            done.projection != wanted.projection || done.layout.map(|l| l.1) != wanted.layout.map(|l| l.1)
        });
        self.fit_pending |= new_plane;
        self.by_class = by_class;
        self.sigma_range = spread_points.sigma_range;
        self.projected_for = Some(wanted);
        self.drawn_version += 1;
    }

    /// The image index of the visible point nearest the pointer, within the pick radius.
    fn nearest(&self, plot_ui: &egui_plot::PlotUi<'_>, pointer: PlotPoint) -> Option<usize> {
        let pointer_screen = plot_ui.screen_from_plot(pointer);
        let mut best: Option<(f32, usize)> = None;
        for ClassPoints { label, points, indices, .. } in &self.by_class {
            if self.hidden.contains(label) {
                continue;
            }
            for (point, &index) in points.iter().zip(indices) {
                let distance = plot_ui.screen_from_plot(*point).distance(pointer_screen);
                if distance < PICK_RADIUS && best.is_none_or(|(nearest, _)| distance < nearest) {
                    best = Some((distance, index));
                }
            }
        }
        best.map(|(_, index)| index)
    }
}
