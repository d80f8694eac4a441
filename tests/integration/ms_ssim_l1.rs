//! The weight-free ms-ssim-l1 reconstruction loss (Zhao et al. 2017) through the command line:
//! trained, stored, evaluated as not comparable, and refused where it does not apply.

use std::path::Path;

use crate::support::small_idx_folder;

fn vae_explorer() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

fn train(data: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    crate::support::train_small(data, out, 2, &[&["--loss", "ms-ssim-l1"], extra].concat())
}

#[test]
fn ms_ssim_l1_trains_is_stored_and_its_elbo_is_marked_not_comparable() {
    let data = small_idx_folder(28);
    let out = tempfile::tempdir().expect("temp dir");
    let output = train(data.path(), out.path(), &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let checkpoint = std::fs::read_to_string(out.path().join("checkpoint.json")).expect("checkpoint.json");
    assert!(checkpoint.contains("\"loss\": \"ms-ssim-l1\"") || checkpoint.contains("\"loss\":\"ms-ssim-l1\""));
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("metrics.json")).expect("metrics.json")).expect("json");
    let epochs = metrics["epochs"].as_array().expect("epochs");
    let train_recon: Vec<f64> =
        epochs.iter().map(|epoch| epoch["train"]["reconstruction_nats"].as_f64().expect("a number")).collect();
    assert!(train_recon.iter().all(|nats| nats.is_finite() && *nats > 0.0), "{train_recon:?}");
    assert!(train_recon[1] < train_recon[0], "the loss falls: {train_recon:?}");
    let eval = vae_explorer().args(["eval", "--model"]).arg(out.path()).arg("--data").arg(data.path()).output();
    let eval = eval.expect("run the binary");
    let stdout = String::from_utf8_lossy(&eval.stdout);
    assert!(stdout.contains("not comparable") && stdout.contains("ms-ssim-l1"), "{stdout}");
    let iw = vae_explorer()
        .args(["eval", "--iw-samples", "10", "--model"])
        .arg(out.path())
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("run the binary");
    assert!(!iw.status.success());
    assert!(String::from_utf8_lossy(&iw.stderr).contains("not one"), "{}", String::from_utf8_lossy(&iw.stderr));
}

#[test]
fn ms_ssim_l1_is_refused_with_a_learned_scale_and_on_tiny_images() {
    let data = small_idx_folder(28);
    let out = tempfile::tempdir().expect("temp dir");
    let learned = train(data.path(), out.path(), &["--likelihood-scale", "learned"]);
    assert!(!learned.status.success());
    assert!(String::from_utf8_lossy(&learned.stderr).contains("ms-ssim-l1 has no scale to learn"));
    let tiny = small_idx_folder(4);
    let out = tempfile::tempdir().expect("temp dir");
    let output = train(tiny.path(), out.path(), &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 5×5") && stderr.contains("4×4"), "{stderr}");
}
