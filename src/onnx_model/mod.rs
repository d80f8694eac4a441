//! VAEs trained elsewhere, opened from a folder of ONNX graphs (`encoder.onnx`, `decoder.onnx`) and
//! run with tract: reading the files safely, what the graphs declare, what the user chose where they
//! are silent, and encoding and decoding on plain floats.

mod choices;
mod error;
mod files;
mod graph;
mod model;
mod questions;
mod runner;
mod spec;

pub use choices::{DESCRIPTION_FILE, DecoderOutput, Layout, OnnxChoices};
pub use error::{OnnxError, OpenChoice};
pub use files::{DECODER_FILE, ENCODER_FILE, MAX_GRAPH_BYTES, MAX_SIDECAR_BYTES, is_onnx_folder, read_graph};
pub use model::{OnnxModelInfo, OnnxVae};
pub use questions::{OnnxAnswers, OnnxQuestions, OutputsQuestion, ShapeQuestion, open_questions, parse_shape};
pub use spec::Finding;
