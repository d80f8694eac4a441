//! The questions the Runs panel asks about one kept run before acting: delete it (this cannot be
//! undone), or rename it (the name is checked as it is typed).

use std::path::PathBuf;

use crate::app::actions::AppAction;
use crate::app::panels::runs::run_rename::checked_name;
use crate::display_name::{escaped, escaped_path};

/// A question about one kept run, open until answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunQuestion {
    /// Delete this run's folder?
    Delete(PathBuf),
    /// Rename this run's folder to the name typed so far?
    Rename {
        /// The run's folder.
        dir: PathBuf,
        /// The name typed so far.
        name: String,
    },
}

/// Draws the open question; returns what answering it asks for. The question closes when
/// answered or dismissed.
pub fn question_ui(ui: &mut egui::Ui, open: &mut Option<RunQuestion>) -> Option<AppAction> {
    let mut answer = None;
    let mut close = false;
    match open.as_mut()? {
        RunQuestion::Delete(dir) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("Delete the run {} and its model? This cannot be undone.", escaped_path(dir)));
                if ui.button("Delete").clicked() {
                    answer = Some(AppAction::DeleteRun(dir.clone()));
                }
                close = answer.is_some() || ui.button("Keep").clicked();
            });
        }
        RunQuestion::Rename { dir, name } => {
            ui.horizontal_wrapped(|ui| {
                let old = dir.file_name().map(escaped).unwrap_or_default();
                let label = ui.label(format!("Rename the run {old} to"));
                let field = egui::TextEdit::singleline(name).hint_text(old).desired_width(220.0);
                let response = ui.add(field).labelled_by(label.id);
                let checked = checked_name(name);
                let entered = response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
                let clicked = ui.add_enabled(checked.is_ok(), egui::Button::new("Rename")).clicked();
                if let Ok(valid) = &checked
                    && (clicked || entered)
                {
                    answer = Some(AppAction::RenameRun { dir: dir.clone(), name: valid.to_string() });
                }
                close = answer.is_some() || ui.button("Cancel").clicked();
                if let Err(error) = checked.as_ref().map(|_| ()).map_err(ToString::to_string)
                    && !name.is_empty()
                {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
            });
        }
    }
    if close {
        *open = None;
    }
    answer
}
