//! The 2D latent scatter: encoder means coloured by class, hover for images, click to pick.

use std::collections::BTreeSet;

use egui::{Color32, Vec2b};
use egui_plot::{Arrows, Line, MarkerShape, Plot, PlotPoint, PlotPoints, Points};

use super::explorer_state::PointRef;
use super::image_texture::CachedTexture;
use super::palette::class_color;
use crate::inference::{LatentCloud, ScatterSource};
use crate::latent::{GridSpec, Projection};

/// Pointer distance (screen points) within which a point counts as hovered.
const PICK_RADIUS: f32 = 8.0;

/// What the user did on the scatter this frame.
#[derive(Clone, Debug, PartialEq)]
pub enum ScatterAction {
    /// The pointer rests on this point.
    Hover(PointRef),
    /// Click: make this point A (or B with shift held).
    Pick {
        /// The point.
        point: PointRef,
        /// True for the morph's second image.
        second: bool,
    },
    /// The current-point marker was dragged here (plane coordinates).
    MoveMarker([f32; 2]),
}

/// The points to draw and how.
#[derive(Clone, Copy)]
pub struct ScatterData<'a> {
    /// Encoded points.
    pub cloud: &'a LatentCloud,
    /// Changes whenever `cloud` does.
    pub generation: u64,
    /// The plane.
    pub projection: &'a Projection,
    /// Name of each class.
    pub class_names: &'a [String],
}

/// Overlays drawn on top of the points.
pub struct ScatterOverlays<'a> {
    /// The sweep's rectangle.
    pub grid: Option<&'a GridSpec>,
    /// The sliders' point, projected.
    pub marker: Option<[f32; 2]>,
    /// Picked points A and B, projected.
    pub picks: [Option<[f32; 2]>; 2],
    /// True when the marker may be dragged (2D latent spaces).
    pub marker_draggable: bool,
    /// The morph's path from A to B, projected.
    pub morph_path: Vec<[f32; 2]>,
    /// The morph's current frame on that path, projected.
    pub morph_marker: Option<[f32; 2]>,
    /// The direction panel's direction, from its first mean to its second, projected.
    pub direction_arrow: Option<[[f32; 2]; 2]>,
}

/// The scatter view and its caches.
#[derive(Default)]
pub struct LatentScatter {
    /// Points per class, projected, for the cloud generation in `projected_for`.
    by_class: Vec<(u8, Vec<PlotPoint>, Vec<usize>)>,
    projected_for: Option<(u64, Projection)>,
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
}

impl LatentScatter {
    /// Draws the scatter of `cloud` and returns what the user did.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        data: &ScatterData<'_>,
        overlays: &ScatterOverlays<'_>,
        hover_ui: impl FnOnce(&mut egui::Ui, PointRef),
    ) -> Vec<ScatterAction> {
        let ScatterData { cloud, generation, projection, class_names } = *data;
        self.reproject(cloud, generation, projection);
        self.class_toggles(ui, class_names);
        let [x_name, y_name] = projection.axis_names();
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
                if std::mem::take(&mut self.fit_pending) {
                    let [min_x, min_y, max_x, max_y] = self.extent;
                    let margin = 0.05 * (max_x - min_x).max(max_y - min_y).max(1e-3);
                    let fitted = [min_x - margin, min_y - margin];
                    plot_ui
                        .set_plot_bounds(egui_plot::PlotBounds::from_min_max(fitted, [max_x + margin, max_y + margin]));
                }
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

    /// Draws every visible point into one texture covering the plot (60,000 separate markers
    /// would cost the UI thread several milliseconds a frame).
    fn draw_points(&mut self, plot_ui: &mut egui_plot::PlotUi<'_>, generation: u64) {
        let transform = *plot_ui.transform();
        let bounds = *transform.bounds();
        let pixels_per_point = plot_ui.ctx().pixels_per_point();
        let size = transform.frame().size() * pixels_per_point;
        let (width, height) = (size.x.round().max(1.0) as usize, size.y.round().max(1.0) as usize);
        let key = raster_key(generation, &self.hidden, &bounds, width, height);
        let by_class = &self.by_class;
        let hidden = &self.hidden;
        let texture = self.raster.get(plot_ui.ctx(), "scatter_points", key, || {
            let mut image = egui::ColorImage::filled([width, height], Color32::TRANSPARENT);
            let [min_x, min_y] = bounds.min();
            let (scale_x, scale_y) = (width as f64 / bounds.width(), height as f64 / bounds.height());
            let dot = (pixels_per_point * 2.0).round().max(1.0) as usize;
            for (label, points, _) in by_class {
                if hidden.contains(label) {
                    continue;
                }
                let color = class_color(*label);
                for point in points {
                    let x = ((point.x - min_x) * scale_x) as isize;
                    let y = height as isize - 1 - ((point.y - min_y) * scale_y) as isize;
                    for dy in 0..dot as isize {
                        for dx in 0..dot as isize {
                            let (px, py) = (x + dx, y + dy);
                            if (0..width as isize).contains(&px) && (0..height as isize).contains(&py) {
                                image.pixels[py as usize * width + px as usize] = color;
                            }
                        }
                    }
                }
            }
            image
        });
        let center = bounds.center();
        let size = egui::vec2(bounds.width() as f32, bounds.height() as f32);
        plot_ui.image(egui_plot::PlotImage::new("points", texture.id(), center, size));
    }

    /// The legend: one toggle per class, named as the dataset names it; "no classes" for a dataset
    /// without them (a flat image folder).
    fn class_toggles(&mut self, ui: &mut egui::Ui, class_names: &[String]) {
        ui.horizontal_wrapped(|ui| {
            if !super::dataset_loading::has_classes(self.by_class.len()) {
                ui.weak("no classes");
                return;
            }
            for (label, _, _) in &self.by_class {
                let name = class_names.get(usize::from(*label)).cloned().unwrap_or_else(|| label.to_string());
                let mut shown = !self.hidden.contains(label);
                let text = egui::RichText::new(name).color(class_color(*label)).strong();
                if ui.toggle_value(&mut shown, text).changed() {
                    if shown {
                        self.hidden.remove(label);
                    } else {
                        self.hidden.insert(*label);
                    }
                }
            }
        });
    }

    fn reproject(&mut self, cloud: &LatentCloud, generation: u64, projection: &Projection) {
        if self
            .projected_for
            .as_ref()
            .is_some_and(|(done, done_projection)| *done == generation && done_projection == projection)
        {
            return;
        }
        let classes = cloud.labels.iter().copied().max().map_or(0, |max| usize::from(max) + 1);
        let mut by_class: Vec<(u8, Vec<PlotPoint>, Vec<usize>)> =
            (0..classes).map(|label| (label as u8, Vec::new(), Vec::new())).collect();
        for (position, &label) in cloud.labels.iter().enumerate() {
            let [x, y] = projection.project(cloud.mean(position));
            let (_, points, indices) = &mut by_class[usize::from(label)];
            points.push(PlotPoint::new(x, y));
            indices.push(cloud.indices[position]);
        }
        by_class.retain(|(_, points, _)| !points.is_empty());
        let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for point in by_class.iter().flat_map(|(_, points, _)| points) {
            extent = [extent[0].min(point.x), extent[1].min(point.y), extent[2].max(point.x), extent[3].max(point.y)];
        }
        self.extent = if extent[0] <= extent[2] { extent } else { [-1.0, -1.0, 1.0, 1.0] };
        let new_plane = self.projected_for.as_ref().is_none_or(|(_, done)| done != projection);
        self.fit_pending |= new_plane;
        self.by_class = by_class;
        self.projected_for = Some((generation, projection.clone()));
    }

    /// The image index of the visible point nearest the pointer, within the pick radius.
    fn nearest(&self, plot_ui: &egui_plot::PlotUi<'_>, pointer: PlotPoint) -> Option<usize> {
        let pointer_screen = plot_ui.screen_from_plot(pointer);
        let mut best: Option<(f32, usize)> = None;
        for (label, points, indices) in &self.by_class {
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

fn draw_overlays(plot_ui: &mut egui_plot::PlotUi<'_>, overlays: &ScatterOverlays<'_>) {
    if let Some(grid) = overlays.grid {
        let [x0, x1] = grid.x_range.map(f64::from);
        let [y0, y1] = grid.y_range.map(f64::from);
        let outline = vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
        plot_ui.line(Line::new("sweep extent", PlotPoints::new(outline)).color(Color32::from_gray(160)).width(1.0));
    }
    for (pick, name, color) in [
        (overlays.picks[0], "A", Color32::from_rgb(255, 220, 0)),
        (overlays.picks[1], "B", Color32::from_rgb(255, 80, 200)),
    ] {
        if let Some([x, y]) = pick {
            let points = PlotPoints::new(vec![[f64::from(x), f64::from(y)]]);
            plot_ui.points(Points::new(name, points).color(color).shape(MarkerShape::Square).radius(6.0).filled(false));
        }
    }
    if overlays.morph_path.len() >= 2 {
        let path: Vec<[f64; 2]> = overlays.morph_path.iter().map(|point| point.map(f64::from)).collect();
        plot_ui.line(Line::new("morph path", PlotPoints::new(path)).color(Color32::from_rgb(255, 200, 120)).width(1.5));
    }
    if let Some(point) = overlays.morph_marker {
        let points = PlotPoints::new(vec![point.map(f64::from)]);
        plot_ui.points(Points::new("morph t", points).color(Color32::from_rgb(255, 200, 120)).radius(5.0));
    }
    if let Some([from, to]) = overlays.direction_arrow {
        let [from, to] = [from, to].map(|point| point.map(f64::from));
        plot_ui.line(Line::new("direction", PlotPoints::new(vec![from, to])).color(Color32::WHITE).width(2.5));
        plot_ui.arrows(Arrows::new("direction", vec![from], vec![to]).color(Color32::WHITE).tip_length(14.0));
    }
    if let Some([x, y]) = overlays.marker {
        let points = PlotPoints::new(vec![[f64::from(x), f64::from(y)]]);
        plot_ui
            .points(Points::new("current point", points).color(Color32::WHITE).shape(MarkerShape::Diamond).radius(7.0));
    }
}

/// Changes whenever the rasterised points would look different.
fn raster_key(
    generation: u64,
    hidden: &BTreeSet<u8>,
    bounds: &egui_plot::PlotBounds,
    width: usize,
    height: usize,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    generation.hash(&mut hasher);
    hidden.hash(&mut hasher);
    for value in bounds.min().into_iter().chain(bounds.max()) {
        value.to_bits().hash(&mut hasher);
    }
    (width, height).hash(&mut hasher);
    hasher.finish()
}
