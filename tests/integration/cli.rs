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
    let mse = metrics["final"]["heldout_mse"].as_f64().expect("number");
    let psnr = metrics["final"]["heldout_psnr_db"].as_f64().expect("number");
    assert!(mse > 0.0 && mse < 0.25 && (psnr - 10.0 * (1.0 / mse).log10()).abs() < 1e-9, "{mse} {psnr}");
    assert!(metrics["final"]["heldout_ssim"].as_f64().is_some_and(|ssim| ssim > 0.0 && ssim < 1.0));
    assert!(metrics["final"]["active_units"].as_u64().is_some_and(|units| units <= 2));
    assert_eq!(metrics["final"]["kl_per_dim"].as_array().map(Vec::len), Some(2));
    let (_model, info) =
        vae_explorer::checkpoint::load(out.path(), &burn::prelude::Device::flex()).expect("a loadable checkpoint");
    assert_eq!(info.epochs_done, 1);
    // --loss auto on the grey digits: Bernoulli cross-entropy.
    assert_eq!(info.training.loss, vae_explorer::model::ReconstructionLoss::Bce);

    // Continuing it with a recipe flag is refused by name before anything trains or is written.
    let more = out.path().join("more");
    let output = vae_explorer()
        .args(["train", "--epochs", "2", "--device", "cpu", "--lr", "0.01", "--perceptual-weight", "1", "--resume"])
        .arg(out.path())
        .arg("--out")
        .arg(&more)
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--lr, --perceptual-weight cannot change a continued run"), "{stderr}");
    assert!(!more.exists(), "nothing written for a refused run");
}

#[test]
fn encode_writes_one_row_per_heldout_image() {
    let out = tempfile::tempdir().expect("temp dir");
    let csv_path = out.path().join("latents.csv");
    let output = vae_explorer().args(["encode", "--out"]).arg(&csv_path).output().expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("index,label,class,z0,z1"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 990, "{} rows", rows.len());
    assert!(rows.iter().all(|row| row.split(',').count() == 5));
}

#[test]
fn encode_with_a_missing_model_fails_with_a_message() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["encode", "--model", "/nonexistent/model", "--out"])
        .arg(out.path().join("x.csv"))
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot open the model") && stderr.contains("checkpoint.json"), "{stderr}");
}

#[test]
fn export_grid_writes_a_png_of_the_expected_size_with_provenance() {
    let out = tempfile::tempdir().expect("temp dir");
    let png = out.path().join("grid.png");
    let output = vae_explorer()
        .args(["export", "grid", "--size", "5", "--scale", "2", "--gutter", "1", "--range=-3,3", "--out"])
        .arg(&png)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let image = image::open(&png).expect("a PNG");
    assert_eq!((image.width(), image.height()), (5 * 28 * 2 + 4, 5 * 28 * 2 + 4));
    let text = vae_explorer::export::read_png_text(&png).expect("text chunks");
    let model = text.iter().find(|(key, _)| key == "vae-explorer:model").expect("model chunk");
    assert!(model.1.contains("\"latent_dim\":2"), "{}", model.1);
    assert!(text.iter().any(|(key, value)| key == "vae-explorer:seed" && value == "42"));
}

#[test]
fn export_morph_as_gif_has_ping_pong_frames() {
    let out = tempfile::tempdir().expect("temp dir");
    let gif = out.path().join("morph.gif");
    let output = vae_explorer()
        .args(["export", "morph", "--from-index", "0", "--to-index", "7", "--steps", "6", "--out"])
        .arg(&gif)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(vae_explorer::export::gif_frame_count(&gif).expect("a GIF"), 10);
}

#[test]
fn a_300_step_morph_exports_as_a_wrapped_strip_and_a_gif_and_301_is_refused() {
    let out = tempfile::tempdir().expect("temp dir");
    let morph = |steps: &str, name: &str| {
        vae_explorer()
            .args(["export", "morph", "--from-index", "0", "--to-index", "7", "--steps", steps, "--out"])
            .arg(out.path().join(name))
            .output()
            .expect("run the binary")
    };
    let output = morph("300", "morph.png");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // 300 frames of 28 × 4 pixels do not fit one 16,384-pixel row: 3 rows of 100.
    let image = image::open(out.path().join("morph.png")).expect("a PNG");
    assert_eq!((image.width(), image.height()), (100 * 112 + 99 * 2, 3 * 112 + 2 * 2));
    let output = morph("300", "morph.gif");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(vae_explorer::export::gif_frame_count(&out.path().join("morph.gif")).expect("a GIF"), 598);
    let output = morph("301", "too_long.png");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--steps must be 2 to 300, not 301"), "{stderr}");
    assert!(!out.path().join("too_long.png").exists());
}

#[test]
fn a_morph_end_given_as_a_number_suggests_the_index_flag_and_a_missing_file_is_named_once() {
    let out = tempfile::tempdir().expect("temp dir");
    let png = out.path().join("morph.png");
    let output = vae_explorer()
        .current_dir(out.path())
        .args(["export", "morph", "--from", "3", "--to-index", "1", "--out"])
        .arg(&png)
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--from-index 3"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    let missing = out.path().join("missing.png");
    let output = vae_explorer()
        .args(["export", "morph", "--to-index", "1", "--from"])
        .arg(&missing)
        .arg("--out")
        .arg(&png)
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "the OS error is said once: {stderr}");
    assert!(!png.exists());
}

#[test]
fn export_into_a_missing_folder_fails_and_writes_nothing() {
    let out = tempfile::tempdir().expect("temp dir");
    let png = out.path().join("missing").join("samples.png");
    let output = vae_explorer().args(["export", "samples", "--out"]).arg(&png).output().expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist") && !stderr.contains("panicked"), "{stderr}");
    assert!(!png.exists());
}

#[test]
fn export_morph_from_a_file_that_is_no_image_fails_with_a_message() {
    let out = tempfile::tempdir().expect("temp dir");
    let text_file = out.path().join("notes.txt");
    std::fs::write(&text_file, "not a picture").expect("write");
    let output = vae_explorer()
        .args(["export", "morph", "--to-index", "1", "--from"])
        .arg(&text_file)
        .arg("--out")
        .arg(out.path().join("m.png"))
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("notes.txt") && stderr.contains("not"), "{stderr}");
}

#[test]
fn bench_prints_images_per_second_and_the_share_of_peak() {
    let output = vae_explorer()
        .args(["bench", "--devices", "cpu", "--arch", "mlp", "--warmup-steps", "1", "--steps", "3"])
        .args(["--batch-size", "32", "--peak-gflops", "100"])
        .env_remove("MIMALLOC_PURGE_DELAY")
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("machine peak: 100 GFLOP/s"), "{stdout}");
    // The binary restarted itself with the allocator's purge delay set.
    assert!(stdout.contains("memory: freed memory kept 10000 ms before it goes back to the kernel"), "{stdout}");
    let line = stdout.lines().find(|line| line.starts_with("cpu  mlp  28x28x1")).expect("an MLP line");
    let images_per_sec: f64 = line.split_whitespace().nth(3).and_then(|n| n.parse().ok()).expect("a rate");
    assert!(images_per_sec > 0.0, "{line}");
    assert!(line.contains("5.6 MFLOP/image"), "{line}");
    let number_after = |marker: &str| -> f64 {
        let rest = line.split(marker).nth(1).unwrap_or_default();
        rest.trim_start().split([' ', '%']).next().and_then(|n| n.parse().ok()).expect("a number")
    };
    let (gflops, share) = (number_after("MFLOP/image"), number_after(" = "));
    assert!((share - gflops).abs() < 0.15, "{gflops} GFLOP/s of a 100 GFLOP/s peak is not {share}%: {line}");
    assert!(line.contains("% of peak"), "{line}");
}

#[test]
fn a_purge_delay_set_in_the_environment_is_kept() {
    let output = vae_explorer()
        .args(["bench", "--devices", "cpu", "--arch", "mlp", "--warmup-steps", "0", "--steps", "1"])
        .env("MIMALLOC_PURGE_DELAY", "250")
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("memory: freed memory kept 250 ms"), "{stdout}");
}

#[test]
fn window_bench_rounds_out_of_range_are_refused() {
    for rounds in ["0", "21"] {
        let output = vae_explorer()
            .args(["bench", "--window", "--window-secs", "1", "--window-rounds", rounds])
            .output()
            .expect("run the binary");
        assert!(!output.status.success(), "{rounds} rounds were accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--window-rounds must be from 1 to 20"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// The `--flags` a help text lists.
fn flags_in(help: &str) -> std::collections::BTreeSet<String> {
    help.split_whitespace()
        .filter(|word| word.starts_with("--"))
        .map(|word| word.trim_end_matches([',', '.', ';', ')']).split('=').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn each_export_kind_lists_only_its_own_flags() {
    let help = |kind: &str| {
        let output = vae_explorer().args(["export", kind, "--help"]).output().expect("run the binary");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        flags_in(&String::from_utf8_lossy(&output.stdout))
    };
    let shared = ["--model", "--data", "--out", "--scale", "--gutter"];
    let sweep = ["--range", "--size", "--spacing"];
    let morph_only = ["--from", "--from-index", "--to", "--to-index", "--interpolation", "--fps"];
    let grid = help("grid");
    for flag in shared.iter().chain(&sweep) {
        assert!(grid.contains(*flag), "export grid --help lists {flag}: {grid:?}");
    }
    for flag in morph_only.iter().chain(&["--steps", "--seed", "--k", "--latent", "--grid-cell", "--from-class"]) {
        assert!(!grid.contains(*flag), "export grid --help lists no {flag}: {grid:?}");
    }
    let morph = help("morph");
    for flag in shared.iter().chain(&morph_only).chain(&["--steps"]) {
        assert!(morph.contains(*flag), "export morph --help lists {flag}: {morph:?}");
    }
    for flag in sweep.iter().chain(&["--seed", "--k", "--latent", "--grid-cell", "--from-class", "--to-class"]) {
        assert!(!morph.contains(*flag), "export morph --help lists no {flag}: {morph:?}");
    }
    let samples = help("samples");
    assert!(samples.contains("--seed") && !samples.contains("--steps") && !samples.contains("--range"), "{samples:?}");
    let neighbours = help("neighbours");
    for flag in ["--latent", "--grid-cell", "--k", "--range", "--size", "--spacing"] {
        assert!(neighbours.contains(flag), "export neighbours --help lists {flag}: {neighbours:?}");
    }
    assert!(!neighbours.contains("--steps") && !neighbours.contains("--fps"), "{neighbours:?}");
    let traversal = help("traversal");
    assert!(traversal.contains("--from-class") && traversal.contains("--steps") && !traversal.contains("--fps"));
}

#[test]
fn an_export_flag_of_another_kind_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["export", "grid", "--steps", "5", "--out"])
        .arg(dir.path().join("g.png"))
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--steps"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("export grid --help"), "names the help that lists grid's flags: {stderr}");
    assert!(std::fs::read_dir(dir.path()).expect("list").next().is_none(), "nothing written");
}
