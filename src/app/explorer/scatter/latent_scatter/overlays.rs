//! The scatter's overlays (sweep rectangle, picks, morph path, the sliders' point) and the key of
//! its rasterised points.

use std::collections::BTreeSet;

use egui::Color32;
use egui_plot::{Arrows, Line, MarkerShape, PlotPoints, Points};

use super::ScatterOverlays;

/// A line through `points` drawn as a line. egui_plot draws a run of points whose x never
/// decreases as a filled band between their lowest and highest y (its shortcut for dense series):
/// that filled half the sweep rectangle whenever its top edge was out of view.
fn geometric_line(name: &str, points: Vec<[f64; 2]>) -> Line<'static> {
    Line::new(name, PlotPoints::new(points)).allow_band(false)
}

/// Draws the overlays on top of the points.
pub(super) fn draw_overlays(plot_ui: &mut egui_plot::PlotUi<'_>, overlays: &ScatterOverlays<'_>) {
    if let Some(grid) = overlays.grid {
        let [x0, x1] = grid.x_range.map(f64::from);
        let [y0, y1] = grid.y_range.map(f64::from);
        let outline = vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
        plot_ui.line(geometric_line("sweep extent", outline).color(Color32::from_gray(160)).width(1.0));
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
        plot_ui.line(geometric_line("morph path", path).color(Color32::from_rgb(255, 200, 120)).width(1.5));
    }
    if let Some(point) = overlays.morph_marker {
        let points = PlotPoints::new(vec![point.map(f64::from)]);
        plot_ui.points(Points::new("morph t", points).color(Color32::from_rgb(255, 200, 120)).radius(5.0));
    }
    if let Some([from, to]) = overlays.direction_arrow {
        let [from, to] = [from, to].map(|point| point.map(f64::from));
        plot_ui.line(geometric_line("direction", vec![from, to]).color(Color32::WHITE).width(2.5));
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

#[cfg(test)]
mod tests {
    use egui_kittest::Harness;
    use egui_plot::{Plot, PlotBounds};

    use super::*;
    use crate::latent::GridSpec;

    /// True when `shape` is, or holds, a filled band.
    fn has_band(shape: &egui::Shape) -> bool {
        match shape {
            egui::Shape::Band(_) => true,
            egui::Shape::Vec(shapes) => shapes.iter().any(has_band),
            _ => false,
        }
    }

    #[test]
    fn a_sweep_rectangle_partly_out_of_view_is_drawn_as_an_outline() {
        let mut harness = Harness::new_ui(|ui| {
            let grid = GridSpec::default();
            let overlays = ScatterOverlays {
                grid: Some(&grid),
                marker: None,
                picks: [None; 2],
                marker_draggable: false,
                morph_path: vec![[-4.0, -4.0], [4.0, -4.0], [4.0, 4.0]],
                morph_marker: None,
                drawn: None,
                direction_arrow: Some([[0.0, -2.0], [0.0, 2.0]]),
            };
            Plot::new("overlays").auto_bounds(egui::Vec2b::FALSE).show(ui, |plot_ui| {
                // The ±4 rectangle's top edge above the view, as after a fit to a cloud below it.
                plot_ui.set_plot_bounds(PlotBounds::from_min_max([-5.0, -5.0], [5.0, 3.0]));
                draw_overlays(plot_ui, &overlays);
            });
        });
        harness.run_steps(2);
        let shapes = &harness.output().shapes;
        assert!(!shapes.is_empty(), "the plot painted nothing");
        assert!(!shapes.iter().any(|clipped| has_band(&clipped.shape)), "an overlay line was painted as a filled band");
    }
}
