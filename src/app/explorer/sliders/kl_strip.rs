//! The KL strip: one bar per latent dimension, its held-out KL(q(z|x) ‖ N(0, 1)) in nats, collapsed
//! dimensions (KL < 0.01 nats) greyed, the count of active ones above.

use egui::{Color32, Rect, Sense, Stroke, Vec2};

use crate::app::explorer::state::ExplorerState;
use crate::inference::ScatterSource;
use crate::quality::{COLLAPSED_KL_NATS, collapsed_dims};

/// Height of the bars' area.
const STRIP_HEIGHT_PX: f32 = 44.0;
/// Bars at least this wide get their dimension index written under them.
const MIN_LABELLED_BAR_PX: f32 = 7.0;
/// Narrower bars than this have their indices on two staggered rows.
const STAGGER_BELOW_BAR_PX: f32 = 16.0;
/// Height of one row of indices.
const LABEL_ROW_PX: f32 = 10.0;

/// Where a KL per dimension comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KlSource {
    /// Measured on the held-out images at an epoch end (training, or the loaded checkpoint).
    Heldout {
        /// Epochs the model had trained.
        epochs_done: usize,
    },
    /// Computed from the scatter's encoded points (a checkpoint that recorded none).
    Scatter {
        /// Which set the scatter shows.
        source: ScatterSource,
        /// How many points.
        points: usize,
    },
}

/// KL per latent dimension, in nats, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct DimensionKl {
    /// One value per dimension: [latent_dim].
    pub nats: Vec<f64>,
    /// Its source.
    pub source: KlSource,
}

impl DimensionKl {
    /// The served model's held-out KL when its checkpoint holds one for every dimension, else the
    /// KL of the scatter's points when they are the model's; `None` before either exists.
    pub fn of(state: &ExplorerState) -> Option<Self> {
        let model = state.model.as_ref()?;
        let latent_dim = model.latent_dim();
        let recorded = &model.info.kl_per_dim_nats;
        if recorded.len() == latent_dim && latent_dim > 0 {
            let source = KlSource::Heldout { epochs_done: model.info.epochs_done };
            return Some(Self { nats: recorded.clone(), source });
        }
        let cloud = state.cloud.value.as_ref()?;
        let fits = cloud.latent_dim == latent_dim && cloud.kl_per_dim_nats.len() == latent_dim && !cloud.is_empty();
        fits.then(|| Self {
            nats: cloud.kl_per_dim_nats.clone(),
            source: KlSource::Scatter { source: cloud.source, points: cloud.len() },
        })
    }

    /// True for each collapsed dimension (KL below [`COLLAPSED_KL_NATS`]).
    pub fn collapsed(&self) -> Vec<bool> {
        collapsed_dims(&self.nats)
    }

    /// Dimensions that are not collapsed.
    pub fn active_count(&self) -> usize {
        self.collapsed().iter().filter(|&&collapsed| !collapsed).count()
    }

    /// How many dimensions are active, e.g. "7 of 16 dimensions active".
    pub fn summary(&self) -> String {
        format!("{} of {} dimensions active", self.active_count(), self.nats.len())
    }

    /// Where the values come from, e.g. "KL per dimension, nats (held-out, epoch 10)".
    pub fn source_line(&self) -> String {
        let from = match self.source {
            KlSource::Heldout { epochs_done } => format!("held-out, epoch {epochs_done}"),
            KlSource::Scatter { source, points } => {
                let set = if source == ScatterSource::Train { "training" } else { "held-out" };
                format!("{points} {set} points shown")
            }
        };
        format!("KL per dimension, nats ({from})")
    }
}

/// Accessible label and hover text of dimension `dim`'s bar.
pub fn bar_label(dim: usize, nats: f64) -> String {
    let state = if collapsed_dims(&[nats])[0] {
        format!("collapsed (< {COLLAPSED_KL_NATS} nats)")
    } else {
        "active".to_string()
    };
    format!("KL of z{dim}: {nats:.3} nats, {state}")
}

/// Draws the summary line and one bar per dimension, in `order` (dimension indices).
pub fn ui(ui: &mut egui::Ui, kl: &DimensionKl, order: &[usize]) {
    ui.label(kl.summary());
    ui.label(egui::RichText::new(kl.source_line()).small().weak());
    let collapsed = kl.collapsed();
    let count = order.len().max(1);
    let width = ui.available_width().max(40.0);
    let bar_px = width / count as f32;
    let labelled = bar_px >= MIN_LABELLED_BAR_PX;
    let staggered = bar_px < STAGGER_BELOW_BAR_PX;
    let label_px = match (labelled, staggered) {
        (false, _) => 0.0,
        (true, false) => LABEL_ROW_PX + 1.0,
        (true, true) => 2.0 * LABEL_ROW_PX + 1.0,
    };
    let (strip, _) = ui.allocate_exact_size(Vec2::new(width, STRIP_HEIGHT_PX + label_px), Sense::hover());
    let painter = ui.painter_at(strip);
    let visuals = ui.visuals();
    painter.rect_filled(strip, 2.0, visuals.extreme_bg_color);
    let largest = kl.nats.iter().copied().filter(|nats| nats.is_finite()).fold(COLLAPSED_KL_NATS, f64::max);
    let active_colour = visuals.selection.bg_fill;
    let collapsed_colour = visuals.weak_text_color().gamma_multiply(0.6);
    let baseline = strip.top() + STRIP_HEIGHT_PX;
    painter.line_segment(
        [egui::pos2(strip.left(), baseline), egui::pos2(strip.right(), baseline)],
        Stroke::new(1.0, visuals.weak_text_color()),
    );
    for (slot, &dim) in order.iter().enumerate() {
        let Some(&nats) = kl.nats.get(dim) else { continue };
        let left = strip.left() + slot as f32 * bar_px;
        let column = Rect::from_min_max(egui::pos2(left, strip.top()), egui::pos2(left + bar_px, strip.bottom()));
        let fraction = if nats.is_finite() { (nats / largest).clamp(0.0, 1.0) as f32 } else { 0.0 };
        let height = (fraction * (STRIP_HEIGHT_PX - 2.0)).max(2.0);
        let gap = (bar_px * 0.15).min(3.0);
        let bar = Rect::from_min_max(
            egui::pos2(left + gap / 2.0, baseline - height),
            egui::pos2(left + bar_px - gap / 2.0, baseline),
        );
        let is_collapsed = collapsed.get(dim).copied().unwrap_or(true);
        painter.rect_filled(bar, 1.0, if is_collapsed { collapsed_colour } else { active_colour });
        if labelled {
            let colour = if is_collapsed { visuals.weak_text_color() } else { visuals.text_color() };
            let row = if staggered { (slot % 2) as f32 } else { 0.0 };
            painter.text(
                egui::pos2(column.center().x, baseline + 1.0 + row * LABEL_ROW_PX),
                egui::Align2::CENTER_TOP,
                dim.to_string(),
                egui::FontId::proportional(9.0),
                colour,
            );
        }
        let response = ui.interact(column, ui.make_persistent_id(("kl_bar", dim)), Sense::hover());
        let label = bar_label(dim, nats);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::accesskit::Role::Meter, true, &label));
        if response.hovered() {
            painter.rect_stroke(column, 1.0, Stroke::new(1.0, Color32::GRAY), egui::StrokeKind::Inside);
        }
        response.on_hover_text(label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_active_dimensions_and_names_the_source() {
        let kl = DimensionKl { nats: vec![2.0, 0.001, 0.5, 0.0], source: KlSource::Heldout { epochs_done: 3 } };
        assert_eq!(kl.active_count(), 2);
        assert_eq!(kl.summary(), "2 of 4 dimensions active");
        assert_eq!(kl.source_line(), "KL per dimension, nats (held-out, epoch 3)");
        let kl =
            DimensionKl { nats: vec![1.0], source: KlSource::Scatter { source: ScatterSource::Train, points: 500 } };
        assert_eq!(kl.source_line(), "KL per dimension, nats (500 training points shown)");
    }

    #[test]
    fn bar_labels_say_collapsed_below_the_threshold() {
        assert_eq!(bar_label(3, 0.004), "KL of z3: 0.004 nats, collapsed (< 0.01 nats)");
        assert_eq!(bar_label(0, 2.5), "KL of z0: 2.500 nats, active");
    }
}
