//! The one kind of thing every panel and view returns: what the user asked for this frame.
//! [`crate::app::VaeApp`] applies them in one place, once per frame.

use std::path::PathBuf;

use crate::app::background::view_export::ExportView;
use crate::app::explorer::state::PointRef;
use crate::app::layout::view_pane::ViewPane;
use crate::data::PreprocessingChoice;

/// A file or folder the user is asked for; the answer arrives later as an [`AppAction`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogRequest {
    /// A dataset folder to open (IDX files or images).
    DataFolder,
    /// A saved model folder to open.
    ModelFolder,
    /// A folder to save the shown model into.
    SaveModelFolder,
    /// A file to export a view to.
    ExportFile(ExportView),
    /// An image file to open as morph end A (0) or B (1).
    ImageFile(usize),
    /// A folder of runs (a sweep's output, saved models) to list in the Runs panel.
    RunsFolder,
}

impl DialogRequest {
    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DataFolder => "Open a dataset folder (IDX files or images)",
            Self::ModelFolder => "Open a saved model folder",
            Self::SaveModelFolder => "Save the model into a folder",
            Self::ExportFile(_) => "Export",
            Self::ImageFile(_) => "Open an image",
            Self::RunsFolder => "Choose a folder of runs",
        }
    }

    /// What choosing `path` in this dialog asks for.
    pub fn answered(self, path: PathBuf) -> AppAction {
        match self {
            Self::DataFolder => AppAction::OpenFolder(path),
            Self::ModelFolder => AppAction::OpenModel(path),
            Self::SaveModelFolder => AppAction::SaveModel(path),
            Self::ExportFile(view) => AppAction::Export { view, path },
            Self::ImageFile(slot) => AppAction::ImportImage { slot, path },
            Self::RunsFolder => AppAction::ScanRuns(Some(path)),
        }
    }
}

/// What the user asked for: clicks in the panels and views, dialog answers and dropped files.
#[derive(Clone, Debug, PartialEq)]
pub enum AppAction {
    /// Start training with the current settings.
    Train,
    /// Hold the running training.
    Pause,
    /// Continue the held training.
    Resume,
    /// End the running training.
    Stop,
    /// Train the shown model for more epochs.
    ContinueTraining,
    /// Open the newest run kept before this session.
    OpenLastSession,
    /// Delete a kept run's folder (the Runs panel asked first).
    DeleteRun(PathBuf),
    /// Rename a kept run's folder (on the file thread; an existing folder is never replaced).
    RenameRun {
        /// The run's folder.
        dir: PathBuf,
        /// Its new name, a folder name beside it.
        name: String,
    },
    /// Ask for a path in a dialog (it runs on its own thread; the answer is another action).
    Ask(DialogRequest),
    /// Use a folder of IDX files or images as the dataset (loaded on the file thread).
    OpenFolder(PathBuf),
    /// Show a saved model folder in the latent views.
    OpenModel(PathBuf),
    /// Open a folder of ONNX graphs with the form's answers to what they leave open (kept in its
    /// description file for the next open).
    OpenOnnxWith {
        /// The model folder.
        dir: PathBuf,
        /// The answers, with those given before.
        choices: crate::onnx_model::OnnxChoices,
    },
    /// The form about this ONNX folder was dismissed: it is not opened.
    CancelOnnxOpen(PathBuf),
    /// Save the shown model into a folder.
    SaveModel(PathBuf),
    /// Export a view to a file (rendered and written on the file thread).
    Export {
        /// The view.
        view: ExportView,
        /// The file to write.
        path: PathBuf,
    },
    /// Import an image file as morph end A (0) or B (1) (decoded on the file thread).
    ImportImage {
        /// 0 for A, 1 for B.
        slot: usize,
        /// The image file.
        path: PathBuf,
    },
    /// Make a dataset image morph end A (0) or B (1).
    PickPoint {
        /// 0 for A, 1 for B.
        slot: usize,
        /// The image.
        point: PointRef,
    },
    /// Swap morph ends A and B.
    SwapEnds,
    /// List the runs under this folder (or the last chosen one) in the Runs panel, read on the
    /// file thread.
    ScanRuns(Option<PathBuf>),
    /// Open picture folders with this size, channels, fit and background: remembered, and the
    /// selected picture folder is reloaded with it (on the file thread).
    SetPreprocessing(PreprocessingChoice),
    /// Make the encoded drawing morph end A (0) or B (1).
    UseDrawing(usize),
    /// Draw this view over the whole views' area.
    MaximiseView(ViewPane),
    /// Show every view's tile again.
    RestoreLayout,
    /// Lay the views out as they are at the first start.
    ResetLayout,
    /// Fold the settings panel away (true) or show it again (false).
    HideControls(bool),
}
