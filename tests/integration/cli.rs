//! The headless command line: bad input fails clearly, training writes its outputs.

use std::process::Command;

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

#[test]
fn a_missing_data_folder_fails_with_a_message() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["train", "--data", "/nonexistent/mnist", "--device", "cpu", "--out"])
        .arg(out.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error:") && stderr.contains("train-images-idx3-ubyte"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_corrupt_data_folder_fails_with_a_message() {
    let data = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        data.path().join("train-images-idx3-ubyte"),
        b"PK\x03\x04 a zip archive, not an IDX images file at all",
    )
    .expect("write");
    std::fs::write(
        data.path().join("train-labels-idx1-ubyte"),
        b"PK\x03\x04 a zip archive, not an IDX labels file at all",
    )
    .expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["train", "--device", "cpu", "--data"])
        .arg(data.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("magic number"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_latent_dimension_is_refused() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["train", "--latent-dim", "0", "--device", "cpu", "--out"])
        .arg(out.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("latent dimension"));
}

#[test]
fn one_epoch_writes_metrics_and_a_loadable_model() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["train", "--epochs", "1", "--device", "cpu", "--out"])
        .arg(out.path())
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("metrics.json")).expect("metrics.json")).expect("json");
    assert_eq!(metrics["device"], "CPU (burn Flex)");
    assert!(metrics["images_per_sec"].as_f64().is_some_and(|rate| rate > 0.0));
    assert_eq!(metrics["epochs"].as_array().map(Vec::len), Some(1));
    let neg_elbo = metrics["final"]["heldout_neg_elbo_nats"].as_f64().expect("number");
    let recon = metrics["final"]["heldout_recon_nats"].as_f64().expect("number");
    let kl = metrics["final"]["heldout_kl_nats"].as_f64().expect("number");
    assert!((neg_elbo - recon - kl).abs() < 1e-6 && neg_elbo.is_finite());
    let (_model, info) =
        vae_explorer::checkpoint::load(out.path(), &burn::prelude::Device::flex()).expect("a loadable checkpoint");
    assert_eq!(info.epochs_done, 1);
}
