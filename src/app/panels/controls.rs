//! The left panel: dataset, model and training settings, run buttons and progress.

use egui::{ComboBox, DragValue, ProgressBar, Slider};

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::panels::preprocessing;
use crate::app::settings::stored::Settings;
use crate::app::training_progress::{RunState, TrainingProgress};
use crate::data::DataSource;
use crate::device::DeviceChoice;
use crate::model::{
    Architecture, ConvLayout, MAX_LATENT_DIM, MAX_LIKELIHOOD_SCALE, MAX_RESIDUAL_BLOCKS, MAX_STAGE_CHANNELS,
    MIN_LIKELIHOOD_SCALE, ReconstructionLoss, ScaleFit,
};
use crate::training::{LossChoice, limits};

/// What the panel needs to know besides the settings and the run.
pub struct PanelContext {
    /// True when a model is loaded (bundled, opened or trained).
    pub has_model: bool,
    /// True when the open model is ONNX graphs trained elsewhere: explored, never trained on.
    pub inference_only: bool,
    /// A summary of the last session's autosaved model, when there is one.
    pub last_session: Option<String>,
}

/// Draws the panel, editing `settings` in place, and returns the actions clicked.
pub fn ui(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    progress: &TrainingProgress,
    context: &PanelContext,
) -> Vec<AppAction> {
    let mut actions = Vec::new();
    let editable = !progress.state.is_active();
    ui.add_enabled_ui(editable, |ui| {
        data_section_ui(ui, settings, &mut actions);
        ui.separator();
        if context.inference_only {
            ui.label(egui::RichText::new(TRAINED_ELSEWHERE_NOTE).italics());
        }
        model_section_ui(ui, settings, context.inference_only);
        ui.separator();
        training_section_ui(ui, settings);
    });
    ui.separator();
    run_buttons_ui(ui, progress, context, &mut actions);
    model_buttons_ui(ui, progress, context, &mut actions);
    progress_section_ui(ui, progress);
    actions
}

fn data_section_ui(ui: &mut egui::Ui, settings: &mut Settings, actions: &mut Vec<AppAction>) {
    ui.heading("Data");
    let choices = settings.data_choices();
    ComboBox::from_label("dataset").selected_text(settings.data.to_string()).show_ui(ui, |ui| {
        for choice in choices {
            let label = choice.to_string();
            ui.selectable_value(&mut settings.data, choice, label);
        }
    });
    if ui.button("Open folder…").on_hover_text("a folder of IDX files or of images").clicked() {
        actions.push(AppAction::Ask(DialogRequest::DataFolder));
    }
    if let DataSource::ImageFolder { preprocessing, .. } = &settings.data
        && let Some(choice) = preprocessing::ui(ui, preprocessing)
    {
        actions.push(AppAction::SetPreprocessing(choice));
    }
}

/// The left panel's line while the model shown is ONNX graphs: the settings below are not its own.
pub const TRAINED_ELSEWHERE_NOTE: &str = "The model shown was trained elsewhere (ONNX graphs): it is explored here, \
     never trained. The settings below are for training a model of ours.";

/// What the conv layouts are, for the layout chooser's hover.
const CONV_LAYOUT_HINT: &str = "direct (the default): 4×4 stride-2 convolutions, the latent read straight off the last \
     feature map, as the PyTorch tutorial model; learns the most per epoch on colour pictures. scaled: 3×3 stride-2 \
     convolutions and a 256-unit dense layer both ways; a little better for a 2-D latent on the digits. two_stages: \
     the oldest layout, two 3×3 stages. A saved model keeps its own layout.";

fn model_section_ui(ui: &mut egui::Ui, settings: &mut Settings, inference_only: bool) {
    ui.heading(if inference_only { "Model of ours to train" } else { "Model" });
    let training = &mut settings.training;
    ComboBox::from_label("architecture").selected_text(training.model.architecture.name()).show_ui(ui, |ui| {
        for architecture in Architecture::ALL {
            ui.selectable_value(&mut training.model.architecture, architecture, architecture.name());
        }
    });
    if training.model.architecture == Architecture::Conv {
        let model = &mut training.model;
        ui.horizontal(|ui| {
            ui.add(
                DragValue::new(&mut model.conv_base_channels).range(1..=MAX_STAGE_CHANNELS).prefix("base channels "),
            )
            .on_hover_text("channels of the first stride-2 stage; each further stage doubles them, up to 256");
            ui.add(DragValue::new(&mut model.conv_residual_blocks).range(0..=MAX_RESIDUAL_BLOCKS).prefix("residual "))
                .on_hover_text(
                    "residual blocks per stage; with any, a fresh model starts signal-preserving (each block the \
                     identity), so that the signal does not fade through its many layers",
                );
        });
        let chosen = &mut settings.conv_layout;
        ComboBox::from_label("conv layout")
            .selected_text(chosen.name())
            .show_ui(ui, |ui| {
                for layout in ConvLayout::ALL {
                    ui.selectable_value(chosen, layout, layout.name());
                }
            })
            .response
            .on_hover_text(CONV_LAYOUT_HINT);
    }
    ui.add(Slider::new(&mut training.model.latent_dim, 1..=MAX_LATENT_DIM).text("latent dimension"));
    let loss_choice = &mut settings.loss_choice;
    ComboBox::from_label("reconstruction loss")
        .selected_text(loss_choice.name())
        .show_ui(ui, |ui| {
            for choice in LossChoice::ALL {
                ui.selectable_value(loss_choice, choice, choice.name());
            }
        })
        .response
        .on_hover_text(
            "how a reconstruction is scored against its image: auto (bce for grey pictures; for colour ones \
             mse with a learned σ, the calibrated decoder), bce (pixels as probabilities, the usual choice for \
             digits), mse (Gaussian, with σ), l1 (Laplace, with b; training keeps its logits within ±8, where the \
             sigmoid still passes a gradient), or ms-ssim-l1 (Zhao et al. 2017: 0.84 × \
             (1 − MS-SSIM) + 0.16 × L1, weight-free, not a likelihood)",
        );
    let scale_name = match *loss_choice {
        LossChoice::Auto => {
            ui.label("grey pictures: bce · colour: mse, σ learned");
            None
        }
        LossChoice::Chosen(loss) => {
            training.loss = loss;
            match loss {
                ReconstructionLoss::Bce => None,
                ReconstructionLoss::Mse => Some("σ "),
                ReconstructionLoss::L1 => Some("b "),
                ReconstructionLoss::MsSsimL1 => None,
            }
        }
    };
    if let Some(prefix) = scale_name {
        ui.horizontal(|ui| {
            let learned = training.scale_fit == ScaleFit::Learned;
            let scale = DragValue::new(&mut training.likelihood_scale)
                .range(MIN_LIKELIHOOD_SCALE..=MAX_LIKELIHOOD_SCALE)
                .speed(0.002)
                .max_decimals(3)
                .prefix(if learned { format!("{prefix}from ") } else { prefix.to_string() });
            ui.add(scale).on_hover_text(if learned {
                "where the learned scale starts, in pixel units"
            } else {
                "scale of the likelihood, in pixel units: Gaussian σ (mse) or Laplace b (l1)"
            });
            let mut learn = learned;
            ui.checkbox(&mut learn, "learned").on_hover_text(
                "calibrated decoder (Rybkin et al. 2021): after every batch the scale becomes the one that fits \
                 that batch best (σ² = its mean squared error, b = its mean absolute error), so the balance \
                 between reconstruction and KL is found rather than guessed, and the nats stay a likelihood",
            );
            training.scale_fit = if learn { ScaleFit::Learned } else { ScaleFit::Fixed };
        });
    } else {
        // bce has no scale to learn; under auto the worker picks the scale with the loss.
        training.scale_fit = ScaleFit::Fixed;
    }
    ui.horizontal(|ui| {
        ui.add(DragValue::new(&mut training.beta).range(limits::BETA).speed(0.05).prefix("β ")).on_hover_text(format!(
            "weight of the KL term (β-VAE), {} to {}: 1 is the plain VAE; above 1 pulls the codes toward the \
             prior (smoother latent space, blurrier images), below 1 sharpens reconstructions",
            limits::BETA.start(),
            limits::BETA.end()
        ));
        ui.add(
            DragValue::new(&mut training.kl_warmup_epochs)
                .range(limits::KL_WARMUP_EPOCHS)
                .prefix("KL warm-up ")
                .suffix(" epochs"),
        )
        .on_hover_text(format!(
            "epochs over which β rises linearly from 0 to its value, {} to {} (0: full β from the start)",
            limits::KL_WARMUP_EPOCHS.start(),
            limits::KL_WARMUP_EPOCHS.end()
        ));
    });
    ui.add(
        DragValue::new(&mut training.perceptual_weight)
            .range(limits::PERCEPTUAL_WEIGHT)
            .speed(0.05)
            .prefix("perceptual (LPIPS) "),
    )
    .on_hover_text(format!(
        "weight W of the LPIPS term added to each image's reconstruction loss (W · LPIPS · values per \
         image), {} to {}; 0: none. Needs the LPIPS weights (scripts/fetch_lpips.sh); the reference \
         recipe is l1, W 1, β 0.02",
        limits::PERCEPTUAL_WEIGHT.start(),
        limits::PERCEPTUAL_WEIGHT.end()
    ));
}

fn training_section_ui(ui: &mut egui::Ui, settings: &mut Settings) {
    ui.heading("Training");
    let training = &mut settings.training;
    egui::Grid::new("training_grid").num_columns(2).show(ui, |ui| {
        labelled_ui(
            ui,
            "learning rate",
            DragValue::new(&mut training.learning_rate).range(limits::LEARNING_RATE).speed(1e-5).max_decimals(6),
        );
        labelled_ui(ui, "batch size", DragValue::new(&mut training.batch_size).range(limits::BATCH_SIZE));
        labelled_ui(ui, "epochs", DragValue::new(&mut training.epochs).range(limits::EPOCHS));
        labelled_ui(ui, "seed", DragValue::new(&mut training.seed));
        let label = ui.label("device");
        ComboBox::from_id_salt("device")
            .selected_text(settings.device.name())
            .show_ui(ui, |ui| {
                for device in DeviceChoice::ALL {
                    ui.selectable_value(&mut settings.device, device, device.name());
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    });
}

/// A grid row: a label and the widget it names (so screen readers and tests find it by name).
fn labelled_ui(ui: &mut egui::Ui, name: &str, widget: impl egui::Widget) {
    let label = ui.label(name);
    ui.add(widget).labelled_by(label.id);
    ui.end_row();
}

/// Why Train and Continue training are off while an ONNX model is open.
pub const INFERENCE_ONLY_HINT: &str = "The open model is ONNX graphs trained elsewhere: vae-explorer explores it but cannot train it. Open one of ours (Open model…) to train.";

fn run_buttons_ui(
    ui: &mut egui::Ui,
    progress: &TrainingProgress,
    context: &PanelContext,
    actions: &mut Vec<AppAction>,
) {
    let state = &progress.state;
    ui.horizontal(|ui| {
        let train = ui.add_enabled(!state.is_active() && !context.inference_only, egui::Button::new("Train"));
        let train = if context.inference_only { train.on_disabled_hover_text(INFERENCE_ONLY_HINT) } else { train };
        if train.clicked() {
            actions.push(AppAction::Train);
        }
        let (label, action) =
            if *state == RunState::Paused { ("Resume", AppAction::Resume) } else { ("Pause", AppAction::Pause) };
        let can_pause = matches!(state, RunState::Running | RunState::Paused);
        if ui.add_enabled(can_pause, egui::Button::new(label)).clicked() {
            actions.push(action);
        }
        if ui.add_enabled(state.is_active(), egui::Button::new("Stop")).clicked() {
            actions.push(AppAction::Stop);
        }
    });
}

/// What "Continue training" does beyond the obvious: the model's own recipe, not the panel's
/// (as `train --resume`), and Adam's moments are not in a checkpoint.
const CONTINUE_TRAINING_HINT: &str = "Trains the model for as many more epochs as set above, on the device set above, with its \
     own recipe (its loss, β, learning rate, batch, seed and perceptual weight): the other settings above are for Train, \
     which starts a new model. Adam starts afresh, so the learning rate rises again from 0 over the first epoch.";

fn model_buttons_ui(
    ui: &mut egui::Ui,
    progress: &TrainingProgress,
    context: &PanelContext,
    actions: &mut Vec<AppAction>,
) {
    let idle = !progress.state.is_active();
    ui.horizontal_wrapped(|ui| {
        let resume = ui
            .add_enabled(idle && context.has_model && !context.inference_only, egui::Button::new("Continue training"));
        let resume = if context.inference_only {
            resume.on_disabled_hover_text(INFERENCE_ONLY_HINT)
        } else {
            resume.on_hover_text(CONTINUE_TRAINING_HINT)
        };
        if resume.clicked() {
            actions.push(AppAction::ContinueTraining);
        }
        if ui.add_enabled(idle, egui::Button::new("Open model…")).clicked() {
            actions.push(AppAction::Ask(DialogRequest::ModelFolder));
        }
        if ui.add_enabled(context.has_model, egui::Button::new("Save model…")).clicked() {
            actions.push(AppAction::Ask(DialogRequest::SaveModelFolder));
        }
    });
    if let Some(summary) = &context.last_session {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Last session: {summary}"));
            if ui.add_enabled(idle, egui::Button::new("Open last session")).clicked() {
                actions.push(AppAction::OpenLastSession);
            }
        });
    }
}

fn progress_section_ui(ui: &mut egui::Ui, progress: &TrainingProgress) {
    if progress.state == RunState::Idle {
        return;
    }
    let (epoch, step) = progress.position;
    ui.add(
        ProgressBar::new(progress.fraction_done())
            .text(format!("epoch {epoch}/{}, step {step}/{}", progress.total_epochs, progress.steps_per_epoch)),
    );
    let eta = progress.eta_secs().map(format_duration).unwrap_or_else(|| "—".to_string());
    ui.label(format!("{:.0} images/s, ETA {eta}", progress.images_per_sec));
    if let Some(last) = progress.epochs.last() {
        ui.label(format!(
            "held-out −ELBO {:.2} nats (recon {:.2}, KL {:.2})",
            last.heldout.neg_elbo_nats(),
            last.heldout.reconstruction_nats,
            last.heldout.kl_nats
        ));
    }
}

fn format_duration(secs: f64) -> String {
    let secs = secs.round() as u64;
    if secs >= 3600 {
        format!("{}h {:02}m", secs / 3600, secs % 3600 / 60)
    } else {
        format!("{}m {:02}s", secs / 60, secs % 60)
    }
}
