//! Our model's weights under the names and in the layout of the reference PyTorch modules
//! (`scripts/torch_modules.py`): for the ONNX graphs, and as a safetensors file that
//! `load_state_dict(strict=True)` takes.

use std::collections::BTreeMap;

use burn::store::{BurnToPyTorchAdapter, ModuleSnapshot, SafetensorsStore};
use burn::tensor::DType;

use super::InteropError;
use crate::model::{Vae, VaeConfig};

/// The safetensors metadata key holding the model's [`VaeConfig`] as JSON, so a reader can build
/// the matching PyTorch module without being told the architecture.
pub const CONFIG_METADATA_KEY: &str = "vae_explorer_config";

/// One weight in PyTorch's layout: its shape and values (row-major).
#[derive(Clone, Debug, PartialEq)]
pub struct PytorchTensor {
    /// Dimensions, outermost first (`nn.Linear`: [out, in]; `nn.Conv2d`: [out, in, kh, kw];
    /// `nn.ConvTranspose2d`: [in, out, kh, kw]).
    pub shape: Vec<usize>,
    /// The values.
    pub values: Vec<f32>,
}

/// Every weight of `model` by its PyTorch name (`encoder.wide.weight`, …).
pub fn pytorch_tensors(model: &Vae) -> Result<BTreeMap<String, PytorchTensor>, InteropError> {
    let encode_error = |reason: String| InteropError::Encode { format: "ONNX", reason };
    let mut tensors = BTreeMap::new();
    for tensor in model.collect(None, Some(Box::new(BurnToPyTorchAdapter)), true) {
        if tensor.dtype != DType::F32 {
            return Err(encode_error(format!("{} holds {:?} values, not f32", tensor.name, tensor.dtype)));
        }
        let shape = tensor.shape.as_slice().to_vec();
        let name = tensor.name.clone();
        let bytes = tensor.to_bytes().map_err(|error| encode_error(format!("{name}: {error:?}")))?;
        let values: Vec<f32> =
            bytes.chunks_exact(4).map(|chunk| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])).collect();
        if values.len() != shape.iter().product::<usize>() {
            return Err(encode_error(format!("{name}: {} values for the shape {shape:?}", values.len())));
        }
        tensors.insert(name, PytorchTensor { shape, values });
    }
    Ok(tensors)
}

/// `model` (built from `config`) as a safetensors file in PyTorch's layout, with `config` as JSON
/// in the metadata under [`CONFIG_METADATA_KEY`].
pub fn safetensors_bytes(model: &Vae, config: &VaeConfig) -> Result<Vec<u8>, InteropError> {
    let encode_error = |reason: String| InteropError::Encode { format: "safetensors", reason };
    let config_json = serde_json::to_string(config).map_err(|error| encode_error(error.to_string()))?;
    let mut store = SafetensorsStore::from_bytes(None)
        .with_to_adapter(BurnToPyTorchAdapter)
        .skip_enum_variants(true)
        .metadata(CONFIG_METADATA_KEY, config_json);
    model.save_into(&mut store).map_err(|error| encode_error(error.to_string()))?;
    store.get_bytes().map_err(|error| encode_error(error.to_string()))
}

/// Largest safetensors header read when telling whether a file is one of our exports.
const MAX_HEADER_BYTES: u64 = 16 << 20;

/// True when `path` is a regular file whose safetensors header holds our configuration in its
/// metadata: an export of ours, which a new export may replace.
pub fn is_our_safetensors(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok((mut file, len_bytes)) = crate::safe_read::open_regular(path) else { return false };
    let mut length = [0u8; 8];
    if file.read_exact(&mut length).is_err() {
        return false;
    }
    let header_len = u64::from_le_bytes(length);
    if header_len > MAX_HEADER_BYTES || header_len > len_bytes.saturating_sub(8) {
        return false;
    }
    let Ok(header) = crate::safe_read::read_capped(file.take(header_len), header_len, path) else { return false };
    let Ok(header) = serde_json::from_slice::<serde_json::Value>(&header) else { return false };
    header.get("__metadata__").and_then(|metadata| metadata.get(CONFIG_METADATA_KEY)).is_some()
}
