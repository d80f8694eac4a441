//! Weights exchanged with other frameworks: PyTorch (`.pt`, `.pth`) and safetensors weights read
//! into our own architectures, and our models written as safetensors in PyTorch's layout and as
//! ONNX graphs (one for the encoder, one for the decoder).
//!
//! The names are those of the reference PyTorch modules in `scripts/torch_modules.py`: the burn
//! module's paths without the enum variant (`encoder.wide.weight`), dense weights as PyTorch's
//! `nn.Linear` holds them ([out, in]); burn's store and its PyTorch adapters do the transposes.

mod error;
mod import;
mod names;
mod onnx;
mod reference;
mod safetensors_export;

pub use error::InteropError;
pub use import::{ImportOptions, ImportReport, WeightsFormat, import_weights, import_weights_reported};
pub use names::{KeyRename, listed};
pub use onnx::{DECODER_FILE, ENCODER_FILE, OnnxModels, onnx_models};
pub use reference::{ReferenceOutputs, reference_images, reference_latents, reference_outputs};
pub use safetensors_export::{
    CONFIG_METADATA_KEY, PytorchTensor, is_our_safetensors, pytorch_tensors, safetensors_bytes,
};
