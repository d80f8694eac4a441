//! The command line end to end on a folder of pictures: train, encode and export, and the flags
//! that only make sense for pictures refused on IDX data.

use std::path::Path;
use std::process::Command;

use super::image_folders::{BROKEN_FILES, USABLE_FILES, write_shape_folder};

fn vae_explorer(cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vae-explorer"));
    command.env("VAE_EXPLORER_CACHE_DIR", cache);
    command
}

#[test]
fn the_command_line_trains_encodes_and_exports_on_a_picture_folder() {
    let data = tempfile::tempdir().expect("temp dir");
    write_shape_folder(data.path());
    let cache = tempfile::tempdir().expect("cache");
    let out = tempfile::tempdir().expect("out");
    let output = vae_explorer(cache.path())
        .args(["train", "--arch", "mlp", "--image-size", "16", "--epochs", "1", "--device", "cpu", "--data"])
        .arg(data.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("skipped {BROKEN_FILES} files")), "{stderr}");
    assert!(stderr.contains("16×16 RGB"), "{stderr}");
    let info = vae_explorer::checkpoint::read_info(out.path()).expect("checkpoint");
    // --loss auto on colour pictures: the calibrated decoder (a Gaussian whose σ is learned).
    assert!(stderr.contains("--loss auto: mse σ learned"), "{stderr}");
    assert_eq!(info.training.loss, vae_explorer::model::ReconstructionLoss::Mse);
    assert_eq!(info.training.scale_fit, vae_explorer::model::ScaleFit::Learned);
    assert_ne!(info.training.likelihood_scale, vae_explorer::training::DEFAULT_LIKELIHOOD_SCALE, "σ was learned");
    let stored = info.preprocessing.expect("the preprocessing is stored");
    assert_eq!((stored.image_size_px, stored.channels), (16, 3));

    // No flags: the model's own preprocessing is used.
    let csv_path = out.path().join("latents.csv");
    let output = vae_explorer(cache.path())
        .args(["encode", "--train-set", "--model"])
        .arg(out.path())
        .arg("--data")
        .arg(data.path())
        .arg("--out")
        .arg(&csv_path)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    for class in ["blue-triangles", "green-circles", "red-squares"] {
        assert!(text.lines().skip(1).any(|row| row.split(',').nth(2) == Some(class)), "{class} in {text}");
    }
    let train_rows = text.lines().count() - 1;

    // Every image, with the file each point comes from (read from the cache the run above wrote).
    let all_path = out.path().join("all.csv");
    let output = vae_explorer(cache.path())
        .args(["encode", "--split", "all", "--model"])
        .arg(out.path())
        .arg("--data")
        .arg(data.path())
        .arg("--out")
        .arg(&all_path)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let all = std::fs::read_to_string(&all_path).expect("csv");
    let mut lines = all.lines();
    assert_eq!(lines.next(), Some("index,label,class,split,path,z0,z1"));
    let rows: Vec<Vec<&str>> = lines.map(|row| row.split(',').collect()).collect();
    let usable = USABLE_FILES;
    assert_eq!(rows.len(), usable, "every usable picture once: {all}");
    assert_eq!(rows.iter().filter(|row| row[3] == "train").count(), train_rows);
    assert!(rows.iter().any(|row| row[3] == "heldout"), "{all}");
    let mut paths: Vec<&str> = rows.iter().map(|row| row[4]).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), usable, "one row per file: {all}");
    for row in &rows {
        assert!(data.path().join(row[4]).is_file(), "{} is a file of the folder", row[4]);
        assert!(row[4].starts_with(row[2]), "{} lies in its class folder {}", row[4], row[2]);
    }

    // A picture imported for a morph goes through the model's own preprocessing (a grey model here:
    // colour rendering of exports is not this test's subject).
    let grey = tempfile::tempdir().expect("out");
    let output = vae_explorer(cache.path())
        .args(["train", "--image-size", "8", "--channels", "1", "--epochs", "1", "--device", "cpu", "--data"])
        .arg(data.path())
        .arg("--out")
        .arg(grey.path())
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let morph = out.path().join("morph.png");
    let output = vae_explorer(cache.path())
        .args(["export", "morph", "--steps", "3", "--scale", "1", "--gutter", "0", "--model"])
        .arg(grey.path())
        .arg("--from")
        .arg(data.path().join("red-squares/r0.png"))
        .arg("--to")
        .arg(data.path().join("blue-triangles/b0.bmp"))
        .arg("--out")
        .arg(&morph)
        .output()
        .expect("run the binary");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let strip = image::open(&morph).expect("a PNG");
    assert_eq!((strip.width(), strip.height()), (3 * 8, 8), "three 8 × 8 frames");

    // The folder a model names is never read on its own (issue 27, case 5): export asks for --data.
    let reconstructions = out.path().join("reconstructions.png");
    let export = |data: Option<&Path>| {
        let mut command = vae_explorer(cache.path());
        command.args(["export", "reconstructions", "--scale", "1", "--gutter", "0", "--model"]).arg(out.path());
        if let Some(data) = data {
            command.arg("--data").arg(data);
        }
        command.arg("--out").arg(&reconstructions).output().expect("run the binary")
    };
    let output = export(None);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("pass --data"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = export(Some(data.path()));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let pairs = image::open(&reconstructions).expect("a PNG");
    assert_eq!(pairs.color(), image::ColorType::Rgb8, "the 16×16 RGB model's reconstructions are RGB");

    let output = vae_explorer(cache.path())
        .args(["eval", "--image-size", "32", "--model"])
        .arg(out.path())
        .arg("--data")
        .arg(data.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success(), "32×32 pictures do not fit a 16×16 model");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("32×32 RGB") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn picture_flags_on_idx_data_and_bad_numbers_are_refused() {
    let out = tempfile::tempdir().expect("out");
    let cache = tempfile::tempdir().expect("cache");
    for flags in [
        ["--image-size", "2"],
        ["--image-size", "100000"],
        ["--channels", "2"],
        ["--background", "red"],
        ["--fit", "stretch"],
    ] {
        let output = vae_explorer(cache.path())
            .args(["train", "--device", "cpu", "--epochs", "1"])
            .args(flags)
            .arg("--out")
            .arg(out.path())
            .output()
            .expect("run the binary");
        assert!(!output.status.success(), "{flags:?}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
    let output = vae_explorer(cache.path())
        .args(["train", "--device", "cpu", "--epochs", "1", "--image-size", "16", "--out"])
        .arg(out.path())
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("apply to folders of pictures"));
}
