//! The LPIPS weights file read into [`LpipsNetwork`] through burn's PyTorch store, under the
//! project's rules for user files: a regular file, a size cap before reading, the bytes read being
//! the bytes checked (a private copy of the one opened handle is what burn reads), every tensor's
//! name and shape checked, every weight finite, and a panic of the reader turned into an error.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use burn::prelude::*;
use burn::store::{ApplyResult, KeyRemapper, ModuleSnapshot, PytorchStore};

use super::LpipsError;
use super::network::{LpipsNetwork, LpipsNetworkConfig};
use crate::safe_read::{SafeReadError, open_regular};

/// The largest weights file read: the package's is 9,899,296 bytes.
pub const MAX_WEIGHTS_BYTES: u64 = 32 << 20;

/// The package's names → ours (`net.sliceK.I.` is layer I of `features`, `linK.model.1.` the
/// linear layer after its dropout).
const RENAMES: [(&str, &str); 6] = [
    (r"^net\.slice1\.0\.", "conv1."),
    (r"^net\.slice2\.5\.", "conv2."),
    (r"^net\.slice3\.9\.", "conv3."),
    (r"^net\.slice4\.11\.", "conv4."),
    (r"^net\.slice5\.13\.", "conv5."),
    (r"^lin([0-4])\.model\.1\.", "lin$1."),
];

/// Tensors of the file that are constants here: the scaling layer and the blur-pools' binomial
/// filters (`network.rs` holds their values).
const CONSTANTS: [&str; 5] =
    ["scaling_layer.shift", "scaling_layer.scale", "net.slice1.1.filt", "net.slice2.4.filt", "net.slice3.8.filt"];

/// Names shown in an error before the rest are counted.
const NAMES_SHOWN: usize = 6;

/// The network holding the weights of the file at `path`, frozen (no parameter asks for gradients).
pub fn load_network(path: &Path, device: &Device) -> Result<LpipsNetwork, LpipsError> {
    let copy = private_copy(path)?;
    let mut remapper = KeyRemapper::new();
    for (from, to) in RENAMES {
        remapper = remapper.add_pattern(from, to).map_err(|error| LpipsError::Unreadable {
            path: path.to_path_buf(),
            reason: one_line(&error.to_string()),
        })?;
    }
    let mut network = LpipsNetworkConfig::new().init(device);
    let mut store = PytorchStore::from_file(copy.path())
        .remap(remapper)
        .map_indices_contiguous(false)
        .allow_partial(true)
        .validate(false);
    let applied = catch_unwind(AssertUnwindSafe(|| network.load_from(&mut store).map_err(|error| error.to_string())))
        .unwrap_or_else(|_| Err("the reader failed on it; the file is damaged".into()))
        .map_err(|reason| LpipsError::Unreadable { path: path.to_path_buf(), reason: one_line(&reason) })?;
    check_complete(&applied).map_err(|details| LpipsError::Mismatch { path: path.to_path_buf(), details })?;
    if !crate::model::all_weights_finite(&network) {
        return Err(LpipsError::NonFinite { path: path.to_path_buf() });
    }
    Ok(network.no_grad())
}

/// `Err` naming the wrongly shaped, missing and unexpected tensors, unless every parameter was
/// read and nothing but the known constants was left over.
fn check_complete(result: &ApplyResult) -> Result<(), String> {
    let mut parts = Vec::new();
    if !result.errors.is_empty() {
        let errors: Vec<String> = result.errors.iter().map(|error| one_line(&error.to_string())).collect();
        parts.push(listed(&errors));
    }
    if !result.missing.is_empty() {
        let mut missing: Vec<String> = result.missing.iter().map(|(name, _)| name.clone()).collect();
        missing.sort_unstable();
        parts.push(format!("missing {}", listed(&missing)));
    }
    let mut unused: Vec<String> =
        result.unused.iter().filter(|name| !CONSTANTS.contains(&name.as_str())).cloned().collect();
    if !unused.is_empty() {
        unused.sort_unstable();
        parts.push(format!("unexpected {}", listed(&unused)));
    }
    if parts.is_empty() { Ok(()) } else { Err(parts.join("; ")) }
}

/// The first names and how many more.
fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(NAMES_SHOWN).map(String::as_str).collect();
    match names.len().saturating_sub(NAMES_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// `text` on one line, cut to 300 characters.
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(300).collect()
}

/// A private temporary copy of the regular file at `path`, read through the one handle that was
/// checked, refused once it holds more than [`MAX_WEIGHTS_BYTES`].
fn private_copy(path: &Path) -> Result<tempfile::NamedTempFile, LpipsError> {
    if !path.exists() {
        return Err(LpipsError::NotFound { looked: path.to_path_buf() });
    }
    let (file, len_bytes) = open_regular(path)?;
    let too_large = || SafeReadError::TooLarge { path: path.to_path_buf(), max_bytes: MAX_WEIGHTS_BYTES };
    if len_bytes > MAX_WEIGHTS_BYTES {
        return Err(too_large().into());
    }
    let io = |path: PathBuf| move |cause| SafeReadError::Io { path, cause };
    let mut copy =
        tempfile::Builder::new().prefix("vae-explorer-lpips-").tempfile().map_err(io(std::env::temp_dir()))?;
    let copied = std::io::copy(&mut std::io::Read::take(file, MAX_WEIGHTS_BYTES.saturating_add(1)), copy.as_file_mut())
        .map_err(io(path.to_path_buf()))?;
    if copied > MAX_WEIGHTS_BYTES {
        return Err(too_large().into());
    }
    copy.as_file_mut().flush().map_err(io(copy.path().to_path_buf()))?;
    Ok(copy)
}
