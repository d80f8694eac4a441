//! The CLI `train` keeps what is in `--out`: it refuses folders that hold other things before any
//! epoch runs, stops a diverging run with an error, and a kill -9 during its per-epoch saves
//! leaves a checkpoint that loads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use burn::prelude::Device;
use vae_explorer::checkpoint;
use vae_explorer::inference::decode;

use crate::support::{write_images, write_labels};

const LATENTS: [f32; 4] = [0.0, 0.0, 1.5, -2.0];

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

fn train(out: &Path, extra: &[&str]) -> Output {
    vae_explorer().args(["train", "--device", "cpu"]).args(extra).arg("--out").arg(out).output().expect("run")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A folder of 64 training and 16 test images of 64×64: an epoch takes milliseconds, and saving
/// the 17 MB of weights of an MLP for them takes longer.
fn tiny_idx_folder(dir: &Path) {
    write_images(&dir.join("train-images-idx3-ubyte"), 64, 64, false);
    write_labels(&dir.join("train-labels-idx1-ubyte"), 64, false);
    write_images(&dir.join("t10k-images-idx3-ubyte"), 16, 64, false);
    write_labels(&dir.join("t10k-labels-idx1-ubyte"), 16, false);
}

/// Decodes a few latents with the checkpoint in `dir`.
fn decoded(dir: &Path) -> Vec<f32> {
    let (model, _) = checkpoint::load(dir, &Device::flex()).expect("a loadable checkpoint");
    decode(&model, &LATENTS, 2)
}

#[test]
fn a_diverging_run_fails_and_keeps_the_model_that_was_there() {
    let out = tempfile::tempdir().expect("temp dir");
    let good = train(out.path(), &["--epochs", "1"]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = decoded(out.path());

    let diverging =
        train(out.path(), &["--epochs", "3", "--lr", "0.5", "--lr-schedule", "constant", "--batch-size", "128"]);
    let message = stderr(&diverging);
    assert!(!diverging.status.success(), "{message}");
    assert!(message.contains("diverged") && message.contains("lower the learning rate (now 0.5)"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(message.contains("keeps the model it held (epoch 1)"), "{message}");
    assert_eq!(decoded(out.path()), before, "the model in --out changed");
}

#[test]
fn a_finite_explosion_is_a_divergence_and_keeps_the_model_that_was_there() {
    let out = tempfile::tempdir().expect("temp dir");
    let good = train(out.path(), &["--epochs", "1"]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = decoded(out.path());

    // Issue 27, case 7: this recipe's loss grows to hundreds of thousands of nats without ever
    // becoming NaN; it used to be saved over the good model.
    let exploding = train(out.path(), &["--epochs", "2", "--lr", "0.1", "--lr-schedule", "constant"]);
    let message = stderr(&exploding);
    assert!(!exploding.status.success(), "{message}");
    assert!(message.contains("diverged") && message.contains("× where the run started"), "{message}");
    assert!(message.contains("keeps the model it held (epoch 1)"), "{message}");
    assert_eq!(decoded(out.path()), before, "the model in --out changed");
}

#[test]
fn an_absurd_beta_is_refused_and_the_model_stays() {
    let out = tempfile::tempdir().expect("temp dir");
    let good = train(out.path(), &["--epochs", "1"]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = decoded(out.path());
    for beta in ["1e300", "NaN", "-1"] {
        let refused = train(out.path(), &["--epochs", "1", &format!("--beta={beta}")]);
        assert!(!refused.status.success());
        assert!(stderr(&refused).contains("β must be"), "{beta}: {}", stderr(&refused));
        assert!(!String::from_utf8_lossy(&refused.stdout).contains("epoch"), "{beta}: trained anyway");
        assert_eq!(decoded(out.path()), before, "the model in --out changed");
    }
}

#[test]
fn an_out_folder_holding_other_things_is_refused_before_training() {
    let out = tempfile::tempdir().expect("temp dir");
    std::fs::write(out.path().join("notes.txt"), b"mine").expect("write");
    let refused = train(out.path(), &["--epochs", "1"]);
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(message.contains("notes.txt") && message.contains("not part of a checkpoint"), "{message}");
    assert!(!message.contains("training on"), "it loaded the data first: {message}");
    let names: Vec<_> =
        std::fs::read_dir(out.path()).expect("list").map(|entry| entry.expect("entry").file_name()).collect();
    assert_eq!(names, ["notes.txt"]);

    let file = out.path().join("notes.txt");
    let refused = train(&file, &["--epochs", "1"]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("is not a folder"), "{}", stderr(&refused));
    assert_eq!(std::fs::read(&file).expect("read"), b"mine");
}

/// Every file under `dir` with its bytes, sorted, skipping the folder `skip`.
fn files_except(dir: &Path, skip: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path == skip {
            continue;
        }
        if path.is_dir() {
            files.extend(files_except(&path, skip));
        } else {
            files.push((path.clone(), std::fs::read(&path).expect("read")));
        }
    }
    files.sort();
    files
}

/// The epoch count of the checkpoint in `dir`, once it loads.
fn epochs_done(dir: &Path) -> usize {
    checkpoint::read_info(dir).map(|info| info.epochs_done).unwrap_or(0)
}

/// True when `dir` holds a temporary file of a save in progress.
fn holds_temp_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| entry.file_name().to_string_lossy().starts_with(".vae-explorer-"))
    })
}

/// Runs killed by the interrupted-save test, at least …
const ROUNDS: u64 = 16;
/// … and at most, while none of the kills has hit a save in progress.
const MAX_ROUNDS: u64 = 64;

#[test]
fn a_kill_during_per_epoch_saves_leaves_a_loadable_checkpoint() {
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    tiny_idx_folder(&data);
    std::fs::write(root.path().join("weights-1-1-1.bpk"), b"a file outside --out").expect("write");
    let out = root.path().join("model");
    let data_arg = data.to_string_lossy().into_owned();
    let first = train(&out, &["--epochs", "1", "--data", &data_arg]);
    assert!(first.status.success(), "{}", stderr(&first));
    let outside = files_except(root.path(), &out);

    // Each round resumes the model in --out and kills the run once it has saved another epoch:
    // even rounds as soon as a save's temporary file shows up (inside a write), odd rounds a few
    // milliseconds later (anywhere: training, writing the weights, the description, removing the
    // old weights).
    let mut epochs = epochs_done(&out);
    let mut leftovers_seen = std::collections::BTreeSet::new();
    let mut interrupted_saves = 0;
    let mut round = 0;
    while round < ROUNDS || (interrupted_saves == 0 && round < MAX_ROUNDS) {
        let target = (epochs + 1000).to_string();
        let mut child = vae_explorer()
            .args(["train", "--device", "cpu", "--data", &data_arg, "--epochs", &target, "--resume"])
            .arg(&out)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        while epochs_done(&out) <= epochs {
            assert!(child.try_wait().expect("wait").is_none(), "round {round}: the run ended early");
            std::thread::sleep(Duration::from_millis(1));
        }
        if round % 2 == 0 {
            while !holds_temp_file(&out) && child.try_wait().expect("wait").is_none() {
                std::thread::yield_now();
            }
        } else {
            std::thread::sleep(Duration::from_millis(round % 8));
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        let (model, info) = checkpoint::load(&out, &Device::flex()).expect("the checkpoint loads after a kill");
        assert!(model.is_finite());
        assert!(info.epochs_done > epochs, "round {round}: went back from epoch {epochs} to {}", info.epochs_done);
        assert_eq!(info.history.len(), info.epochs_done);
        epochs = info.epochs_done;
        // A new temporary file or weights file the description does not name: the kill hit a save.
        let leftovers: std::collections::BTreeSet<String> = std::fs::read_dir(&out)
            .expect("list")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| {
                name.starts_with(".vae-explorer-") || (name.starts_with("weights-") && *name != info.weights_file)
            })
            .collect();
        interrupted_saves += usize::from(!leftovers.is_subset(&leftovers_seen));
        leftovers_seen.extend(leftovers);
        round += 1;
        assert_eq!(files_except(root.path(), &out), outside, "round {round}: a file outside --out changed");
    }
    eprintln!("kills that left a half-done save behind: {interrupted_saves} of {round} rounds");
    assert!(interrupted_saves > 0, "no kill in {round} rounds landed inside a save");
}
