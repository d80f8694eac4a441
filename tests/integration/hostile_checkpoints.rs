//! Hostile checkpoint folders: names that leave the folder, NaN weights, absurd shapes and
//! counters, FIFOs. Each ends in a clear error, and a save deletes nothing it did not write.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use burn::module::{ModuleMapper, Param};
use burn::prelude::*;
use vae_explorer::checkpoint::{self, CheckpointError, CheckpointInfo, DESCRIPTION_FILE};
use vae_explorer::data::{Dataset, ImageSet};
use vae_explorer::inference::decode;
use vae_explorer::model::{Vae, VaeConfig};
use vae_explorer::training::{EpochReport, LossParts, MAX_GLOBAL_STEP, Trainer};

use crate::support::{Quiet, info_for};

const LATENTS: [f32; 4] = [0.0, 0.0, 1.5, -2.0];

fn fresh_model() -> (Vae, CheckpointInfo) {
    let config = VaeConfig::new();
    (config.init(&Device::flex()), info_for(&config))
}

/// A saved fresh model in `dir`; returns the model.
fn saved_model(dir: &Path) -> Vae {
    let (model, info) = fresh_model();
    checkpoint::save(dir, &model, &info).expect("save");
    model
}

/// Rewrites `checkpoint.json` in `dir` after `edit` changes its JSON.
fn edit_description(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join(DESCRIPTION_FILE);
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    edit(&mut json);
    std::fs::write(&path, serde_json::to_vec(&json).expect("json")).expect("write");
}

fn weights_path(dir: &Path) -> PathBuf {
    dir.join(checkpoint::read_info(dir).expect("description").weights_file)
}

/// Every file under `dir` with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(tree(&path));
        } else {
            files.push((path.clone(), std::fs::read(&path).unwrap_or_default()));
        }
    }
    files.sort();
    files
}

#[test]
fn a_weights_file_outside_the_folder_is_refused_at_load() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("model");
    saved_model(&dir);
    let good_weights = std::fs::read(weights_path(&dir)).expect("read");
    // Real weights wait at every place the names point to: only the name check can refuse them.
    std::fs::write(root.path().join("x"), &good_weights).expect("write");
    std::fs::create_dir(dir.join("a")).expect("mkdir");
    std::fs::write(dir.join("a").join("b"), &good_weights).expect("write");
    let absolute = root.path().join("x").to_string_lossy().into_owned();
    for name in ["../x", absolute.as_str(), "a/b", "/etc/passwd", "..", ".", ""] {
        edit_description(&dir, |json| json["weights_file"] = name.into());
        let error = checkpoint::load(&dir, &Device::flex()).expect_err(name);
        assert!(matches!(&error, CheckpointError::WeightsName { name: given, .. } if given == name), "{error}");
        assert!(error.to_string().contains("not a plain file name"), "{error}");
    }
}

#[test]
fn a_save_over_a_hostile_description_deletes_nothing_it_did_not_write() {
    let root = tempfile::tempdir().expect("temp dir");
    let outside = root.path().join("weights-1-1-1.bpk");
    let absolute = outside.to_string_lossy().into_owned();
    let names = [
        "../weights-1-1-1.bpk",
        absolute.as_str(),
        "sub/weights-2-2-2.bpk",
        "notes.txt",
        "weights.bpk",
        "checkpoint.json",
        "..",
    ];
    for (round, name) in names.into_iter().enumerate() {
        std::fs::write(&outside, b"a file of the user, outside the folder").expect("write");
        let dir = root.path().join(format!("model-{round}"));
        let model = saved_model(&dir);
        std::fs::create_dir(dir.join("sub")).expect("mkdir");
        std::fs::write(dir.join("sub").join("weights-2-2-2.bpk"), b"user file").expect("write");
        std::fs::write(dir.join("notes.txt"), b"user file").expect("write");
        std::fs::write(dir.join("weights.bpk"), b"user file").expect("write");
        let ours = weights_path(&dir);
        edit_description(&dir, |json| json["weights_file"] = name.into());
        std::fs::remove_file(&ours).expect("remove");
        let before = tree(root.path());

        let (_, info) = fresh_model();
        checkpoint::save(&dir, &model, &info).expect("a save may replace a description it can parse");
        let after = tree(root.path());
        let removed: Vec<_> = before.iter().filter(|file| !after.contains(file)).collect();
        let only_description_changed =
            removed.iter().all(|(path, _)| path == &dir.join(DESCRIPTION_FILE)) && removed.len() == 1;
        assert!(only_description_changed, "{name:?}: the save removed or changed {removed:?}");
        let (loaded, _) = checkpoint::load(&dir, &Device::flex()).expect("the new checkpoint loads");
        assert_eq!(decode(&loaded, &LATENTS, 2), decode(&model, &LATENTS, 2));
    }
}

#[test]
fn a_save_never_replaces_a_description_that_is_not_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model();
    for foreign in [&b"my own notes, not JSON"[..], b"{\"some\": \"other JSON\"}"] {
        std::fs::write(dir.path().join(DESCRIPTION_FILE), foreign).expect("write");
        let error = checkpoint::save(dir.path(), &model, &info).expect_err("refused");
        assert!(matches!(error, CheckpointError::NotACheckpointFolder { .. }), "{error}");
        assert_eq!(std::fs::read(dir.path().join(DESCRIPTION_FILE)).expect("read"), foreign);
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "the save wrote weights anyway");
    }
}

/// Sets every weight to NaN.
struct Poison;

impl ModuleMapper for Poison {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|tensor| tensor.mul_scalar(f32::NAN))
    }
}

#[test]
fn nan_weights_are_refused_at_load_and_never_saved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = saved_model(dir.path());
    let poisoned = model.clone().map(&mut Poison);
    let (_, info) = fresh_model();
    let error = checkpoint::save(dir.path(), &poisoned, &info).expect_err("NaN weights are not saved");
    assert!(matches!(error, CheckpointError::NonFinite { .. }), "{error}");
    let (kept, _) = checkpoint::load(dir.path(), &Device::flex()).expect("the previous checkpoint");
    assert_eq!(decode(&kept, &LATENTS, 2), decode(&model, &LATENTS, 2));

    let nan_report = EpochReport {
        epoch: 1,
        global_step: 1,
        train: LossParts { reconstruction_nats: f64::NAN, kl_nats: 1.0 },
        heldout: LossParts::default(),
        images_per_sec: 1.0,
        train_secs: 1.0,
        quality: None,
        learned_scale: None,
    };
    let nan_history = CheckpointInfo { epochs_done: 1, history: vec![nan_report], ..info };
    let error = checkpoint::save(dir.path(), &model, &nan_history).expect_err("a NaN history is not saved");
    assert!(matches!(error, CheckpointError::NonFinite { .. }), "{error}");

    // Weights written by something else than `save`: the load scans them.
    let bytes = poisoned.into_record().into_bytes().expect("burnpack");
    std::fs::write(weights_path(dir.path()), &*bytes).expect("write");
    let error = checkpoint::load(dir.path(), &Device::flex()).expect_err("NaN weights are refused");
    assert!(matches!(error, CheckpointError::NonFiniteWeights { .. }), "{error}");
    assert!(error.to_string().contains("NaN"), "{error}");
}

#[test]
fn absurd_image_shapes_in_a_description_are_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    saved_model(dir.path());
    let near_2_63 = (1u64 << 63) - 1;
    for (height, width) in [(near_2_63, 4), (u64::MAX, u64::MAX), (1 << 32, 1 << 32), (4097, 28), (4096, 4096), (0, 28)]
    {
        edit_description(dir.path(), |json| {
            json["training"]["model"]["image_height"] = height.into();
            json["training"]["model"]["image_width"] = width.into();
        });
        let error = checkpoint::load(dir.path(), &Device::flex()).expect_err("refused");
        assert!(matches!(error, CheckpointError::Config { .. }), "{height}×{width}: {error}");
        assert!(error.to_string().contains(&format!("{height}×{width}")), "{error}");
    }
}

#[test]
fn counters_near_u64_max_are_refused_at_load() {
    let dir = tempfile::tempdir().expect("temp dir");
    saved_model(dir.path());
    for (field, value) in [("epochs_done", u64::MAX), ("global_step", u64::MAX), ("global_step", u64::MAX - 1)] {
        edit_description(dir.path(), |json| json[field] = value.into());
        let error = checkpoint::load(dir.path(), &Device::flex()).expect_err("refused");
        assert!(matches!(error, CheckpointError::Config { .. }) && error.to_string().contains("more than"), "{error}");
        edit_description(dir.path(), |json| json[field] = 0.into());
    }
}

fn tiny_dataset() -> Arc<Dataset> {
    let images = ImageSet { channels: 1, height: 28, width: 28, pixels: vec![128; 32 * 784], labels: vec![0; 32] };
    Arc::new(Dataset {
        name: "tiny".into(),
        class_names: vec!["0".into()],
        train: images.clone(),
        heldout: images,
        ..Default::default()
    })
}

#[test]
fn resuming_near_the_counter_limits_never_overflows() {
    let (model, info) = fresh_model();
    let huge_epochs = CheckpointInfo { epochs_done: usize::MAX - 1, ..info.clone() };
    let error = Trainer::resume(&model, &huge_epochs, usize::MAX, tiny_dataset(), &Device::flex()).err().expect("no");
    assert!(error.contains("epochs"), "{error}");
    let huge_steps = CheckpointInfo { global_step: usize::MAX, ..info.clone() };
    let error = Trainer::resume(&model, &huge_steps, 2, tiny_dataset(), &Device::flex()).err().expect("refused");
    assert!(error.contains("steps"), "{error}");
    // At the limit itself, an epoch runs and the count goes on.
    let at_limit = CheckpointInfo { global_step: MAX_GLOBAL_STEP, ..info };
    let mut trainer = Trainer::resume(&model, &at_limit, 1, tiny_dataset(), &Device::flex()).expect("resume");
    trainer.run(&mut Quiet).expect("no divergence");
    assert_eq!(trainer.global_step(), MAX_GLOBAL_STEP + 1);
}

/// Runs `work` on its own thread and fails the test if it has not returned within a minute: a
/// FIFO opened for reading would block forever.
fn without_hanging<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = channel();
    std::thread::Builder::new()
        .name("fifo-test".to_string())
        .spawn(move || {
            let _ignored = sender.send(work());
        })
        .expect("thread");
    match receiver.recv_timeout(Duration::from_secs(60)) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => panic!("{what} hangs"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_as_description_or_weights_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    saved_model(dir.path());
    std::fs::remove_file(weights_path(dir.path())).expect("remove");
    edit_description(dir.path(), |json| json["weights_file"] = "weights-fifo.bpk".into());
    mkfifo(&dir.path().join("weights-fifo.bpk"));
    let path = dir.path().to_path_buf();
    let error = without_hanging("loading FIFO weights", move || checkpoint::load(&path, &Device::flex()).err());
    assert!(error.as_ref().is_some_and(|error| error.to_string().contains("a FIFO")), "{error:?}");

    std::fs::remove_file(dir.path().join(DESCRIPTION_FILE)).expect("remove");
    mkfifo(&dir.path().join(DESCRIPTION_FILE));
    let path = dir.path().to_path_buf();
    let error = without_hanging("loading a FIFO description", move || checkpoint::load(&path, &Device::flex()).err());
    assert!(error.as_ref().is_some_and(|error| error.to_string().contains("a FIFO")), "{error:?}");
    let path = dir.path().to_path_buf();
    let error = without_hanging("saving over a FIFO description", move || {
        let (model, info) = fresh_model();
        checkpoint::save(&path, &model, &info).err()
    });
    assert!(matches!(error, Some(CheckpointError::NotACheckpointFolder { .. })), "{error:?}");
    // A FIFO among the files is something else than a checkpoint: named, not opened.
    let path = dir.path().to_path_buf();
    let error =
        without_hanging("checking a folder holding a FIFO", move || checkpoint::prepare_save_target(&path).err());
    assert!(error.as_ref().is_some_and(|error| error.to_string().contains("weights-fifo.bpk")), "{error:?}");
    std::fs::remove_file(dir.path().join("weights-fifo.bpk")).expect("remove");
    let path = dir.path().to_path_buf();
    let error = without_hanging("checking a folder with a FIFO", move || checkpoint::prepare_save_target(&path).err());
    assert!(error.as_ref().is_some_and(|error| error.to_string().contains("a FIFO")), "{error:?}");
}
