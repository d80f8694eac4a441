//! Writers that met (issue 27, cases 1, 2 and 13): a second `train --out` into a folder being
//! written is refused naming the holder; `sweep --out` refuses a folder that is not a sweep's own;
//! a rerun sweep never calls a damaged run or a run of other settings finished.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{write_images, write_labels};

/// Polls of the first writer's progress before giving up (only a regression waits that long).
const MAX_POLLS: usize = 1200;
const POLL: Duration = Duration::from_millis(50);

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// 64 training and 16 held-out images of 28×28.
fn tiny_digits(dir: &Path) {
    write_images(&dir.join("train-images-idx3-ubyte"), 64, 28, false);
    write_labels(&dir.join("train-labels-idx1-ubyte"), 64, false);
    write_images(&dir.join("t10k-images-idx3-ubyte"), 16, 28, false);
    write_labels(&dir.join("t10k-labels-idx1-ubyte"), 16, false);
}

fn train_command(data: &Path, out: &Path, epochs: &str) -> Command {
    let mut command = vae_explorer();
    command.args(["train", "--device", "cpu", "--batch-size", "16", "--epochs", epochs, "--data"]).arg(data);
    command.arg("--out").arg(out);
    command
}

fn sweep(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let batch: &[&str] = if extra.contains(&"--batch-size") { &[] } else { &["--batch-size", "16"] };
    vae_explorer()
        .args(["sweep", "--device", "cpu", "--epochs", "1"])
        .args(batch)
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run the binary")
}

#[test]
fn a_second_train_into_a_folder_being_written_is_refused() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let out = tempfile::tempdir().expect("temp dir");
    let mut first = train_command(data.path(), out.path(), "100000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the first run");
    // Once its first checkpoint is there, the first run holds the folder.
    let started = (0..MAX_POLLS).any(|_| {
        std::thread::sleep(POLL);
        out.path().join("checkpoint.json").exists()
    });
    let second = train_command(data.path(), out.path(), "1").output().expect("run the second");
    let _ = first.kill();
    let _ = first.wait();
    assert!(started, "the first run saved no checkpoint");
    let message = stderr(&second);
    assert!(!second.status.success(), "{message}");
    assert!(message.contains(&format!("is being written by process {} (train)", first.id())), "{message}");
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    vae_explorer::checkpoint::load(out.path(), &burn::prelude::Device::flex()).expect("the first run's model loads");
}

#[test]
fn a_sweep_refuses_a_folder_that_is_not_its_own() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let out = tempfile::tempdir().expect("temp dir");
    for name in ["results.csv", "results.md", "reconstructions.png"] {
        std::fs::write(out.path().join(name), b"mine").expect("write");
    }
    let output = sweep(data.path(), out.path(), &[]);
    let message = stderr(&output);
    assert!(!output.status.success(), "{message}");
    assert!(message.contains("but no sweep.json of an earlier sweep"), "{message}");
    for name in ["results.csv", "results.md", "reconstructions.png"] {
        assert_eq!(std::fs::read(out.path().join(name)).expect("read"), b"mine", "{name}");
    }
    assert_eq!(std::fs::read_dir(out.path()).expect("list").count(), 3, "nothing was added");
}

#[test]
fn a_rerun_sweep_retrains_damaged_runs_and_refuses_other_settings() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let out = tempfile::tempdir().expect("temp dir");
    let first = sweep(data.path(), out.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let run = out.path().join("mlp-latent2-beta1");

    // Weights truncated to 0 bytes: not "done earlier"; trained again, and loads after.
    let info = vae_explorer::checkpoint::read_info(&run).expect("description");
    std::fs::write(run.join(&info.weights_file), b"").expect("truncate");
    let again = sweep(data.path(), out.path(), &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stdout(&again).contains("finished in an earlier sweep"), "{}", stdout(&again));
    assert!(stdout(&again).contains("damaged"), "{}", stdout(&again));
    vae_explorer::checkpoint::load(&run, &burn::prelude::Device::flex()).expect("retrained");

    // A truncated description: trained again too, not "run the sweep again" forever.
    let description = std::fs::read(run.join("checkpoint.json")).expect("read");
    std::fs::write(run.join("checkpoint.json"), &description[..description.len() / 2]).expect("truncate");
    let again = sweep(data.path(), out.path(), &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    vae_explorer::checkpoint::load(&run, &burn::prelude::Device::flex()).expect("retrained");

    // Other settings: refused, naming the flag, and nothing trained.
    let before = std::fs::read(run.join("checkpoint.json")).expect("read");
    for (flag, value) in [("--lr", "0.0005"), ("--batch-size", "8")] {
        let other = sweep(data.path(), out.path(), &[flag, value]);
        let message = stderr(&other);
        assert!(!other.status.success(), "{flag}: {message}");
        assert!(message.contains(&format!("another {flag} (")), "{flag}: {message}");
    }
    let other_data = tempfile::tempdir().expect("temp dir");
    tiny_digits(other_data.path());
    let other = sweep(other_data.path(), out.path(), &[]);
    assert!(!other.status.success() && stderr(&other).contains("another --data ("), "{}", stderr(&other));
    assert_eq!(std::fs::read(run.join("checkpoint.json")).expect("read"), before, "the run was not touched");
}

#[test]
fn a_models_dataset_path_never_chooses_what_export_reads() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let model = tempfile::tempdir().expect("temp dir");
    let trained = train_command(data.path(), model.path(), "1").output().expect("train");
    assert!(trained.status.success(), "{}", stderr(&trained));
    // A downloaded model naming another folder (here one with pictures of its own) as its data.
    let private = tempfile::tempdir().expect("temp dir");
    tiny_digits(private.path());
    let path = model.path().join("checkpoint.json");
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    json["dataset"] = serde_json::Value::String(private.path().display().to_string());
    std::fs::write(&path, serde_json::to_vec(&json).expect("json")).expect("write");

    let png = model.path().join("reconstructions.png");
    let export = |extra: &[&str]| {
        vae_explorer()
            .args(["export", "reconstructions", "--model"])
            .arg(model.path())
            .arg("--out")
            .arg(&png)
            .args(extra)
            .output()
            .expect("run the binary")
    };
    let refused = export(&[]);
    let message = stderr(&refused);
    assert!(!refused.status.success(), "{message}");
    assert!(message.contains("pass --data"), "{message}");
    assert!(!png.exists(), "nothing was exported");

    let chosen = export(&["--data", &data.path().display().to_string()]);
    assert!(chosen.status.success(), "{}", stderr(&chosen));
    assert!(stderr(&chosen).contains(&format!("read {}", data.path().display())), "{}", stderr(&chosen));
}
