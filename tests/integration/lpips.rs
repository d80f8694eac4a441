//! LPIPS (the shift-tolerant AlexNet) against the `stlpips-pytorch` package's own PyTorch code
//! (tests/fixtures/lpips.json, made by scripts/lpips_fixtures.py), and its weights loader fed
//! hostile files.

use std::path::{Path, PathBuf};

use burn::prelude::*;
use serde::Deserialize;
use vae_explorer::lpips::{Lpips, LpipsError, MAX_WEIGHTS_BYTES, load_network, locate};
use vae_explorer::quality::ImageShape;

#[derive(Deserialize)]
struct Fixture {
    made_by: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    shape: [usize; 3],
    a_u8_hex: String,
    b_u8_hex: String,
    lpips: f64,
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lpips.json");
    let text = std::fs::read(path).expect("fixture present");
    serde_json::from_slice(&text).expect("fixture parses")
}

fn unit_from_hex(hex: &str) -> Vec<f32> {
    (0..hex.len() / 2)
        .map(|i| f32::from(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex")) / 255.0)
        .collect()
}

/// The real weights where the app looks, or `None` with the reason printed (CI fetches them in
/// `.ci/run`; a checkout without `scripts/fetch_lpips.sh` run skips the comparison).
fn real_weights() -> Option<PathBuf> {
    match locate(None) {
        Ok(path) => Some(path),
        Err(error) => {
            eprintln!("skipped: {error}");
            None
        }
    }
}

fn wrong_shapes_path() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lpips_wrong_shapes.pth"))
}

#[test]
fn lpips_matches_the_packages_pytorch_code() {
    let Some(path) = real_weights() else { return };
    let lpips = Lpips::load(Some(&path), &Device::flex()).expect("the fetched weights load");
    let fixture = fixture();
    assert!(fixture.made_by.contains("stlpips-pytorch 0.0.2"), "{}", fixture.made_by);
    for case in &fixture.cases {
        let [channels, height, width] = case.shape;
        let shape = ImageShape { channels, height, width };
        let (a, b) = (unit_from_hex(&case.a_u8_hex), unit_from_hex(&case.b_u8_hex));
        let ours = f64::from(lpips.distances(&a, &b, shape).expect("shape fits")[0]);
        eprintln!("{:?}: LPIPS {ours:.7} (the package: {:.7})", case.shape, case.lpips);
        let tolerance = 1e-4 * case.lpips.abs() + 1e-6;
        assert!(
            (ours - case.lpips).abs() <= tolerance,
            "{:?}: LPIPS {ours} vs the package's {}",
            case.shape,
            case.lpips
        );
    }
}

#[test]
fn a_batch_gives_each_pair_its_own_distance() {
    let Some(path) = real_weights() else { return };
    let lpips = Lpips::load(Some(&path), &Device::flex()).expect("the fetched weights load");
    let fixture = fixture();
    let case = fixture.cases.iter().find(|case| case.shape == [3, 64, 64]).expect("a 64×64 case");
    let shape = ImageShape { channels: 3, height: 64, width: 64 };
    let (a, b) = (unit_from_hex(&case.a_u8_hex), unit_from_hex(&case.b_u8_hex));
    // Pairs (a, b), (a, a), (b, a): the batch must not mix images.
    let first: Vec<f32> = [a.clone(), a.clone(), b.clone()].concat();
    let second: Vec<f32> = [b.clone(), a.clone(), a.clone()].concat();
    let distances = lpips.distances(&first, &second, shape).expect("shape fits");
    assert_eq!(distances.len(), 3);
    assert!((f64::from(distances[0]) - case.lpips).abs() <= 1e-4 * case.lpips + 1e-6, "{distances:?}");
    assert!(distances[1].abs() < 1e-6, "{distances:?}");
    assert!((distances[0] - distances[2]).abs() < 1e-5, "symmetric: {distances:?}");
}

fn refused(path: &Path) -> String {
    let error = load_network(path, &Device::flex()).expect_err("refused");
    let text = error.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

#[test]
fn a_file_with_wrongly_shaped_tensors_is_refused_naming_them() {
    let text = refused(wrong_shapes_path());
    assert!(text.contains("does not hold the shift-tolerant LPIPS AlexNet"), "{text}");
    assert!(text.contains("conv1"), "{text}");
    assert!(text.contains("scripts/fetch_lpips.sh"), "{text}");
}

#[test]
fn damaged_truncated_and_random_files_are_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read(wrong_shapes_path()).expect("fixture");
    let truncated = dir.path().join("truncated.pth");
    std::fs::write(&truncated, &good[..good.len() / 2]).expect("write");
    let mut damaged_bytes = good.clone();
    for byte in damaged_bytes.iter_mut().skip(200).step_by(97) {
        *byte ^= 0x5a;
    }
    let damaged = dir.path().join("damaged.pth");
    std::fs::write(&damaged, &damaged_bytes).expect("write");
    let random = dir.path().join("random.pth");
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..100_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&random, noise).expect("write");
    let empty = dir.path().join("empty.pth");
    std::fs::write(&empty, b"").expect("write");
    for path in [&truncated, &damaged, &random, &empty] {
        let text = refused(path);
        assert!(text.contains("scripts/fetch_lpips.sh"), "{}: {text}", path.display());
    }
}

#[test]
fn a_folder_an_oversized_file_and_a_missing_file_are_refused_before_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = refused(dir.path());
    assert!(folder.contains("not a regular file"), "{folder}");
    let huge = dir.path().join("huge.pth");
    std::fs::File::create(&huge).and_then(|file| file.set_len(MAX_WEIGHTS_BYTES + 1)).expect("sparse file");
    let too_large = refused(&huge);
    assert!(too_large.contains("more than"), "{too_large}");
    let missing = dir.path().join("missing.pth");
    let error = Lpips::load(Some(&missing), &Device::flex()).expect_err("missing");
    assert!(matches!(error, LpipsError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("run scripts/fetch_lpips.sh"), "{error}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("weights.pth");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let text = refused(&fifo);
    assert!(text.contains("not a regular file"), "{text}");
}

fn vae_explorer() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

fn train_one_epoch(out: &Path, extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let output = vae_explorer()
        .args(["train", "--epochs", "1", "--device", "cpu"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metrics =
        serde_json::from_slice(&std::fs::read(out.join("metrics.json")).expect("metrics.json")).expect("json");
    (output, metrics)
}

#[test]
fn train_and_eval_record_lpips_when_the_weights_are_there() {
    let Some(path) = real_weights() else { return };
    let out = tempfile::tempdir().expect("temp dir");
    let weights = path.to_str().expect("utf-8 path");
    let (output, metrics) = train_one_epoch(out.path(), &["--lpips-weights", weights]);
    let final_lpips = metrics["final"]["heldout_lpips"].as_f64().expect("a number");
    let epoch_lpips = metrics["epochs"][0]["quality"]["lpips"].as_f64().expect("a number");
    // The epoch's figure is of the first 64 held-out images, the final one of the first 256: the
    // same model on overlapping images.
    assert!(final_lpips > 0.0 && final_lpips < 1.0 && epoch_lpips > 0.0 && epoch_lpips < 1.0, "{metrics}");
    assert!((final_lpips - epoch_lpips).abs() < 0.2, "{metrics}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("LPIPS"), "{}", String::from_utf8_lossy(&output.stdout));
    let eval = vae_explorer()
        .args(["eval", "--lpips-weights", weights, "--model"])
        .arg(out.path())
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8_lossy(&eval.stdout);
    assert!(stdout.contains(&format!("LPIPS: {final_lpips:.4} (first 256 images)")), "{stdout}");
}

#[test]
fn without_the_weights_train_and_eval_go_on_and_say_how_to_get_them() {
    let out = tempfile::tempdir().expect("temp dir");
    let missing = out.path().join("nowhere.pth");
    let missing = missing.to_str().expect("utf-8 path");
    let train_out = out.path().join("run");
    let (output, metrics) = train_one_epoch(&train_out, &["--lpips-weights", missing]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let notes: Vec<&str> = stderr.lines().filter(|line| line.contains("LPIPS not measured")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("scripts/fetch_lpips.sh"), "{stderr}");
    assert!(metrics["final"]["heldout_lpips"].is_null(), "{metrics}");
    assert!(metrics["epochs"][0]["quality"].get("lpips").is_none(), "{metrics}");
    let eval = vae_explorer()
        .args(["eval", "--lpips-weights", missing, "--model"])
        .arg(&train_out)
        .output()
        .expect("run the binary");
    assert!(eval.status.success());
    assert!(String::from_utf8_lossy(&eval.stdout).contains("LPIPS: n/a"));
    assert!(String::from_utf8_lossy(&eval.stderr).contains("scripts/fetch_lpips.sh"));
}

fn train_with(data: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    crate::support::train_small(data, out, 1, extra)
}

#[test]
fn a_perceptual_weight_trains_through_lpips_and_is_stored_with_the_model() {
    let Some(path) = real_weights() else { return };
    let data = crate::support::small_idx_folder(24);
    let out = tempfile::tempdir().expect("temp dir");
    let weights = path.to_str().expect("utf-8 path");
    let output = train_with(data.path(), out.path(), &["--perceptual-weight", "0.5", "--lpips-weights", weights]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (_model, info) = vae_explorer::checkpoint::load(out.path(), &Device::flex()).expect("a loadable checkpoint");
    assert_eq!(info.training.perceptual_weight, 0.5);
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("metrics.json")).expect("metrics.json")).expect("json");
    assert!(metrics["final"]["heldout_lpips"].as_f64().is_some(), "{metrics}");
}

#[test]
fn a_perceptual_weight_without_the_weights_is_refused_in_one_line_before_training() {
    let data = crate::support::small_idx_folder(24);
    let out = tempfile::tempdir().expect("temp dir");
    let missing = out.path().join("nowhere.pth");
    let output = train_with(
        data.path(),
        &out.path().join("run"),
        &["--perceptual-weight", "1", "--lpips-weights", missing.to_str().expect("utf-8")],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|line| !line.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("--perceptual-weight needs LPIPS") && lines[0].contains("scripts/fetch_lpips.sh"));
    assert!(!out.path().join("run").join("checkpoint.json").exists());
}

#[test]
fn a_perceptual_weight_on_images_too_small_for_lpips_is_refused() {
    let Some(path) = real_weights() else { return };
    let data = crate::support::small_idx_folder(12);
    let out = tempfile::tempdir().expect("temp dir");
    let weights = path.to_str().expect("utf-8 path");
    let output = train_with(data.path(), out.path(), &["--perceptual-weight", "1", "--lpips-weights", weights]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 21×21") && stderr.contains("12×12"), "{stderr}");
}

#[test]
fn hostile_perceptual_weights_are_refused_in_one_line() {
    let data = crate::support::small_idx_folder(24);
    for typed in ["nan", "-1", "1e300", "inf", "101", "heavy"] {
        let out = tempfile::tempdir().expect("temp dir");
        let output = train_with(data.path(), out.path(), &[&format!("--perceptual-weight={typed}")]);
        assert!(!output.status.success(), "{typed} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().filter(|line| !line.trim().is_empty()).count(), 1, "{typed}: {stderr}");
        assert!(stderr.contains("perceptual"), "{typed}: {stderr}");
    }
}
