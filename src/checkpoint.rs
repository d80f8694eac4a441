//! Saving and loading a trained model: burnpack weights plus a JSON description, written atomically.
//!
//! A checkpoint is its folder: it holds `checkpoint.json` and the weights file that names, a
//! plain file name beside it. New weights go to a fresh file name first, `checkpoint.json` is
//! replaced last by a rename, and only then is the previous weights file removed, and only when
//! it is one a save wrote. A crash at any point leaves the previous checkpoint loadable, and a
//! description never makes a save touch anything outside its folder. NaN and infinity are never
//! written and never loaded.

mod error;
mod info;
mod leftovers;
pub mod runs_scan;
mod target;
mod weights_name;

use std::path::Path;

use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

pub use error::CheckpointError;
pub use info::CheckpointInfo;
pub use leftovers::remove_leftovers;
pub use target::{METRICS_FILE, SaveTarget, claim_save_target, prepare_save_target};

use crate::model::Vae;
use crate::safe_read::{SafeReadError, read_inside};
use info::{PreviousDescription, parse_info};
use weights_name::{fresh_weights_name, is_removable_weights};

/// Version of the checkpoint layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Name of the description file inside a checkpoint folder.
pub const DESCRIPTION_FILE: &str = "checkpoint.json";
/// Largest description read (a history of [`crate::training::MAX_EPOCHS`] epochs is ~30 MB).
pub const MAX_DESCRIPTION_BYTES: u64 = 64 << 20;
/// Bytes of a weights file beyond 4 per weight: names, shapes and layout of the burnpack.
const WEIGHTS_OVERHEAD_BYTES: u64 = 1 << 20;

/// Serialises the saves of this process.
static SAVES_IN_PROCESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Writes `model` and `info` into `dir` (created if missing), atomically.
///
/// `info.weights_file` is chosen here, never the name the description in place gives. The
/// previous weights file is removed once the new description is in place, and only when it is a
/// `weights-….bpk` file a save wrote in this folder. Refuses, writing nothing, when the weights or
/// the history hold NaN or infinity, when the configuration does not validate, or when `dir`
/// holds a `checkpoint.json` that is no checkpoint description.
pub fn save(dir: &Path, model: &Vae, info: &CheckpointInfo) -> Result<(), CheckpointError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| CheckpointError::Io { path, error }
    };
    let description_path = dir.join(DESCRIPTION_FILE);
    let config_error = |reason| CheckpointError::Config { path: description_path.clone(), reason };
    info.training.validate().map_err(config_error)?;
    info.validate_counters().map_err(config_error)?;
    if !info.history_is_finite() {
        return Err(CheckpointError::NonFinite { dir: dir.to_path_buf(), what: "the training history holds" });
    }
    if !model.is_finite() {
        return Err(CheckpointError::NonFinite { dir: dir.to_path_buf(), what: "the weights hold" });
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // A folder whose checkpoint.json is not ours is refused before anything (the lock file too) is
    // written into it.
    previous_weights_name(dir)?;
    // One save at a time in this process (a run and the window may save into one folder), and the
    // folder held for this save unless this process's run already holds it; another writer is refused.
    let _one_at_a_time = SAVES_IN_PROCESS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _lock = crate::folder_lock::FolderLock::for_one_write(dir, "save")?;
    let previous = previous_weights_name(dir)?;

    let weights_file = fresh_weights_name(dir, info.epochs_done, previous.as_deref()).ok_or_else(|| {
        CheckpointError::Io { path: dir.to_path_buf(), error: std::io::Error::other("no free weights file name") }
    })?;
    let weights_path = dir.join(&weights_file);
    let weights: Bytes = model.clone().into_record().into_bytes().map_err(|error| CheckpointError::Io {
        path: weights_path.clone(),
        error: std::io::Error::other(error.to_string()),
    })?;
    write_atomically(&weights_path, &weights)?;

    let info = CheckpointInfo { weights_file: weights_file.clone(), ..info.clone() };
    let description = serde_json::to_vec_pretty(&info)
        .map_err(|error| CheckpointError::Description { path: description_path.clone(), error })?;
    if let Err(error) = write_atomically(&description_path, &description) {
        // The description in place still names the previous weights: drop the new ones we wrote.
        let _ignored = std::fs::remove_file(&weights_path);
        return Err(error);
    }

    if let Some(previous) = previous.filter(|old| *old != weights_file && is_removable_weights(dir, old)) {
        let _ignored = std::fs::remove_file(dir.join(previous));
    }
    // Leftovers of killed saves: under the lock, no save of ours is writing them.
    remove_leftovers(dir, Some(&weights_file));
    Ok(())
}

/// The weights file name the description in `dir` gives (unchecked), `None` when there is no
/// description; an error when `checkpoint.json` is there but is no checkpoint description, which
/// a save must not replace.
fn previous_weights_name(dir: &Path) -> Result<Option<String>, CheckpointError> {
    let path = dir.join(DESCRIPTION_FILE);
    if std::fs::symlink_metadata(&path).is_err_and(|error| error.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    let not_ours = |why: String| CheckpointError::NotACheckpointFolder {
        dir: dir.to_path_buf(),
        found: format!("holds a {DESCRIPTION_FILE} that a save must not replace ({why})"),
    };
    let text =
        read_inside(dir, DESCRIPTION_FILE, MAX_DESCRIPTION_BYTES).map_err(|error| not_ours(error.to_string()))?;
    let previous: PreviousDescription =
        serde_json::from_slice(&text).map_err(|error| not_ours(format!("not a checkpoint description: {error}")))?;
    Ok(Some(previous.weights_file))
}

/// Reads a checkpoint's description and weights onto `device`, validating both.
///
/// Both files must sit in `dir` (a link only when it leads inside `dir`). When the weights file the
/// description names has vanished, a save replaced both meanwhile: the description is read once more.
pub fn load(dir: &Path, device: &Device) -> Result<(Vae, CheckpointInfo), CheckpointError> {
    let mut info = read_info(dir)?;
    let mut weights = read_inside(dir, &info.weights_file, max_weights_bytes(&info));
    if let Err(SafeReadError::Io { cause: source, .. }) = &weights
        && source.kind() == std::io::ErrorKind::NotFound
    {
        info = read_info(dir)?;
        weights = read_inside(dir, &info.weights_file, max_weights_bytes(&info));
    }
    let weights_path = dir.join(&info.weights_file);
    let model = build_model(&info, weights?, &weights_path, device)?;
    Ok((model, info))
}

/// Loads a checkpoint held in memory (the bundled model); `name` labels it in errors.
pub fn load_from_bytes(
    description: &[u8],
    weights: &[u8],
    name: &Path,
    device: &Device,
) -> Result<(Vae, CheckpointInfo), CheckpointError> {
    let description_path = name.join(DESCRIPTION_FILE);
    let info = parse_info(description, &description_path)?;
    let weights_path = name.join(&info.weights_file);
    if u64::try_from(weights.len()).unwrap_or(u64::MAX) > max_weights_bytes(&info) {
        return Err(SafeReadError::TooLarge { path: weights_path, max_bytes: max_weights_bytes(&info) }.into());
    }
    let model = build_model(&info, weights.to_vec(), &weights_path, device)?;
    Ok((model, info))
}

/// Reads and checks `checkpoint.json` in `dir`.
pub fn read_info(dir: &Path) -> Result<CheckpointInfo, CheckpointError> {
    let path = dir.join(DESCRIPTION_FILE);
    let text = read_inside(dir, DESCRIPTION_FILE, MAX_DESCRIPTION_BYTES)?;
    parse_info(&text, &path)
}

/// Largest weights file the model `info` describes can have: 4 bytes per weight and the layout.
fn max_weights_bytes(info: &CheckpointInfo) -> u64 {
    // The config passed `validate`, so the count exists and is at most MAX_PARAMETERS.
    let parameters = info.training.model.parameter_count().unwrap_or(crate::model::MAX_PARAMETERS);
    u64::try_from(parameters).unwrap_or(u64::MAX).saturating_mul(4).saturating_add(WEIGHTS_OVERHEAD_BYTES)
}

fn build_model(
    info: &CheckpointInfo,
    weights: Vec<u8>,
    weights_path: &Path,
    device: &Device,
) -> Result<Vae, CheckpointError> {
    let weights_error = |reason: String| CheckpointError::Weights {
        path: weights_path.to_path_buf(),
        architecture: info.training.model.architecture.name(),
        latent_dim: info.training.model.latent_dim,
        reason,
    };
    // Too short to hold 4 bytes per weight: say so before building a model of that size.
    let parameters = info.training.model.parameter_count().unwrap_or(usize::MAX);
    if weights.len() / 4 < parameters {
        return Err(weights_error(format!("{} bytes cannot hold {parameters} weights", weights.len())));
    }
    let record =
        ModuleRecord::from_bytes(Bytes::from_bytes_vec(weights)).map_err(|error| weights_error(error.to_string()))?;
    let model =
        Vae::from_record(&info.training.model, record, device).map_err(|error| weights_error(error.to_string()))?;
    if !model.is_finite() {
        return Err(CheckpointError::NonFiniteWeights { path: weights_path.to_path_buf() });
    }
    Ok(model)
}

/// Writes `bytes` to `path` atomically, naming the path in the error.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    crate::atomic_file::write_atomically(path, bytes)
        .map_err(|error| CheckpointError::Io { path: path.to_path_buf(), error })
}
