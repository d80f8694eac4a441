//! What can go wrong on the inference thread, typed until the window formats it.

use crate::checkpoint::CheckpointError;
use crate::data::DataError;

/// A request the inference thread could not serve; it goes on serving the next ones.
#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    /// A saved model could not be opened.
    #[error("cannot open the model: {0}")]
    OpenModel(CheckpointError),
    /// An ONNX folder's graphs leave questions open (the window asks them in a form; the line is
    /// the command line's, naming the first flag that answers).
    #[error("cannot open the model: {}", .0.reason)]
    ChoicesNeeded(Box<crate::onnx_model::OnnxQuestions>),
    /// A dataset could not be loaded.
    #[error("cannot load the dataset: {0}")]
    LoadDataset(DataError),
    /// The served model could not be saved.
    #[error("cannot save the model: {0}")]
    SaveModel(CheckpointError),
    /// Save or training was asked of a model trained elsewhere (ONNX graphs).
    #[error("this model is ONNX graphs trained elsewhere: it can be explored, not trained on or saved as ours")]
    NotOurs,
    /// Save was asked before any model was served.
    #[error("there is no model to save yet: train or open one")]
    NoModelToSave,
    /// The open dataset's images are not the shape the model reads.
    #[error(
        "the model reads {model} images but {dataset} holds {data} images: open the folder it was trained on \
         (Open folder…) to see its latent space"
    )]
    DataDoesNotFit {
        /// What the model reads.
        model: crate::image_shape::ImageShape,
        /// What the dataset holds.
        data: crate::image_shape::ImageShape,
        /// The dataset's name.
        dataset: String,
    },
    /// A decoder sweep larger than the app offers.
    #[error("a sweep of {size} × {size} cells cannot be decoded: choose 2 to {max} cells per side")]
    GridSize {
        /// Cells per side asked for.
        size: usize,
        /// Largest side served.
        max: usize,
    },
    /// A morph strip with too few or too many frames.
    #[error("a morph of {steps} steps cannot be decoded: choose 2 to {max} steps")]
    MorphSteps {
        /// Frames asked for.
        steps: usize,
        /// Most frames served.
        max: usize,
    },
    /// A t-SNE or UMAP plane could not be made.
    #[error("cannot lay the points out on the plane: {0}")]
    Plane(crate::latent::EmbeddingError),
    /// A view that needs the dataset's images was asked before a dataset was open.
    #[error("there is no dataset open: open the folder the model was trained on")]
    NoDataset,
    /// A class direction's class has no held-out image.
    #[error("class {class} has no held-out image; choose another class")]
    EmptyClass {
        /// The class's name.
        class: String,
    },
    /// A latent point of the wrong length.
    #[error("a latent point of {given} values was given but the model's latent space has {latent_dim}")]
    LatentSize {
        /// Values given.
        given: usize,
        /// The model's latent size.
        latent_dim: usize,
    },
    /// A neighbour search for too few or too many images.
    #[error("{k} nearest images cannot be shown: choose 1 to {max}")]
    NeighbourCount {
        /// Images asked for.
        k: usize,
        /// Most served.
        max: usize,
    },
    /// The computation panicked; the thread caught it and goes on serving.
    #[error("the inference thread failed while computing the {job} ({message}); it still serves the other views")]
    Panicked {
        /// Which view's computation failed.
        job: &'static str,
        /// The panic's message.
        message: String,
    },
}

/// The text of a caught panic's payload (used by every thread that catches panics).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}
