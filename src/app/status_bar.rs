//! The bottom bar: "reset layout", the model shown, device, run state and the last error.

use egui::{Color32, RichText};

use crate::app::actions::AppAction;
use crate::app::training_progress::{RunState, TrainingProgress};
use crate::inference::ModelSnapshot;

/// The status bar's texts beside the run's state.
#[derive(Clone, Copy, Debug, Default)]
pub struct Texts<'a> {
    /// Which dataset the views read ("read ‹folder›: …", as the CLI says it).
    pub data_read: Option<&'a str>,
    /// The last thing that went right, or what is under way.
    pub notice: Option<&'a str>,
    /// What to do next in a normal state that needs a step (a model that cannot read the data shown).
    pub guidance: Option<&'a str>,
    /// The left panel is folded away.
    pub controls_hidden: bool,
}

/// Draws the status line of `progress`, the model the views show and `texts`. Returns
/// [`AppAction::ResetLayout`] when "reset layout" was clicked, [`AppAction::HideControls`] when
/// the settings panel's fold button was.
pub fn ui(
    ui: &mut egui::Ui,
    progress: &TrainingProgress,
    model: Option<&ModelSnapshot>,
    texts: &Texts<'_>,
) -> Option<AppAction> {
    // The buttons sit on the bar's bottom line and the texts wrap upwards beside them: when the
    // texts grow by a line the bar grows upwards, and a click aimed at a button still lands on it.
    let bar = ui.max_rect();
    let line = ui.spacing().interact_size.y;
    let bottom_line = egui::Rect::from_min_max(egui::pos2(bar.left(), bar.bottom() - line), bar.right_bottom());
    let mut action = None;
    let buttons = ui
        .scope_builder(row_in(bottom_line), |ui| {
            action = buttons_ui(ui, texts.controls_hidden);
            ui.separator();
        })
        .response
        .rect;
    let texts_left = buttons.right() + ui.spacing().item_spacing.x;
    let width = (bar.right() - texts_left).max(line);
    // How tall the texts are at this width, measured in a detached pass that draws nothing; then
    // drawn from that far above the bar's bottom.
    let first_row = |top: f32| egui::Rect::from_min_size(egui::pos2(texts_left, top), egui::vec2(width, line));
    let mut sizing = egui::Ui::new(
        ui.ctx().clone(),
        ui.scope_id().with("status texts sizing"),
        wrapped_in(first_row(bar.top())).sizing_pass().invisible(),
    );
    texts_ui(&mut sizing, progress, model, texts);
    let height = sizing.min_rect().height().max(line);
    ui.scope_builder(wrapped_in(first_row(bar.bottom() - height)), |ui| texts_ui(ui, progress, model, texts));
    action
}

/// A left-to-right row in `rect`, its items centred on the line.
fn row_in(rect: egui::Rect) -> egui::UiBuilder {
    egui::UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center))
}

/// A left-to-right row in `rect`, wrapping onto further rows below it at its right edge.
fn wrapped_in(rect: egui::Rect) -> egui::UiBuilder {
    egui::UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true))
}

/// The fold and "reset layout" buttons: the action of the one clicked.
fn buttons_ui(ui: &mut egui::Ui, controls_hidden: bool) -> Option<AppAction> {
    let mut action = None;
    let (fold, fold_hint) = if controls_hidden {
        (SHOW_CONTROLS_LABEL, "show the data, model and training settings again")
    } else {
        (HIDE_CONTROLS_LABEL, "fold the settings panel away, so the views get its width")
    };
    if ui.small_button(fold).on_hover_text(fold_hint).clicked() {
        action = Some(AppAction::HideControls(!controls_hidden));
    }
    let hint = "lay the views out as at the first start, for this window's size (drag a tab to move a view; \
                the window icon at a tab bar's right fills the area with it)";
    if ui.small_button(RESET_LAYOUT_LABEL).on_hover_text(hint).clicked() {
        action = Some(AppAction::ResetLayout);
    }
    action
}

/// The status bar's texts: the model shown, the data read, the device, the run's state, the
/// notice, the guidance and the last error.
fn texts_ui(ui: &mut egui::Ui, progress: &TrainingProgress, model: Option<&ModelSnapshot>, texts: &Texts<'_>) {
    let Texts { data_read, notice, guidance, .. } = *texts;
    if let Some(model) = model {
        ui.label(model_summary(model));
        ui.separator();
    }
    if let Some(data_read) = data_read {
        ui.label(data_read);
        ui.separator();
    }
    match &progress.device {
        Some(device) => {
            ui.label(format!("device: {}", device.name));
            if let Some(reason) = &device.fallback_reason {
                ui.label(RichText::new(format!("(GPU not used: {reason})")).weak());
            }
        }
        None => {
            ui.label("device: chosen when training starts");
        }
    }
    ui.separator();
    let inference_only = model.is_some_and(|model| model.model.onnx().is_some());
    ui.label(state_text(progress, inference_only));
    if let Some(notice) = notice {
        ui.separator();
        ui.label(notice);
    }
    if let Some(guidance) = guidance {
        ui.separator();
        ui.label(RichText::new(guidance).strong());
    }
    if let Some(error) = &progress.last_error {
        ui.separator();
        ui.label(RichText::new(format!("error: {error}")).color(Color32::from_rgb(255, 110, 110)));
    }
}

/// The label of the button that folds the settings panel away.
pub const HIDE_CONTROLS_LABEL: &str = "‹ settings";

/// The label of the button that shows the folded settings panel again.
pub const SHOW_CONTROLS_LABEL: &str = "› settings";

/// The label of the button that resets the views' layout.
pub const RESET_LAYOUT_LABEL: &str = "reset layout";

/// What the bar says when nothing runs and the model shown is ONNX graphs (Train is off then).
pub const INFERENCE_ONLY_STATE: &str =
    "inference only: explore this model (to train, open one of ours: Open model… or a run in Runs)";

fn state_text(progress: &TrainingProgress, inference_only: bool) -> String {
    if progress.is_compiling_kernels() {
        return "compiling GPU kernels (the first run takes a few minutes; later runs are cached)…".to_string();
    }
    match progress.state {
        RunState::Idle if inference_only => INFERENCE_ONLY_STATE.to_string(),
        RunState::Idle => "ready: click Train".to_string(),
        RunState::Starting => "loading data and device…".to_string(),
        RunState::Running => format!("training on {}", progress.dataset),
        RunState::Paused => "paused".to_string(),
        RunState::Finished => format!("finished {} epochs", progress.epochs.len()),
        RunState::Stopped => format!("stopped after {} full epochs", progress.epochs.len()),
        RunState::Failed => "failed".to_string(),
    }
}

/// "mlp, latent 2, 30 epochs on MNIST 10k (bundled), held-out −ELBO 146.6 nats".
fn model_summary(model: &ModelSnapshot) -> String {
    let config = &model.info.training;
    if let Some(onnx) = model.model.onnx() {
        return format!(
            "model: onnx, latent {}, {} images, from {} (inference only)",
            onnx.latent_dim,
            onnx.image_shape,
            crate::display_name::escaped_path(&onnx.dir)
        );
    }
    let mut text = format!(
        "model: {}, latent {}, {} epochs on {}",
        model.architecture_name(),
        config.model.latent_dim,
        model.info.epochs_done,
        model.info.dataset
    );
    if let Some(last) = model.info.history.last() {
        text.push_str(&format!(", held-out −ELBO {:.1} nats", last.heldout.neg_elbo_nats()));
    }
    text
}
