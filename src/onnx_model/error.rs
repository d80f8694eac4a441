//! What can go wrong with a folder of ONNX graphs, each case in one line that says what to do.

use std::path::PathBuf;

use crate::display_name::escaped_path;
use crate::safe_read::SafeReadError;

/// A problem with an ONNX model folder or with running its graphs.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    /// A graph file or its weights sidecar could not be read: missing, not a regular file, a link
    /// outside the folder, or too large. (The message already holds the cause.)
    #[error("{0}")]
    Read(SafeReadError),
    /// The bytes are not an ONNX model.
    #[error("{} is not an ONNX model ({reason}); export the encoder and decoder with torch.onnx.export, Keras' model.export or jax2onnx", escaped_path(.path))]
    Decode {
        /// The graph file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// A weight tensor is stored in a way vae-explorer refuses: a sidecar outside the folder, a
    /// range past the sidecar's end, a size that disagrees with its declared shape, too many values.
    #[error("{}: weight {name:?} {problem}", escaped_path(.path))]
    Initializer {
        /// The graph file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The graph uses an operator the runtime does not implement.
    #[error("{}: operator {op} (node {node:?}) is not supported by vae-explorer's ONNX runtime (tract)", escaped_path(.path))]
    UnsupportedOperator {
        /// The graph file.
        path: PathBuf,
        /// The operator, with its domain when not the default one.
        op: String,
        /// The node's name.
        node: String,
    },
    /// The graph's inputs or outputs are not those of a VAE encoder or decoder.
    #[error("{}: {problem}", escaped_path(.path))]
    Shape {
        /// The graph file.
        path: PathBuf,
        /// What does not fit, naming the input or output.
        problem: String,
    },
    /// The graph does not say something the app needs, and no flag or description file did.
    #[error("{}: {question}; pass {flag} (then the answer is kept in {file} for the next open)", escaped_path(.dir))]
    NeedsChoice {
        /// The model folder.
        dir: PathBuf,
        /// What is unknown.
        question: String,
        /// The flag that answers it.
        flag: &'static str,
        /// Which choice it is (the window asks it in a form).
        about: OpenChoice,
        /// The description file the answer is written to.
        file: &'static str,
    },
    /// The runtime could not prepare the graph for running (shapes it cannot resolve, types it cannot
    /// type, an operator it cannot build).
    #[error("{}: the runtime cannot prepare this graph: {reason}", escaped_path(.path))]
    Prepare {
        /// The graph file.
        path: PathBuf,
        /// What the runtime said, on one line.
        reason: String,
    },
    /// Running a graph failed.
    #[error("running the {graph} failed: {reason}")]
    Run {
        /// "encoder" or "decoder".
        graph: &'static str,
        /// What the runtime said, on one line.
        reason: String,
    },
    /// The folder's description file is not valid.
    #[error("{} is not a valid ONNX model description ({reason}); fix or delete it", escaped_path(.path))]
    Description {
        /// The description file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// A choice a graph can leave open, as [`OnnxError::NeedsChoice`] names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenChoice {
    /// Whether the encoder's input holds its channels first, last, or flat.
    Layout,
    /// The image's channels, height and width.
    ImageShape,
    /// Which encoder outputs are the mean and the log-variance.
    Outputs,
}

impl From<SafeReadError> for OnnxError {
    fn from(error: SafeReadError) -> Self {
        Self::Read(error)
    }
}

/// The runtime's error chain on one line (tract's errors hold several lines of context).
pub(crate) fn one_line(error: &dyn std::fmt::Display) -> String {
    let text = format!("{error:#}");
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MAX_REASON_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// Longest runtime message kept in an error (tract may quote a whole node).
const MAX_REASON_CHARS: usize = 300;
