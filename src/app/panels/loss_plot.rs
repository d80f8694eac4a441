//! Live loss curves: training terms per step (smoothed) and held-out terms per epoch, with the
//! runs ticked in the Runs panel overlaid (held-out −ELBO, or the chosen quality measure alone).

use egui::{Color32, Sense, Shape, Stroke};

use crate::app::palette::{KL_COLOR, NEG_ELBO_COLOR, RECONSTRUCTION_COLOR};
use egui_plot::{GridInput, GridMark, Line, LineStyle, Plot, PlotPoints, Points};

use crate::app::panels::runs::runs_panel::RunsOverlay;
use crate::app::training_progress::TrainingProgress;
use crate::checkpoint::runs_scan::{RunMetric, RunRecord};
use crate::training::LossParts;

/// Weight of the newest step in the exponential moving average of the training curves.
const SMOOTHING_WEIGHT: f64 = 0.1;

/// One of the three plotted loss terms.
#[derive(Clone, Copy)]
struct Term {
    name: &'static str,
    color: Color32,
    value: fn(&LossParts) -> f64,
}

/// Drawn in this order, so −ELBO (close to the reconstruction term) stays visible on top.
const TERMS: [Term; 3] = [
    Term { name: "KL", color: KL_COLOR, value: |parts| parts.kl_nats },
    Term { name: "reconstruction", color: RECONSTRUCTION_COLOR, value: |parts| parts.reconstruction_nats },
    Term { name: "−ELBO", color: NEG_ELBO_COLOR, value: LossParts::neg_elbo_nats },
];

/// Colour of the shown model's curve when the plot shows a quality measure.
const SHOWN_MODEL_COLOR: Color32 = NEG_ELBO_COLOR;

/// Draws the loss curves of `progress` and the overlaid runs; `log_scale` plots the losses on a
/// symmetric log scale (see [`symlog`]), so the negative nats of a Gaussian or Laplace likelihood
/// stay visible. Returns the names of the overlaid runs drawn (those with at least one point).
pub fn ui(ui: &mut egui::Ui, progress: &TrainingProgress, log_scale: bool, overlay: &RunsOverlay) -> Vec<String> {
    if overlay.metric != RunMetric::NegElbo {
        return quality_ui(ui, progress, overlay);
    }
    let to_y = move |nats: f64| if log_scale { symlog(nats) } else { nats };
    let mut entries: Vec<LegendEntry> = TERMS
        .iter()
        .map(|term| LegendEntry { name: term.name.into(), color: term.color, mark: Mark::Swatch })
        .collect();
    entries.push(LegendEntry { name: "train (smoothed)".into(), color: Color32::GRAY, mark: Mark::Line });
    entries.push(LegendEntry { name: "held-out (per epoch)".into(), color: Color32::GRAY, mark: Mark::DashedPoint });
    entries.extend(overlay_entries(overlay));
    legend_ui(ui, &entries);
    let mut plot = Plot::new("loss_curves").x_axis_label("epoch").y_axis_label(if log_scale {
        "nats, log scale"
    } else {
        "nats per image"
    });
    if log_scale {
        plot = plot
            .y_grid_spacer(symlog_decade_marks)
            .y_axis_formatter(|mark, _range| format_nats(symlog_inverse(mark.value)));
    }
    plot.show(ui, |plot_ui| {
        for term in TERMS {
            let smoothed = smoothed_series(progress, term.value, to_y);
            plot_ui.line(
                Line::new(format!("train {}", term.name), PlotPoints::new(smoothed)).color(term.color).width(1.5),
            );
            let heldout: Vec<[f64; 2]> = progress
                .epochs
                .iter()
                .map(|report| [report.epoch as f64, to_y((term.value)(&report.heldout))])
                .collect();
            let name = format!("held-out {}", term.name);
            plot_ui.line(
                Line::new(name.clone(), PlotPoints::new(heldout.clone()))
                    .color(term.color)
                    .style(LineStyle::dashed_loose())
                    .width(2.0),
            );
            plot_ui.points(Points::new(name, PlotPoints::new(heldout)).color(term.color).radius(3.5));
        }
        draw_overlay(plot_ui, overlay, to_y)
    })
    .inner
}

/// The chosen quality measure per epoch: the shown model's and every overlaid run's.
fn quality_ui(ui: &mut egui::Ui, progress: &TrainingProgress, overlay: &RunsOverlay) -> Vec<String> {
    let shown = RunRecord::current(&progress.epochs).series(overlay.metric);
    let mut entries = vec![LegendEntry { name: "shown model".into(), color: SHOWN_MODEL_COLOR, mark: Mark::Line }];
    entries.extend(overlay_entries(overlay));
    legend_ui(ui, &entries);
    Plot::new("loss_curves")
        .x_axis_label("epoch")
        .y_axis_label(overlay.metric.label())
        .show(ui, |plot_ui| {
            let name = format!("shown model {}", overlay.metric.label());
            plot_ui.line(Line::new(name.clone(), PlotPoints::new(shown.clone())).color(SHOWN_MODEL_COLOR).width(2.0));
            plot_ui.points(Points::new(name, PlotPoints::new(shown)).color(SHOWN_MODEL_COLOR).radius(3.0));
            draw_overlay(plot_ui, overlay, |value| value)
        })
        .inner
}

/// How a legend entry is marked.
#[derive(Clone, Copy)]
enum Mark {
    /// A filled square: a term's colour.
    Swatch,
    /// A solid line.
    Line,
    /// A dashed line through a point.
    DashedPoint,
}

/// One entry of the legend.
struct LegendEntry {
    name: String,
    color: Color32,
    mark: Mark,
}

/// The overlaid runs' entries, each in its run's colour.
fn overlay_entries(overlay: &RunsOverlay) -> impl Iterator<Item = LegendEntry> + '_ {
    overlay.curves.iter().filter(|curve| !curve.points.is_empty()).map(|curve| LegendEntry {
        name: curve.name.clone(),
        color: curve.color,
        mark: Mark::Line,
    })
}

/// Width of a legend entry's mark, in points.
const MARK_WIDTH: f32 = 18.0;

/// The legend, in a wrapped row above the plot, so it never covers a curve (egui_plot's own
/// legend sits inside the plot, over the newest points). Each entry is one widget, so a row
/// breaks between entries, never inside one.
fn legend_ui(ui: &mut egui::Ui, entries: &[LegendEntry]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 12.0;
        for entry in entries {
            legend_entry_ui(ui, entry);
        }
    });
}

fn legend_entry_ui(ui: &mut egui::Ui, entry: &LegendEntry) {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let galley = ui.painter().layout_no_wrap(entry.name.clone(), font, ui.visuals().text_color());
    let size = egui::vec2(MARK_WIDTH + 4.0 + galley.size().x, galley.size().y.max(10.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &entry.name));
    let mark = egui::Rect::from_min_size(rect.min, egui::vec2(MARK_WIDTH, rect.height()));
    let (left, right, center) = (mark.left_center(), mark.right_center(), mark.center());
    let stroke = Stroke::new(2.0, entry.color);
    let painter = ui.painter();
    match entry.mark {
        Mark::Swatch => {
            painter.rect_filled(egui::Rect::from_center_size(center, egui::vec2(10.0, 10.0)), 2.0, entry.color);
        }
        Mark::Line => {
            painter.line_segment([left, right], stroke);
        }
        Mark::DashedPoint => {
            painter.extend(Shape::dashed_line(&[left, right], stroke, 3.0, 3.0));
            painter.circle_filled(center, 3.0, entry.color);
        }
    }
    let text_top = rect.center().y - galley.size().y / 2.0;
    painter.galley(egui::pos2(mark.right() + 4.0, text_top), galley, ui.visuals().text_color());
}

/// Grid marks of the symmetric log axis at 0 and ±1, ±10, ±100, … nats, so its labels read
/// powers of ten (not 9, 99, 999); where fewer than two decades are in view, egui_plot's own.
/// egui_plot labels a mark only where its step is tall enough on screen, so the marks nest:
/// where decades lie too close for every label (a short plot spanning −5,000 to 100 nats), 0,
/// ±10 and ±1,000 keep theirs.
fn symlog_decade_marks(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let zero = std::iter::once(GridMark { value: 0.0, step_size: MARK_LEVELS });
    let decades = (0..=12i32).flat_map(|power| {
        // The n-th decade from zero (1 nat is the first) keeps its label at the step of the
        // largest power of two dividing n.
        let from_zero = power + 1;
        let step_size = f64::from(1u32 << from_zero.trailing_zeros()).min(MARK_LEVELS);
        let nats = 10f64.powi(power);
        [symlog(-nats), symlog(nats)].map(|value| GridMark { value, step_size })
    });
    let marks: Vec<GridMark> = zero.chain(decades).filter(|mark| (low..=high).contains(&mark.value)).collect();
    if marks.len() < 2 { egui_plot::log_grid_spacer(10)(input) } else { marks }
}

/// The largest step of the nested decade marks, in decades.
const MARK_LEVELS: f64 = 4.0;

/// One line with points per overlaid run, named by the run; returns the names drawn.
fn draw_overlay(plot_ui: &mut egui_plot::PlotUi<'_>, overlay: &RunsOverlay, to_y: impl Fn(f64) -> f64) -> Vec<String> {
    let mut drawn = Vec::new();
    for curve in overlay.curves.iter().filter(|curve| !curve.points.is_empty()) {
        let points: Vec<[f64; 2]> = curve.points.iter().map(|&[x, y]| [x, to_y(y)]).collect();
        plot_ui.line(Line::new(curve.name.clone(), PlotPoints::new(points.clone())).color(curve.color).width(2.0));
        plot_ui.points(Points::new(curve.name.clone(), PlotPoints::new(points)).color(curve.color).radius(3.0));
        drawn.push(curve.name.clone());
    }
    drawn
}

/// Exponential moving average of one term over the steps, as plot points.
fn smoothed_series(
    progress: &TrainingProgress,
    value: fn(&LossParts) -> f64,
    to_y: impl Fn(f64) -> f64,
) -> Vec<[f64; 2]> {
    let mut average: Option<f64> = None;
    progress
        .steps
        .iter()
        .filter(|point| (value)(&point.loss).is_finite())
        .map(|point| {
            let current = (value)(&point.loss);
            let smoothed = average.map_or(current, |previous| previous + SMOOTHING_WEIGHT * (current - previous));
            average = Some(smoothed);
            [point.epoch_position, to_y(smoothed)]
        })
        .collect()
}

/// Symmetric log: sign(x)·log10(1 + |x|). Monotonic, defined for negative losses (a Gaussian or
/// Laplace likelihood's nats go below zero), and logarithmic for large ones.
fn symlog(nats: f64) -> f64 {
    nats.signum() * nats.abs().ln_1p() / std::f64::consts::LN_10
}

/// The inverse of [`symlog`], for the axis labels.
fn symlog_inverse(value: f64) -> f64 {
    value.signum() * (value.abs() * std::f64::consts::LN_10).exp_m1()
}

fn format_nats(nats: f64) -> String {
    let whole = nats.round();
    if nats.abs() >= 10.0 || (nats - whole).abs() < 1e-6 { format!("{whole:.0}") } else { format!("{nats:.2}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_sit_at_powers_of_ten() {
        let input = GridInput { bounds: (symlog(-20.0), symlog(5000.0)), base_step_size: 0.01 };
        let labels: Vec<String> =
            symlog_decade_marks(input).iter().map(|mark| format_nats(symlog_inverse(mark.value))).collect();
        assert_eq!(labels, ["0", "-1", "1", "-10", "10", "100", "1000"]);
    }

    #[test]
    fn dense_decades_keep_every_other_label_then_every_fourth() {
        let input = GridInput { bounds: (symlog(-5000.0), symlog(200.0)), base_step_size: 0.01 };
        let marks = symlog_decade_marks(input);
        let step_of =
            |nats: f64| marks.iter().find(|mark| (mark.value - symlog(nats)).abs() < 1e-12).map(|mark| mark.step_size);
        assert_eq!(
            [step_of(0.0), step_of(1.0), step_of(10.0), step_of(100.0)],
            [Some(4.0), Some(1.0), Some(2.0), Some(1.0)]
        );
        assert_eq!([step_of(-1000.0), step_of(-10.0), step_of(-1.0)], [Some(4.0), Some(2.0), Some(1.0)]);
    }

    #[test]
    fn symlog_keeps_order_and_sign_and_inverts() {
        let values = [-5000.0, -12.5, -1.0, -0.01, 0.0, 0.01, 1.0, 99.0, 150.0, 5000.0];
        let mapped: Vec<f64> = values.iter().map(|&nats| symlog(nats)).collect();
        assert!(mapped.windows(2).all(|pair| pair[0] < pair[1]), "{mapped:?}");
        assert!(mapped[0] < 0.0 && mapped[4] == 0.0 && mapped[9] > 0.0);
        assert!((symlog(99.0) - 2.0).abs() < 1e-12);
        for nats in values {
            assert!((symlog_inverse(symlog(nats)) - nats).abs() <= 1e-9 * nats.abs().max(1.0), "{nats}");
        }
    }
}
