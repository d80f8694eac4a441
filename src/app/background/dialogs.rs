//! File dialogs on their own thread: the window keeps drawing while one is open, and the
//! chosen path comes back as an action the next frame after it is chosen.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::app::actions::{AppAction, DialogRequest};

/// Name of the dialog thread.
const DIALOG_THREAD_NAME: &str = "vae-dialog";

/// Why a dialog could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum DialogError {
    /// Another dialog is still open.
    #[error("a file dialog is already open: finish or cancel it first")]
    AlreadyOpen,
    /// The dialog thread could not start.
    #[error("cannot open a file dialog: {0}")]
    Spawn(#[source] std::io::Error),
    /// The dialog thread ended without an answer.
    #[error("the file dialog closed unexpectedly; try again")]
    Vanished,
}

/// How a dialog ended.
#[derive(Debug)]
pub enum DialogOutcome {
    /// A path was chosen: what it asks for.
    Chosen(AppAction),
    /// The user cancelled.
    Cancelled,
    /// The dialog failed.
    Failed(DialogError),
}

/// The open dialog, if any.
#[derive(Default)]
pub struct Dialogs {
    open: Option<(DialogRequest, Receiver<Option<PathBuf>>)>,
}

impl Dialogs {
    /// Shows a dialog on the dialog thread; returns at once. `wake` is called when it answers.
    pub fn ask(&mut self, request: DialogRequest, wake: impl Fn() + Send + 'static) -> Result<(), DialogError> {
        if self.open.is_some() {
            return Err(DialogError::AlreadyOpen);
        }
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name(DIALOG_THREAD_NAME.to_string())
            .spawn(move || {
                let _ignored = sender.send(show(request));
                wake();
            })
            .map_err(DialogError::Spawn)?;
        self.open = Some((request, receiver));
        Ok(())
    }

    /// True while a dialog is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// How the open dialog ended, once it has.
    pub fn poll(&mut self) -> Option<DialogOutcome> {
        let (request, answers) = self.open.as_ref()?;
        let outcome = match answers.try_recv() {
            Ok(Some(path)) => DialogOutcome::Chosen(request.answered(path)),
            Ok(None) => DialogOutcome::Cancelled,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => DialogOutcome::Failed(DialogError::Vanished),
        };
        self.open = None;
        Some(outcome)
    }
}

/// Shows the platform's dialog for `request` and waits for the user (on the dialog thread).
fn show(request: DialogRequest) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new().set_title(request.title());
    match request {
        DialogRequest::DataFolder
        | DialogRequest::ModelFolder
        | DialogRequest::SaveModelFolder
        | DialogRequest::RunsFolder => dialog.pick_folder(),
        DialogRequest::ExportFile(view) => dialog
            .set_file_name(format!("{}.{}", view.name(), view.extension()))
            .add_filter(view.extension().to_uppercase(), &[view.extension()])
            .save_file(),
        DialogRequest::ImageFile(_) => {
            dialog.add_filter("Images", &["png", "jpg", "jpeg", "bmp", "gif", "webp"]).pick_file()
        }
    }
}
