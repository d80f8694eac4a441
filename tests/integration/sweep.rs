//! `vae-explorer sweep` end to end on a tiny generated dataset: one folder per run, the results
//! tables with the quality columns, the figure, a rerun that skips, a failing run recorded, and
//! `eval` on a run; per-epoch quality in the checkpoint's history and in metrics.json.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{write_images, write_labels};

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// 64 training and 16 held-out images of 28×28, labels 0–9 in turn.
fn tiny_digits(dir: &Path) {
    write_images(&dir.join("train-images-idx3-ubyte"), 64, 28, false);
    write_labels(&dir.join("train-labels-idx1-ubyte"), 64, false);
    write_images(&dir.join("t10k-images-idx3-ubyte"), 16, 28, false);
    write_labels(&dir.join("t10k-labels-idx1-ubyte"), 16, false);
}

fn sweep(data: &Path, out: &Path, latent_dims: &str) -> Output {
    vae_explorer()
        .args([
            "sweep",
            "--device",
            "cpu",
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--latent-dim",
            latent_dims,
            "--data",
        ])
        .arg(data)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary")
}

/// The rows of results.csv as maps from column name to cell.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("results.csv");
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("row");
            headers.iter().map(String::from).zip(record.iter().map(String::from)).collect()
        })
        .collect()
}

fn number(cell: &str) -> f64 {
    cell.parse().unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

#[test]
fn a_sweep_writes_every_run_the_tables_and_the_figure_and_a_rerun_skips() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let out = tempfile::tempdir().expect("temp dir");
    let output = sweep(data.path(), out.path(), "2,4");
    assert!(output.status.success(), "{}", text(&output.stderr));

    for run in ["mlp-latent2-beta1", "mlp-latent4-beta1"] {
        let dir = out.path().join(run);
        let (_, info) = vae_explorer::checkpoint::load(&dir, &burn::prelude::Device::flex()).expect("checkpoint");
        assert_eq!(info.epochs_done, 1);
        // Held-out quality of every epoch is in the checkpoint's history; KL per dimension too.
        let quality = info.history[0].quality.expect("epoch quality");
        assert!(quality.mse > 0.0 && quality.ssim.is_some() && quality.images == 16, "{quality:?}");
        assert_eq!(info.kl_per_dim_nats.len(), info.training.model.latent_dim);
        let metrics: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("metrics.json")).expect("metrics")).expect("json");
        assert!(metrics["epochs"][0]["quality"]["psnr_db"].is_f64(), "{metrics}");
        let (mse, psnr) = (metrics["final"]["heldout_mse"].as_f64(), metrics["final"]["heldout_psnr_db"].as_f64());
        let (mse, psnr) = (mse.expect("mse"), psnr.expect("psnr"));
        assert!((psnr - 10.0 * (1.0 / mse).log10()).abs() < 1e-9, "PSNR {psnr} for MSE {mse}");
    }

    let rows = csv_rows(&out.path().join("results.csv"));
    assert_eq!(rows.len(), 2);
    for (row, latent) in rows.iter().zip(["2", "4"]) {
        assert_eq!((row["status"].as_str(), row["latent_dim"].as_str()), ("trained", latent));
        let (mse, psnr) = (number(&row["heldout_mse"]), number(&row["heldout_psnr_db"]));
        // The table rounds MSE to 5 decimals and PSNR to 2.
        assert!((psnr - 10.0 * (1.0 / mse).log10()).abs() < 0.01, "PSNR {psnr} for MSE {mse}");
        let ssim = number(&row["heldout_ssim"]);
        assert!((-1.0..=1.0).contains(&ssim), "{ssim}");
        // LPIPS: a distance where the weights are there (CI fetches them), else an empty cell.
        assert!(row["heldout_lpips"].is_empty() || number(&row["heldout_lpips"]) >= 0.0, "{row:?}");
        let active: usize = row["active_units"].parse().expect("a count");
        assert!(active <= number(latent) as usize, "{row:?}");
        assert!(number(&row["heldout_neg_elbo_nats"]) > 0.0 && number(&row["images_per_sec"]) > 0.0);
        assert!(number(&row["minutes"]) >= 0.0);
    }
    let markdown = std::fs::read_to_string(out.path().join("results.md")).expect("results.md");
    assert!(markdown.contains("| PSNR (dB) | SSIM | LPIPS | active units |"), "{markdown}");
    assert_eq!(markdown.lines().filter(|line| line.starts_with("| mlp-latent")).count(), 2, "{markdown}");

    // Held-out row and one row per run, 10 images of 28×28 doubled: 240 + 10 × 60 + 4 by 3 × 60 + 4.
    let figure = image::open(out.path().join("reconstructions.png")).expect("figure");
    assert_eq!((figure.width(), figure.height()), (844, 184));

    let checkpoint = out.path().join("mlp-latent2-beta1").join("checkpoint.json");
    let before = std::fs::read(&checkpoint).expect("checkpoint.json");
    let again = sweep(data.path(), out.path(), "2,4");
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout).matches("finished in an earlier sweep, skipped").count(),
        2,
        "{}",
        text(&again.stdout)
    );
    assert_eq!(std::fs::read(&checkpoint).expect("checkpoint.json"), before, "a finished run was trained again");
    let rows = csv_rows(&out.path().join("results.csv"));
    assert!(rows.iter().all(|row| row["status"] == "done earlier" && !row["heldout_ssim"].is_empty()), "{rows:?}");

    // eval prints every measure of a sweep's run.
    let eval = vae_explorer()
        .args(["eval", "--model"])
        .arg(out.path().join("mlp-latent4-beta1"))
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("run the binary");
    assert!(eval.status.success(), "{}", text(&eval.stderr));
    let printed = text(&eval.stdout);
    for measure in ["held-out -ELBO", "MSE", "PSNR", "SSIM", "active units", "of 4", "KL per dimension"] {
        assert!(printed.contains(measure), "{measure} missing from {printed}");
    }
}

#[test]
fn a_failing_run_is_recorded_and_the_sweep_goes_on() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_digits(data.path());
    let out = tempfile::tempdir().expect("temp dir");
    // Latent 65 is above the limit of 64: that run fails, the one after it still trains.
    let output = sweep(data.path(), out.path(), "65,2");
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "a sweep with a failed run must say so in its exit status");
    assert!(stderr.contains("1 of 2 runs failed") && !stderr.contains("panicked"), "{stderr}");
    assert!(out.path().join("mlp-latent2-beta1").join("checkpoint.json").is_file());
    let rows = csv_rows(&out.path().join("results.csv"));
    assert_eq!(rows.len(), 2);
    assert!(rows[0]["status"].starts_with("failed:") && rows[0]["status"].contains("latent"), "{rows:?}");
    assert!(rows[0]["heldout_psnr_db"].is_empty());
    assert_eq!(rows[1]["status"], "trained");
    let markdown = std::fs::read_to_string(out.path().join("results.md")).expect("results.md");
    assert!(markdown.contains("| mlp-latent65-beta1 |") && markdown.contains("failed:"), "{markdown}");
    // The figure has the held-out row and the one run that trained.
    let figure = image::open(out.path().join("reconstructions.png")).expect("figure");
    assert_eq!(figure.height(), 2 * 60 + 4);
}
