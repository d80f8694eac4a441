//! `import`, `export-model` and `encode` end to end: the bundled model out as safetensors and back
//! in encodes as the original and trains on; its ONNX export lands in a folder of its own; a
//! folder or file that is not an export of ours is never replaced.

use std::path::Path;
use std::process::{Command, Output};

fn vae_explorer(args: &[&str], paths: &[&Path]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vae-explorer"));
    command.args(args);
    command.args(paths);
    command.output().expect("run the binary")
}

fn assert_ok(output: &Output) {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// The one line a failed command printed.
fn error_line(output: &Output) -> String {
    assert!(!output.status.success(), "expected a refusal: {}", String::from_utf8_lossy(&output.stdout));
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

#[test]
fn the_bundled_model_goes_out_as_safetensors_and_back_in_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let weights = dir.path().join("bundled.safetensors");
    let reference = dir.path().join("reference.json");
    assert_ok(&vae_explorer(&["export-model", "--format", "safetensors", "--out"], &[&weights]));
    // Again, with the reference: our own export is replaced.
    let mut args = vec!["export-model", "--format", "safetensors", "--reference"];
    let reference_arg = reference.to_str().expect("utf-8 temp path");
    args.push(reference_arg);
    args.push("--out");
    assert_ok(&vae_explorer(&args, &[&weights]));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&reference).expect("reference")).expect("JSON");
    assert_eq!(json["image_shape"], serde_json::json!([4, 1, 28, 28]));

    let imported = dir.path().join("imported");
    let output = vae_explorer(
        &["import", "--arch", "mlp", "--latent-dim", "2", "--weights"],
        &[&weights, Path::new("--out"), &imported],
    );
    assert_ok(&output);
    let info = vae_explorer::checkpoint::read_info(&imported).expect("a model folder");
    assert_eq!((info.epochs_done, info.training.model.latent_dim), (0, 2));

    // The imported model encodes every held-out digit as the bundled one does.
    let (ours, theirs) = (dir.path().join("bundled.csv"), dir.path().join("imported.csv"));
    assert_ok(&vae_explorer(&["encode", "--out"], &[&ours]));
    assert_ok(&vae_explorer(&["encode", "--model"], &[&imported, Path::new("--out"), &theirs]));
    let (ours, theirs) = (std::fs::read_to_string(ours).expect("csv"), std::fs::read_to_string(theirs).expect("csv"));
    assert!(ours.lines().count() > 900 && ours == theirs, "the encodings differ");

    // It trains on.
    let more = dir.path().join("more");
    let output = vae_explorer(
        &["train", "--epochs", "1", "--device", "cpu", "--resume"],
        &[&imported, Path::new("--out"), &more],
    );
    assert_ok(&output);
    assert_eq!(vae_explorer::checkpoint::read_info(&more).expect("trained").epochs_done, 1);

    // A second import into a folder that holds a model is refused.
    let again = vae_explorer(&["import", "--weights"], &[&weights, Path::new("--out"), &imported]);
    assert!(error_line(&again).contains("already holds a model"));
    // So is a file that is not ours as the safetensors target.
    let foreign = dir.path().join("notes.safetensors");
    std::fs::write(&foreign, b"mine").expect("write");
    let refused = vae_explorer(&["export-model", "--format", "safetensors", "--out"], &[&foreign]);
    assert!(error_line(&refused).contains("not a safetensors export of vae-explorer"));
    assert_eq!(std::fs::read(&foreign).expect("kept"), b"mine");
}

#[test]
fn the_onnx_export_writes_two_graphs_and_never_into_a_foreign_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("onnx");
    assert_ok(&vae_explorer(&["export-model", "--format", "onnx", "--out"], &[&out]));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["decoder.onnx", "encoder.onnx"]);
    assert_ok(&vae_explorer(&["export-model", "--format", "onnx", "--out"], &[&out]));

    std::fs::write(out.join("notes.txt"), b"mine").expect("write");
    let refused = vae_explorer(&["export-model", "--format", "onnx", "--out"], &[&out]);
    assert!(error_line(&refused).contains("notes.txt"));
    assert_eq!(std::fs::read(out.join("notes.txt")).expect("kept"), b"mine");
}

#[test]
fn import_names_what_does_not_fit_on_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let weights = dir.path().join("bundled.safetensors");
    assert_ok(&vae_explorer(&["export-model", "--format", "safetensors", "--out"], &[&weights]));
    let out = dir.path().join("conv");
    let output = vae_explorer(&["import", "--arch", "conv", "--weights"], &[&weights, Path::new("--out"), &out]);
    let line = error_line(&output);
    assert!(line.contains("missing") && line.contains("unused decoder.narrow.bias"), "{line}");
    assert!(vae_explorer::checkpoint::read_info(&out).is_err(), "nothing saved");
    let output = vae_explorer(&["import", "--rename", "(=x", "--weights"], &[&weights, Path::new("--out"), &out]);
    assert!(error_line(&output).contains("--rename"));
}

#[test]
fn a_conv_of_another_layout_is_refused_naming_the_flag_that_reads_it() {
    use burn::prelude::Device;
    let dir = tempfile::tempdir().expect("temp dir");
    // Weights of the older `scaled` layout, which new conv runs no longer take by default.
    let config = crate::support::torch_fixture_config();
    let model = config.init(&Device::flex());
    let weights = dir.path().join("scaled.safetensors");
    std::fs::write(&weights, vae_explorer::interop::safetensors_bytes(&model, &config).expect("exports"))
        .expect("write");
    let shape = ["--arch", "conv", "--latent-dim", "3", "--image-shape", "3,8,8", "--base-channels", "2"];
    let args = [&["import", "--residual-blocks", "1"][..], &shape[..], &["--weights"][..]].concat();
    let out = dir.path().join("as-direct");
    let line = error_line(&vae_explorer(&args, &[&weights, Path::new("--out"), &out]));
    assert!(line.contains("read as the direct conv layout") && line.contains("--conv-layout"), "{line}");
    let args =
        [&["import", "--residual-blocks", "1", "--conv-layout", "scaled"][..], &shape[..], &["--weights"][..]].concat();
    let out = dir.path().join("as-scaled");
    assert_ok(&vae_explorer(&args, &[&weights, Path::new("--out"), &out]));
}

/// `bytes` (a safetensors file) with `extras` (name, dtype, shape, raw little-endian values) added.
fn with_extra_tensors(bytes: &[u8], extras: &[(&str, &str, Vec<usize>, Vec<u8>)]) -> Vec<u8> {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let mut header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..8 + header_len]).expect("a header");
    let mut data = bytes[8 + header_len..].to_vec();
    for (name, dtype, shape, raw) in extras {
        let start = data.len();
        data.extend_from_slice(raw);
        let entry = serde_json::json!({"dtype": dtype, "shape": shape, "data_offsets": [start, data.len()]});
        header.insert((*name).to_string(), entry);
    }
    let mut text = serde_json::to_vec(&header).expect("JSON");
    while !text.len().is_multiple_of(8) {
        text.push(b' ');
    }
    let mut out = (text.len() as u64).to_le_bytes().to_vec();
    out.extend(text);
    out.extend(data);
    out
}

#[test]
fn import_sets_batch_counters_aside_accepts_unused_tensors_when_asked_and_reads_non_square_images() {
    use burn::prelude::Device;
    use vae_explorer::model::VaeConfig;

    let dir = tempfile::tempdir().expect("temp dir");
    let config = VaeConfig::new().with_latent_dim(2).with_image_height(18).with_image_width(20).with_channels(1);
    let model = config.init(&Device::flex());
    let bytes = vae_explorer::interop::safetensors_bytes(&model, &config).expect("exports");
    let counter = ("encoder.bn.num_batches_tracked", "I64", vec![], 7_i64.to_le_bytes().to_vec());
    let running =
        ("encoder.bn.running_mean", "F32", vec![2], [0.5_f32, 1.5].iter().flat_map(|v| v.to_le_bytes()).collect());
    let shape = ["--latent-dim", "2", "--image-shape", "1,18,20", "--weights"];

    // BatchNorm's step counter is never a weight: set aside, and said so.
    let weights = dir.path().join("counter.safetensors");
    std::fs::write(&weights, with_extra_tensors(&bytes, std::slice::from_ref(&counter))).expect("write");
    let out = dir.path().join("counter");
    let output = vae_explorer(&[&["import"][..], &shape[..]].concat(), &[&weights, Path::new("--out"), &out]);
    assert_ok(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("set aside 1 tensors") && stdout.contains("num_batches_tracked"), "{stdout}");
    assert!(stdout.contains("1×18×20"), "{stdout}");
    let info = vae_explorer::checkpoint::read_info(&out).expect("saved");
    assert_eq!((info.training.model.image_height, info.training.model.image_width), (18, 20));

    // Another unused tensor is refused, naming the flag; with it, accepted and listed.
    let weights = dir.path().join("running.safetensors");
    std::fs::write(&weights, with_extra_tensors(&bytes, &[counter, running])).expect("write");
    let out = dir.path().join("running");
    let line =
        error_line(&vae_explorer(&[&["import"][..], &shape[..]].concat(), &[&weights, Path::new("--out"), &out]));
    assert!(line.contains("unused encoder.bn.running_mean") && line.contains("--allow-unused"), "{line}");
    assert!(!line.contains("num_batches_tracked"), "{line}");
    let args = [&["import", "--allow-unused"][..], &shape[..]].concat();
    let output = vae_explorer(&args, &[&weights, Path::new("--out"), &out]);
    assert_ok(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("set aside 2 tensors") && stdout.contains("encoder.bn.running_mean"), "{stdout}");

    // --image-shape stands for --image-size and --channels: not both.
    let args = [&["import", "--image-size", "28"][..], &shape[..]].concat();
    assert!(!vae_explorer(&args, &[&weights, Path::new("--out"), &out]).status.success());
}
