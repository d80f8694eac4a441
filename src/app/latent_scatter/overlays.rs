//! The scatter's overlays (sweep rectangle, picks, morph path, the sliders' point) and the key of
//! its rasterised points.

use std::collections::BTreeSet;

use egui::Color32;
use egui_plot::{Arrows, Line, MarkerShape, PlotPoints, Points};

use super::ScatterOverlays;

/// Draws the overlays on top of the points.
pub(super) fn draw_overlays(plot_ui: &mut egui_plot::PlotUi<'_>, overlays: &ScatterOverlays<'_>) {
    if let Some(grid) = overlays.grid {
        let [x0, x1] = grid.x_range.map(f64::from);
        let [y0, y1] = grid.y_range.map(f64::from);
        let outline = vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
        plot_ui.line(Line::new("sweep extent", PlotPoints::new(outline)).color(Color32::from_gray(160)).width(1.0));
    }
    // Under the picks, so a drawing made end A or B still shows its square.
    if let Some(point) = overlays.drawn {
        let points = PlotPoints::new(vec![point.map(f64::from)]);
        let magenta = Color32::from_rgb(255, 0, 255);
        plot_ui.points(Points::new("drawing", points).color(magenta).shape(MarkerShape::Down).radius(8.0).filled(true));
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
pub(super) fn raster_key(
    generation: u64,
    hidden: &BTreeSet<u8>,
    bounds: &egui_plot::PlotBounds,
    width: usize,
    height: usize,
    drawn_version: u64,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    generation.hash(&mut hasher);
    drawn_version.hash(&mut hasher);
    hidden.hash(&mut hasher);
    for value in bounds.min().into_iter().chain(bounds.max()) {
        value.to_bits().hash(&mut hasher);
    }
    (width, height).hash(&mut hasher);
    hasher.finish()
}
