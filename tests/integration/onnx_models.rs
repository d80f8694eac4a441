//! ONNX models trained elsewhere (fixtures written by `scripts/make_onnx_fixtures.py` from seeded
//! PyTorch models): each opens, what it says is read from its graphs, and its encodings and
//! decodings match the ones PyTorch and onnxruntime computed.

use std::path::{Path, PathBuf};
use std::process::Command;

use vae_explorer::image_shape::ImageShape;
use vae_explorer::inference::{ModelSnapshot, ModelSource, decode, encode_pixels};
use vae_explorer::model::LatentModel;
use vae_explorer::onnx_model::{DESCRIPTION_FILE, DecoderOutput, Layout, OnnxChoices, OnnxVae};

const TOLERANCE: f32 = 1e-4;

/// A fixture folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/onnx").join(name)
}

#[derive(serde::Deserialize)]
struct Reference {
    image_shape: [usize; 3],
    layout: String,
    decoder_output: String,
    outputs: Vec<String>,
    image: Vec<f32>,
    mean: Vec<f32>,
    log_var: Vec<f32>,
    latent: Vec<f32>,
    decoded: Vec<f32>,
}

fn reference(name: &str) -> Reference {
    let text = std::fs::read(fixture(name).join("reference.json")).expect("reference.json");
    serde_json::from_slice(&text).expect("a reference")
}

fn assert_close(what: &str, got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    let worst = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(worst <= TOLERANCE, "{what}: off by {worst}");
}

/// A copy of fixture `name` in a temporary folder (so a test may write or break it).
pub fn copy_of(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(fixture(name)).expect("fixture") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

fn check_against_reference(name: &str, choices: &OnnxChoices) {
    let want = reference(name);
    let dir = copy_of(name);
    let model = OnnxVae::open(dir.path(), choices).unwrap_or_else(|error| panic!("{name}: {error}"));
    let [channels, height, width] = want.image_shape;
    assert_eq!(model.info.image_shape, ImageShape { channels, height, width }, "{name}");
    assert_eq!(format!("{:?}", model.info.layout).to_lowercase(), want.layout, "{name}");
    assert_eq!(model.info.decoder_output.name(), want.decoder_output, "{name}");
    assert_eq!(model.info.latent_dim, want.mean.len(), "{name}");
    let (mean, log_var) = model.encode(&want.image, 1).expect("encodes");
    assert_close(&format!("{name} mean"), &mean, &want.mean);
    assert_close(&format!("{name} log-variance"), &log_var, &want.log_var);
    let decoded = model.decode(&want.latent, 1).expect("decodes");
    assert_close(&format!("{name} decoding"), &decoded, &want.decoded);
    // A batch gives each item what it gives alone.
    let (means, _) = model.encode(&[want.image.clone(), want.image.clone()].concat(), 2).expect("encodes");
    assert_close(&format!("{name} batch"), &means, &[mean.clone(), mean].concat());
}

#[test]
fn every_fixture_encodes_and_decodes_as_pytorch_did() {
    for name in ["mlp_flat", "conv_bn", "nhwc_sampled", "colour_logits"] {
        check_against_reference(name, &OnnxChoices::default());
    }
}

#[test]
fn what_the_graphs_say_is_read_from_them() {
    let open = |name: &str| OnnxVae::open(&fixture(name), &OnnxChoices::default()).expect("opens").info;
    let mlp = open("mlp_flat");
    assert_eq!((mlp.layout, mlp.latent_dim, mlp.decoder_output), (Layout::Flat, 2, DecoderOutput::Probabilities));
    let conv = open("conv_bn");
    assert_eq!((conv.layout, conv.latent_dim), (Layout::Nchw, 4));
    assert!(conv.findings.iter().any(|finding| finding.source.contains("first half")), "{:?}", conv.findings);
    let nhwc = open("nhwc_sampled");
    assert_eq!(
        (nhwc.layout, nhwc.decoder_layout, nhwc.decoder_output),
        (Layout::Nhwc, Layout::Nhwc, DecoderOutput::Tanh)
    );
    assert!(nhwc.findings.iter().any(|finding| finding.subject == "ignored output" && finding.value == "z"));
    assert!(nhwc.findings.iter().any(|finding| finding.value == "RandomNormalLike"));
    let colour = open("colour_logits");
    assert_eq!(colour.image_shape, ImageShape { channels: 3, height: 32, width: 32 });
    assert!(
        colour.findings.iter().any(|finding| finding.subject == "decoder output" && finding.source.contains("range"))
    );
    // Opening with no flags writes nothing into the folder.
    assert!(!fixture("mlp_flat").join(DESCRIPTION_FILE).exists());
}

#[test]
fn a_graph_that_does_not_say_asks_and_the_answer_is_kept_for_the_next_open() {
    let dir = copy_of("unnamed_flat");
    let error = OnnxVae::open(dir.path(), &OnnxChoices::default()).expect_err("a flat 360 is no square picture");
    assert!(error.to_string().contains("--image-shape"), "{error}");
    let want = reference("unnamed_flat");
    let choices = OnnxChoices {
        image_shape: Some(ImageShape::grey(18, 20)),
        decoder_output: Some(DecoderOutput::Logits),
        mean_output: Some(want.outputs[0].clone()),
        logvar_output: Some(want.outputs[1].clone()),
        ..OnnxChoices::default()
    };
    let partial = OnnxChoices { image_shape: choices.image_shape, ..OnnxChoices::default() };
    let error = OnnxVae::open(dir.path(), &partial).expect_err("unnamed outputs");
    assert!(error.to_string().contains("--mean-output"), "{error}");
    check_against_reference_in(dir.path(), &want, &choices);
    assert!(dir.path().join(DESCRIPTION_FILE).is_file(), "the choices are kept");
    // The next open needs no flags.
    check_against_reference_in(dir.path(), &want, &OnnxChoices::default());
}

fn check_against_reference_in(dir: &Path, want: &Reference, choices: &OnnxChoices) {
    let model = OnnxVae::open(dir, choices).unwrap_or_else(|error| panic!("{error}"));
    let (mean, log_var) = model.encode(&want.image, 1).expect("encodes");
    assert_close("mean", &mean, &want.mean);
    assert_close("log-variance", &log_var, &want.log_var);
    assert_close("decoding", &model.decode(&want.latent, 1).expect("decodes"), &want.decoded);
}

#[test]
fn an_onnx_folder_opens_as_a_model_snapshot_that_every_view_can_run() {
    let snapshot = ModelSnapshot::load(&ModelSource::Folder(fixture("mlp_flat"))).expect("opens");
    assert!(snapshot.burn().is_none() && snapshot.model.onnx().is_some());
    assert_eq!((snapshot.latent_dim(), snapshot.image_shape()), (2, ImageShape::grey(28, 28)));
    assert_eq!(snapshot.architecture_name(), "onnx");
    let want = reference("mlp_flat");
    assert_close("encode_pixels", &encode_pixels(&snapshot.model, &want.image, snapshot.image_shape()), &want.mean);
    assert_close("decode", &decode(&snapshot.model, &want.latent, 2), &want.decoded);
    let (means, _) = snapshot.model.encode_planar(&want.image, 1);
    assert_eq!(means.len(), 2);
}

#[test]
fn a_sidecar_outside_the_folder_a_short_sidecar_and_a_foreign_operator_are_one_line_each() {
    // The sidecar's name rewritten to a path outside the folder (same length, so the file still parses).
    let dir = copy_of("conv_bn");
    let encoder = dir.path().join("encoder.onnx");
    let bytes = std::fs::read(&encoder).expect("read");
    let outside = replace_all(&bytes, b"encoder.onnx.data", b"../encoder.o.data");
    std::fs::write(&encoder, outside).expect("write");
    let error = OnnxVae::open(dir.path(), &OnnxChoices::default()).expect_err("outside the folder").to_string();
    assert!(error.contains("../encoder.o.data") && error.contains("model folder") && !error.contains('\n'), "{error}");

    // A sidecar cut short.
    let dir = copy_of("conv_bn");
    let sidecar = dir.path().join("decoder.onnx.data");
    let bytes = std::fs::read(&sidecar).expect("read");
    std::fs::write(&sidecar, &bytes[..bytes.len() / 2]).expect("write");
    let error = OnnxVae::open(dir.path(), &OnnxChoices::default()).expect_err("short sidecar").to_string();
    assert!(error.contains("decoder.onnx.data") && error.contains("offset") && !error.contains('\n'), "{error}");

    // An operator tract does not know (Relu renamed to a same-length name no runtime has).
    let dir = copy_of("mlp_flat");
    let decoder = dir.path().join("decoder.onnx");
    let bytes = std::fs::read(&decoder).expect("read");
    std::fs::write(&decoder, replace_all(&bytes, b"\x22\x04Relu", b"\x22\x04Relx")).expect("write");
    let error = OnnxVae::open(dir.path(), &OnnxChoices::default()).expect_err("unknown operator").to_string();
    assert!(error.contains("operator Relx") && !error.contains('\n'), "{error}");
}

#[cfg(unix)]
#[test]
fn a_sidecar_that_links_outside_the_folder_is_refused() {
    let dir = copy_of("conv_bn");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let target = elsewhere.path().join("encoder.onnx.data");
    std::fs::rename(dir.path().join("encoder.onnx.data"), &target).expect("move");
    std::os::unix::fs::symlink(&target, dir.path().join("encoder.onnx.data")).expect("link");
    let error = OnnxVae::open(dir.path(), &OnnxChoices::default()).expect_err("link outside").to_string();
    assert!(error.contains("outside its folder"), "{error}");
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut found = false;
    let mut at = 0;
    while at + from.len() <= out.len() {
        if &out[at..at + from.len()] == from {
            out[at..at + from.len()].copy_from_slice(to);
            found = true;
            at += from.len();
        } else {
            at += 1;
        }
    }
    assert!(found, "{:?} not in the file", String::from_utf8_lossy(from));
    out
}

fn vae_explorer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
}

#[test]
fn inspect_encode_eval_and_export_run_on_an_onnx_folder() {
    let model = fixture("mlp_flat");
    let output = vae_explorer().args(["inspect", "--model"]).arg(&model).output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("model: onnx, latent 2, 28×28 grey images") && stdout.contains("mu"), "{stdout}");
    let out = tempfile::tempdir().expect("temp dir");
    let csv = out.path().join("z.csv");
    let output = vae_explorer()
        .args(["encode", "--with-variance", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&csv)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        text.lines().count() > 100 && text.lines().next().is_some_and(|header| header.contains("logvar1")),
        "{text:.200}"
    );
    let output = vae_explorer().args(["eval", "--model"]).arg(&model).output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout.contains("held-out -ELBO") && stdout.contains("PSNR") && stdout.contains("active units"),
        "{stdout}"
    );
    let grid = out.path().join("grid.png");
    let output =
        vae_explorer().args(["export", "grid", "--model"]).arg(&model).arg("--out").arg(&grid).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(image::open(&grid).is_ok());
    // A graph that does not say fails with one line naming the flag.
    let output = vae_explorer().args(["inspect", "--model"]).arg(fixture("unnamed_flat")).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("--image-shape") && !stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_damaged_or_lying_description_file_ends_in_one_line() {
    // `unnamed_flat` needs its description: what the file says decides how the graphs are read.
    let cases: [&[u8]; 6] = [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        br#"{"image_shape": {"channels": 1, "height": 100000, "width": 100000}, "layout": "flat"}"#,
        br#"{"image_shape": {"channels": 3, "height": 0, "width": 0}}"#,
        br#"{"mean_output": "no such output", "logvar_output": "nor this", "surprise": 1}"#,
    ];
    for bytes in cases {
        let dir = copy_of("unnamed_flat");
        std::fs::write(dir.path().join(DESCRIPTION_FILE), bytes).expect("write the description");
        let shown = String::from_utf8_lossy(bytes).into_owned();
        match OnnxVae::open(dir.path(), &OnnxChoices::default()) {
            Ok(model) => panic!("{shown}: opened as {:?}", model.info.image_shape),
            Err(error) => {
                let message = error.to_string();
                assert!(!message.is_empty() && !message.contains('\n'), "{shown}: {message:?}");
            }
        }
    }
}

#[test]
fn the_read_line_says_what_the_model_receives() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .args(["encode", "--model"])
        .arg(fixture("colour_logits"))
        .arg("--out")
        .arg(out.path().join("z.csv"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "images of 28×28 grey, brought to 32×32 RGB for the model (padded around the centre, grey copied into 3 channels)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_graph_that_fails_in_the_runtime_mid_command_ends_in_one_line() {
    // It opens (a blank image runs), then tract panics on a Gather index out of range for any real
    // picture: `encode` must end with one error line and exit 1, not a panic report.
    let out = tempfile::tempdir().expect("temp dir");
    let output = vae_explorer()
        .env_remove("RUST_BACKTRACE")
        .args(["encode", "--model"])
        .arg(fixture("fails_on_data"))
        .arg("--out")
        .arg(out.path().join("z.csv"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: running the encoder failed") && last.contains("stopped there"), "{stderr}");
    assert_eq!(stderr.lines().filter(|line| line.starts_with("error")).count(), 1, "{stderr}");
    assert!(!out.path().join("z.csv").exists(), "nothing written");
}
