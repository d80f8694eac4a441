//! Memory checked before it is spent (issue 27, cases 9 and 10): a folder of tiny pictures scaled to a
//! large size, and a conv too large to train, end in one line saying what to lower, before anything
//! large is allocated. `VAE_EXPLORER_MEMORY_BYTES` stands in for a smaller machine.

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output};

use image::{DynamicImage, ImageFormat, RgbImage};
use vae_explorer::memory_budget::MEMORY_ENV;

/// One-pixel PNGs in two class folders.
fn tiny_pictures(dir: &Path, count: usize) {
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(1, 1)).write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).expect("png");
    for index in 0..count {
        let class = dir.join(if index % 2 == 0 { "a" } else { "b" });
        std::fs::create_dir_all(&class).expect("folder");
        std::fs::write(class.join(format!("{index}.png")), &bytes).expect("write");
    }
}

fn train(data: &Path, out: &Path, memory_bytes: u64, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .env("VAE_EXPLORER_CACHE_DIR", "")
        .env(MEMORY_ENV, memory_bytes.to_string())
        .args(["train", "--device", "cpu", "--epochs", "1", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run the binary")
}

#[test]
fn pictures_that_would_not_fit_in_memory_are_refused_before_decoding() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_pictures(data.path(), 200);
    let out = tempfile::tempdir().expect("temp dir");
    // 200 pictures of 3 × 256 × 256 bytes: 39 MB, plus the held-out copy; 16 MiB are "available".
    let output = train(data.path(), out.path(), 16 << 20, &["--image-size", "256", "--channels", "3"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("holding 200 pictures of 256×256 RGB needs about 42 MiB of memory"), "{stderr}");
    assert!(stderr.contains("but 16 MiB is available; choose a smaller --image-size"), "{stderr}");
    assert_eq!(stderr.trim().lines().filter(|line| line.contains("MiB")).count(), 1, "{stderr}");
}

#[test]
fn a_conv_too_large_to_train_is_refused_before_the_first_step() {
    let data = tempfile::tempdir().expect("temp dir");
    tiny_pictures(data.path(), 40);
    let out = tempfile::tempdir().expect("temp dir");
    let conv = [
        "--image-size",
        "256",
        "--channels",
        "3",
        "--arch",
        "conv",
        "--base-channels",
        "256",
        "--residual-blocks",
        "8",
        "--batch-size",
        "64",
    ];
    let output = train(data.path(), out.path(), 8 << 30, &conv);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("training a conv VAE on 256×256 RGB images at batch size 36"), "{stderr}");
    assert!(stderr.contains("but 8192 MiB is available; lower --batch-size, --base-channels"), "{stderr}");
    assert!(!stderr.contains("memory allocation"), "{stderr}");
    assert!(vae_explorer::checkpoint::read_info(out.path()).is_err(), "nothing was saved");
}
