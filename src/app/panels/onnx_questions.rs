//! The short form for what an ONNX folder's graphs leave open (the image's shape and layout, which
//! outputs are the mean and log-variance, what the decoder returns): each question pre-filled with
//! what the graphs allow, checked as it is typed. Open hands the answers to the app, which opens
//! the model with them off the UI thread (they are then kept in the folder's description file).

use crate::app::actions::AppAction;
use crate::display_name::escaped_path;
use crate::onnx_model::{DESCRIPTION_FILE, DecoderOutput, Layout, OnnxAnswers, OnnxQuestions, parse_shape};

/// The form's title (its window's name).
pub const FORM_TITLE: &str = "Open a model trained elsewhere";

/// The open questions and the answers chosen or typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnnxQuestionsForm {
    questions: OnnxQuestions,
    layout: Layout,
    /// C, H and W as typed.
    shape: [String; 3],
    mean: usize,
    log_var: usize,
    decoder_output: DecoderOutput,
}

impl OnnxQuestionsForm {
    /// The form for `questions`, each answer pre-filled with the first the graphs allow.
    pub fn new(questions: OnnxQuestions) -> Self {
        let layout = questions.layout.as_ref().and_then(|layouts| layouts.first().copied()).unwrap_or(Layout::Nchw);
        let shape = questions.image_shape.as_ref().map_or_else(
            || [String::new(), String::new(), String::new()],
            |asked| {
                let shape = asked.suggested;
                [shape.channels.to_string(), shape.height.to_string(), shape.width.to_string()]
            },
        );
        let (mean, log_var) = questions.outputs.as_ref().map_or((0, 1), |outputs| (outputs.mean, outputs.log_var));
        let decoder_output = questions.decoder_output.unwrap_or(DecoderOutput::Probabilities);
        Self { questions, layout, shape, mean, log_var, decoder_output }
    }

    /// The model folder asked about.
    pub fn dir(&self) -> &std::path::Path {
        &self.questions.dir
    }

    /// The questions.
    pub fn questions(&self) -> &OnnxQuestions {
        &self.questions
    }

    /// The action that opens the model with the answers, or one line saying what to change.
    fn answered(&self) -> Result<AppAction, String> {
        let image_shape = match &self.questions.image_shape {
            Some(asked) => {
                let [channels, height, width] = &self.shape;
                Some(parse_shape([channels, height, width], asked.values)?)
            }
            None => None,
        };
        let answers = OnnxAnswers {
            layout: Some(self.layout),
            image_shape,
            mean: Some(self.mean),
            log_var: Some(self.log_var),
            decoder_output: Some(self.decoder_output),
        };
        let choices = self.questions.choices(&answers)?;
        Ok(AppAction::OpenOnnxWith { dir: self.questions.dir.clone(), choices })
    }
}

/// Draws the open form over the window; returns what answering it asks for. It closes when
/// answered (Open) or dismissed (Cancel, Escape).
pub fn form_ui(ctx: &egui::Context, open: &mut Option<OnnxQuestionsForm>) -> Option<AppAction> {
    let form = open.as_mut()?;
    let mut answer = None;
    let mut cancelled = ctx.input(|input| input.key_pressed(egui::Key::Escape));
    egui::Window::new(FORM_TITLE).collapsible(false).resizable(false).show(ctx, |ui| {
        ui.label(format!(
            "{}: its graphs do not say everything vae-explorer needs. Check these, then Open; the answers \
             are kept in {DESCRIPTION_FILE} there, so the next open asks nothing.",
            escaped_path(&form.questions.dir)
        ));
        ui.add_space(4.0);
        egui::Grid::new("onnx_questions").num_columns(2).show(ui, |ui| questions_ui(ui, form));
        let checked = form.answered();
        if let Err(error) = &checked {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.horizontal(|ui| {
            if ui.add_enabled(checked.is_ok(), egui::Button::new("Open")).clicked() {
                answer = checked.ok();
            }
            cancelled |= ui.button("Cancel").clicked();
        });
    });
    if cancelled {
        let dir = form.questions.dir.clone();
        *open = None;
        return Some(AppAction::CancelOnnxOpen(dir));
    }
    if answer.is_some() {
        *open = None;
    }
    answer
}

/// One grid row per question.
fn questions_ui(ui: &mut egui::Ui, form: &mut OnnxQuestionsForm) {
    if let Some(layouts) = &form.questions.layout {
        let label = ui.label("layout");
        egui::ComboBox::from_id_salt("onnx_layout")
            .selected_text(layout_name(form.layout))
            .show_ui(ui, |ui| {
                for &layout in layouts {
                    ui.selectable_value(&mut form.layout, layout, layout_name(layout));
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    }
    if let Some(asked) = &form.questions.image_shape {
        ui.label("image").on_hover_text("channels (1 grey, 3 colour), height and width in pixels");
        ui.horizontal(|ui| {
            for (text, name) in form.shape.iter_mut().zip(["C", "H", "W"]) {
                let label = ui.label(name);
                ui.add(egui::TextEdit::singleline(text).desired_width(44.0).char_limit(6)).labelled_by(label.id);
            }
            if let Some(values) = asked.values {
                ui.weak(format!("(the encoder reads {values} values)"));
            }
        });
        ui.end_row();
    }
    if let Some(outputs) = &form.questions.outputs {
        for (name, index, salt) in
            [("mean output", &mut form.mean, "onnx_mean"), ("log-variance output", &mut form.log_var, "onnx_logvar")]
        {
            let label = ui.label(name);
            let shown =
                outputs.names.get(*index).map_or_else(String::new, |name| crate::display_name::escaped(name.as_ref()));
            egui::ComboBox::from_id_salt(salt)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for (candidate, output) in outputs.names.iter().enumerate() {
                        ui.selectable_value(index, candidate, crate::display_name::escaped(output.as_ref()));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        }
    }
    if form.questions.decoder_output.is_some() {
        let label = ui.label("decoder output").on_hover_text(
            "what the decoder's values are: probabilities in [0, 1], logits (shown through a sigmoid) or \
             tanh values in [−1, 1]; pre-filled from the range of a few decodes",
        );
        egui::ComboBox::from_id_salt("onnx_decoder_output")
            .selected_text(form.decoder_output.name())
            .show_ui(ui, |ui| {
                for kind in [DecoderOutput::Probabilities, DecoderOutput::Logits, DecoderOutput::Tanh] {
                    ui.selectable_value(&mut form.decoder_output, kind, kind.name());
                }
            })
            .response
            .labelled_by(label.id);
        ui.end_row();
    }
}

fn layout_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Nchw => "NCHW (channels first)",
        Layout::Nhwc => "NHWC (channels last)",
        Layout::Flat => "flat (planes one after another)",
    }
}

/// The folder a form asks about, for the status bar while it is open.
pub fn asking_line(form: &OnnxQuestionsForm) -> String {
    format!("answer the questions about {} to open it", escaped_path(&form.questions.dir))
}

/// The folder of a cancelled form, for the status bar.
pub fn cancelled_line(dir: &std::path::Path) -> String {
    format!("did not open {}: its questions were not answered", escaped_path(dir))
}
