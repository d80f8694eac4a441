//! Reading a graph file and its weights sidecar through the safe reader: regular files inside the
//! model folder, sizes capped before reading, every weight checked against its declared shape.

use std::collections::HashMap;
use std::path::Path;

use tract_onnx::pb::{ModelProto, TensorProto};
use tract_onnx::prelude::Framework;

use super::OnnxError;
use crate::model::MAX_PARAMETERS;
use crate::safe_read::{is_plain_file_name, read_inside};

/// The encoder graph's file name inside a model folder.
pub const ENCODER_FILE: &str = "encoder.onnx";
/// The decoder graph's file name inside a model folder.
pub const DECODER_FILE: &str = "decoder.onnx";
/// Largest graph file read: the graph and any weights it holds inline.
pub const MAX_GRAPH_BYTES: u64 = 1 << 30;
/// Largest weights sidecar read (`*.onnx.data`): four bytes for each of the most weights a model may hold.
pub const MAX_SIDECAR_BYTES: u64 = (MAX_PARAMETERS as u64) * 4;

/// ONNX's `TensorProto.DataLocation.EXTERNAL`.
const EXTERNAL: i32 = 1;

/// True when `dir` holds an `encoder.onnx` and a `decoder.onnx` (of any kind: opening checks them).
pub fn is_onnx_folder(dir: &Path) -> bool {
    [ENCODER_FILE, DECODER_FILE].iter().all(|name| std::fs::symlink_metadata(dir.join(name)).is_ok())
}

/// Reads the graph `name` inside `dir`, with the weights of any sidecar it names copied inline.
pub fn read_graph(dir: &Path, name: &str) -> Result<ModelProto, OnnxError> {
    let path = dir.join(name);
    let bytes = read_inside(dir, name, MAX_GRAPH_BYTES)?;
    let mut proto = tract_onnx::onnx()
        .proto_model_for_read(&mut bytes.as_slice())
        .map_err(|error| OnnxError::Decode { path: path.clone(), reason: super::error::one_line(&error) })?;
    let Some(graph) = proto.graph.as_mut() else {
        return Err(OnnxError::Decode { path, reason: "it holds no graph".to_string() });
    };
    let mut sidecars = HashMap::new();
    let mut values = 0usize;
    for tensor in &mut graph.initializer {
        let name = tensor.name.clone();
        let problem = |problem: String| OnnxError::Initializer { path: path.clone(), name: name.clone(), problem };
        let count = element_count(tensor).map_err(problem)?;
        values = values.saturating_add(count);
        if values > MAX_PARAMETERS {
            return Err(problem(format!(
                "brings the weights past {MAX_PARAMETERS} values, more than vae-explorer opens"
            )));
        }
        if tensor.data_location == Some(EXTERNAL) {
            inline_external(dir, tensor, count, &mut sidecars).map_err(problem)?;
        }
        check_payload(tensor, count).map_err(problem)?;
    }
    Ok(proto)
}

/// Values the tensor declares (its dims' product), refusing negative and oversized shapes.
fn element_count(tensor: &TensorProto) -> Result<usize, String> {
    tensor.dims.iter().try_fold(1usize, |count, &dim| {
        let dim = usize::try_from(dim).map_err(|_| format!("has a negative dimension {dim}"))?;
        count
            .checked_mul(dim)
            .filter(|&count| count <= MAX_PARAMETERS)
            .ok_or_else(|| format!("declares shape {:?}, more than {MAX_PARAMETERS} values", tensor.dims))
    })
}

/// Bytes of one element of an ONNX data type vae-explorer reads; `None` for the others.
fn element_bytes(data_type: i32) -> Option<usize> {
    match data_type {
        2 | 3 | 9 => Some(1),   // uint8, int8, bool
        4 | 5 | 10 => Some(2),  // uint16, int16, float16
        1 | 6 | 12 => Some(4),  // float, int32, uint32
        7 | 11 | 13 => Some(8), // int64, double, uint64
        _ => None,
    }
}

/// Copies the tensor's bytes from its sidecar (a plain file name inside `dir`) into `raw_data`.
fn inline_external(
    dir: &Path,
    tensor: &mut TensorProto,
    count: usize,
    sidecars: &mut HashMap<String, Vec<u8>>,
) -> Result<(), String> {
    let entry = |key: &str| tensor.external_data.iter().find(|entry| entry.key == key).map(|entry| entry.value.clone());
    let location = entry("location").ok_or("is stored outside the graph but names no file")?;
    if !is_plain_file_name(&location) {
        return Err(format!(
            "names {location:?} for its data, not a file beside the graph; keep the sidecar in the model folder"
        ));
    }
    let number = |key: &str| -> Result<Option<usize>, String> {
        entry(key)
            .map(|text| text.parse::<usize>().map_err(|_| format!("has {key} {text:?}, not a number")))
            .transpose()
    };
    let offset = number("offset")?.unwrap_or(0);
    let size = element_bytes(tensor.data_type)
        .ok_or_else(|| format!("has data type {}, which vae-explorer does not read", tensor.data_type))?;
    let expected = count.saturating_mul(size);
    if let Some(length) = number("length")?
        && length != expected
    {
        return Err(format!("stores {length} bytes in {location:?} but its shape {:?} needs {expected}", tensor.dims));
    }
    if !sidecars.contains_key(&location) {
        let bytes = read_inside(dir, &location, MAX_SIDECAR_BYTES).map_err(|error| error.to_string())?;
        sidecars.insert(location.clone(), bytes);
    }
    let bytes = sidecars.get(&location).map(Vec::as_slice).unwrap_or_default();
    let data = offset.checked_add(expected).and_then(|end| bytes.get(offset..end)).ok_or_else(|| {
        format!("reads {expected} bytes at offset {offset} of {location:?}, which holds {}", bytes.len())
    })?;
    tensor.raw_data = data.to_vec();
    tensor.data_location = None;
    tensor.external_data.clear();
    Ok(())
}

/// Checks that the tensor's stored values match its declared shape.
fn check_payload(tensor: &TensorProto, count: usize) -> Result<(), String> {
    let size = element_bytes(tensor.data_type)
        .ok_or_else(|| format!("has data type {}, which vae-explorer does not read", tensor.data_type))?;
    let (stored, unit) = if !tensor.raw_data.is_empty() {
        (tensor.raw_data.len(), size)
    } else {
        let typed = match tensor.data_type {
            1 => tensor.float_data.len(),
            7 => tensor.int64_data.len(),
            11 => tensor.double_data.len(),
            12 | 13 => tensor.uint64_data.len(),
            _ => tensor.int32_data.len(),
        };
        (typed, 1)
    };
    if stored != count.saturating_mul(unit) {
        return Err(format!(
            "holds {stored} {} but its shape {:?} needs {}",
            if unit == 1 { "values" } else { "bytes" },
            tensor.dims,
            count.saturating_mul(unit)
        ));
    }
    Ok(())
}
