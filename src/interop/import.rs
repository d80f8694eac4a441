//! PyTorch and safetensors weights read into one of our architectures through burn's stores.
//!
//! The file is user input: it is opened once and the opened handle checked (a regular file, under
//! a cap set by the model's size). A PyTorch file is copied from that handle into a private
//! temporary file, which is what burn's reader opens, so the bytes read are the bytes checked;
//! a safetensors file is read into memory. The reader runs under `catch_unwind` as a last resort.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::{ApplyResult, ModuleSnapshot, PyTorchToBurnAdapter, PytorchStore, SafetensorsStore};

use super::InteropError;
use super::names::{KeyRename, listed, one_line, remapper};
use crate::model::{Vae, VaeConfig};
use crate::safe_read::{SafeReadError, open_regular};

/// Bytes a file may hold per weight of the model: an f64 checkpoint with an optimizer's two
/// moments beside the weights is 24.
const MAX_BYTES_PER_WEIGHT: u64 = 32;
/// Bytes a file may hold beyond its weights: names, pickle, headers, a configuration.
const MAX_OVERHEAD_BYTES: u64 = 64 << 20;

/// The container of a weights file, told by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightsFormat {
    /// `torch.save` output: `.pt`, `.pth` or `.bin` (a ZIP or legacy pickle container).
    Pytorch,
    /// `.safetensors`, names and tensors in PyTorch's layout.
    Safetensors,
}

impl WeightsFormat {
    /// The format `path`'s extension names, if any.
    pub fn of(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "pt" | "pth" | "bin" => Some(Self::Pytorch),
            "safetensors" => Some(Self::Safetensors),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Pytorch => "PyTorch",
            Self::Safetensors => "safetensors",
        }
    }
}

/// How the names of a foreign file are matched to ours.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The key of a checkpoint dictionary that holds the state dict (`state_dict`, `model`, …);
    /// PyTorch files only.
    pub top_level_key: Option<String>,
    /// Renames applied after the wrapper prefixes are removed, in order.
    pub renames: Vec<KeyRename>,
    /// Accept tensors of the file that no parameter takes (they are listed in the report) instead of
    /// refusing the file. BatchNorm's `num_batches_tracked` counters are never weights and are
    /// always set aside.
    pub allow_unused: bool,
}

/// What an import set aside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Tensors of the file no parameter took, in name order (`num_batches_tracked` counters, and
    /// with [`ImportOptions::allow_unused`] any other).
    pub ignored: Vec<String>,
}

/// The name suffix of BatchNorm's step counter: an integer, never a weight.
const BATCH_COUNTER_SUFFIX: &str = "num_batches_tracked";

/// A `config` model (which passed `validate`) holding the weights of the file at `path`.
///
/// Every parameter must be in the file and every tensor of the file must be used; otherwise the
/// error names the missing and unused names and the shapes that differ.
pub fn import_weights(
    path: &Path,
    config: &VaeConfig,
    options: &ImportOptions,
    device: &Device,
) -> Result<Vae, InteropError> {
    import_weights_reported(path, config, options, device).map(|(model, _)| model)
}

/// As [`import_weights`], with what was set aside.
pub fn import_weights_reported(
    path: &Path,
    config: &VaeConfig,
    options: &ImportOptions,
    device: &Device,
) -> Result<(Vae, ImportReport), InteropError> {
    let format = WeightsFormat::of(path).ok_or_else(|| InteropError::UnknownFormat { path: path.to_path_buf() })?;
    let remapper = remapper(&options.renames)?;
    let parameters = config.parameter_count().unwrap_or(crate::model::MAX_PARAMETERS);
    let max_bytes = u64::try_from(parameters)
        .unwrap_or(u64::MAX)
        .saturating_mul(MAX_BYTES_PER_WEIGHT)
        .saturating_add(MAX_OVERHEAD_BYTES);
    let unreadable = |reason: String| InteropError::Unreadable {
        path: path.to_path_buf(),
        format: format.name(),
        reason: one_line(&reason),
    };
    let mut model = config.init(device);
    let applied = match format {
        WeightsFormat::Pytorch => {
            let copy = private_copy(path, max_bytes)?;
            let mut store = PytorchStore::from_file(copy.path()).remap(remapper).allow_partial(true).validate(false);
            if let Some(key) = &options.top_level_key {
                store = store.with_top_level_key(key.as_str());
            }
            guarded(|| model.load_from(&mut store).map_err(|error| error.to_string()))
        }
        WeightsFormat::Safetensors => {
            let (file, len_bytes) = open_regular(path)?;
            if len_bytes > max_bytes {
                return Err(SafeReadError::TooLarge { path: path.to_path_buf(), max_bytes }.into());
            }
            crate::memory_budget::check(len_bytes, format!("reading {}", path.display()), "free some memory")
                .map_err(|error| unreadable(error.to_string()))?;
            let bytes = crate::safe_read::read_capped(file, max_bytes, path)?;
            let mut store = SafetensorsStore::from_bytes(Some(bytes))
                .with_from_adapter(PyTorchToBurnAdapter)
                .skip_enum_variants(true)
                .remap(remapper)
                .allow_partial(true)
                .validate(false);
            guarded(|| model.load_from(&mut store).map_err(|error| error.to_string()))
        }
    };
    let result = applied.map_err(unreadable)?;
    let report = check_complete(&result, options.allow_unused).map_err(|details| InteropError::Mismatch {
        path: path.to_path_buf(),
        architecture: config.architecture.name(),
        details: with_layout_hint(details, config),
    })?;
    if !model.is_finite() {
        return Err(InteropError::NonFinite { path: path.to_path_buf() });
    }
    Ok((model, report))
}

/// For a conv, `details` followed by which layout the weights were read as and the flag that
/// reads another (weights of the older `scaled` layout no longer fit the default `direct`).
fn with_layout_hint(details: String, config: &VaeConfig) -> String {
    if config.architecture != crate::model::Architecture::Conv {
        return details;
    }
    let flag_value = clap::ValueEnum::to_possible_value(&config.conv_layout);
    let layout = flag_value.as_ref().map_or(config.conv_layout.name(), |value| value.get_name());
    format!(
        "{details}; read as the {layout} conv layout: weights of another need --conv-layout (direct, scaled or two-stages)"
    )
}

/// `job`, with a panic of the reader turned into an error (a last resort: the readers check
/// what they read).
fn guarded(job: impl FnOnce() -> Result<ApplyResult, String>) -> Result<ApplyResult, String> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|_| Err("the reader failed on it; the file is damaged".into()))
}

/// `Err` with the shapes that differ and the missing and unused names (each in name order), unless
/// every parameter was loaded from a tensor of the file and every tensor was used (or set aside:
/// batch counters always, any tensor with `allow_unused`).
fn check_complete(result: &ApplyResult, allow_unused: bool) -> Result<ImportReport, String> {
    let mut ignored: Vec<String> = Vec::new();
    let mut unused: Vec<&str> = Vec::new();
    for name in &result.unused {
        if allow_unused || name.ends_with(BATCH_COUNTER_SUFFIX) {
            ignored.push(name.clone());
        } else {
            unused.push(name);
        }
    }
    ignored.sort_unstable();
    let mut parts = Vec::new();
    if !result.errors.is_empty() {
        let errors: Vec<String> = result.errors.iter().map(ToString::to_string).collect();
        parts.push(format!("{} (dense weights as [in, out])", listed(&errors)));
    }
    if !result.missing.is_empty() {
        let mut missing: Vec<&str> = result.missing.iter().map(|(name, _)| name.as_str()).collect();
        missing.sort_unstable();
        parts.push(format!("missing {}", listed(&missing)));
    }
    if !unused.is_empty() {
        unused.sort_unstable();
        parts.push(format!("unused {} (--allow-unused accepts them)", listed(&unused)));
    }
    if result.applied.is_empty() && parts.is_empty() {
        parts.push("the file holds no tensor".to_string());
    }
    if parts.is_empty() {
        Ok(ImportReport { ignored })
    } else {
        Err(format!("{}; see --rename and the layouts in the README", parts.join("; ")))
    }
}

/// A private temporary copy of the regular file at `path`, read through the one handle that was
/// checked, refused once it holds more than `max_bytes`.
fn private_copy(path: &Path, max_bytes: u64) -> Result<tempfile::NamedTempFile, InteropError> {
    let (file, len_bytes) = open_regular(path)?;
    let too_large = || SafeReadError::TooLarge { path: path.to_path_buf(), max_bytes };
    if len_bytes > max_bytes {
        return Err(too_large().into());
    }
    let io = |path: PathBuf| move |cause| SafeReadError::Io { path, cause };
    let mut copy =
        tempfile::Builder::new().prefix("vae-explorer-import-").tempfile().map_err(io(std::env::temp_dir()))?;
    let copied = std::io::copy(&mut file.take(max_bytes.saturating_add(1)), copy.as_file_mut())
        .map_err(io(path.to_path_buf()))?;
    if copied > max_bytes {
        return Err(too_large().into());
    }
    copy.as_file_mut().flush().map_err(io(copy.path().to_path_buf()))?;
    Ok(copy)
}
