//! Our models out to other tools and foreign weights in: ONNX graphs run in tract as the model
//! runs, safetensors in PyTorch's layout imported back unchanged, a PyTorch file written by
//! `torch.save` imported with the outputs PyTorch computed, and mismatched or damaged files
//! refused with one line that names what is wrong.

use std::path::Path;

use burn::prelude::{Device, TensorData};
use tract_onnx::prelude::*;
use vae_explorer::interop::{
    ImportOptions, InteropError, ReferenceOutputs, import_weights, onnx_models, reference_outputs, safetensors_bytes,
};
use vae_explorer::model::{Architecture, ConvLayout, Vae, VaeConfig};

use super::support::{TORCH_FIXTURE, torch_fixture_config};

/// The inputs of [`TORCH_FIXTURE`] and the outputs PyTorch computed for them.
const TORCH_FIXTURE_OUTPUTS: &str = "tests/fixtures/torch_conv_tiny.json";

fn small_configs() -> [VaeConfig; 3] {
    let mlp = VaeConfig::new().with_latent_dim(3).with_image_height(6).with_image_width(6);
    let conv = VaeConfig::new()
        .with_architecture(Architecture::Conv)
        .with_latent_dim(2)
        .with_image_height(10)
        .with_image_width(10)
        .with_channels(3)
        .with_conv_base_channels(4)
        .with_conv_residual_blocks(1)
        .with_conv_layout(ConvLayout::Scaled);
    // The PyTorch tutorial's layout: 4×4 kernels, 10 → 5 → 2 with an odd side on the way back, and
    // no dense layer between the last map and the latent.
    let direct = conv.clone().with_conv_layout(ConvLayout::Direct).with_conv_residual_blocks(0);
    [mlp, conv, direct]
}

fn max_difference(left: &[f32], right: &[f32]) -> f32 {
    assert_eq!(left.len(), right.len(), "lengths differ");
    left.iter().zip(right).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max)
}

/// Runs the ONNX graph `bytes` in tract on one input of `shape`; every output, flattened.
fn run_in_tract(bytes: &[u8], shape: &[usize], input: &[f32]) -> Vec<Vec<f32>> {
    let model = tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .expect("tract reads the graph")
        .with_input_fact(0, f32::fact(shape).into())
        .expect("input fact")
        .into_optimized()
        .expect("optimised")
        .into_runnable()
        .expect("runnable");
    let input = Tensor::from_shape(shape, input).expect("input tensor");
    let outputs = model.run(tvec!(input.into())).expect("tract runs the graph");
    outputs
        .iter()
        .map(|output| output.to_plain_array_view::<f32>().expect("f32 output").iter().copied().collect())
        .collect()
}

#[test]
fn the_onnx_export_encodes_and_decodes_in_tract_as_the_model_does() {
    let device = Device::flex();
    for config in small_configs() {
        let model = config.init(&device);
        let ours = reference_outputs(&model, &config);
        let onnx = onnx_models(&model, &config).expect("exports");
        let outputs = run_in_tract(&onnx.encoder, &ours.image_shape, &ours.images);
        assert_eq!(outputs.len(), 2, "{:?}: mean and log_var", config.architecture);
        let mean_difference = max_difference(&outputs[0], &ours.mean);
        let log_var_difference = max_difference(&outputs[1], &ours.log_var);
        let decoded = run_in_tract(&onnx.decoder, &ours.latent_shape, &ours.latents);
        let decoded_difference = max_difference(&decoded[0], &ours.decoded);
        for (what, difference) in
            [("mean", mean_difference), ("log_var", log_var_difference), ("decoded", decoded_difference)]
        {
            assert!(difference <= 1e-5, "{:?} {what}: {difference}", config.architecture);
        }
    }
}

fn outputs_of(model: &Vae, config: &VaeConfig) -> ReferenceOutputs {
    reference_outputs(model, config)
}

#[test]
fn a_safetensors_export_imports_back_to_the_same_outputs() {
    let device = Device::flex();
    let dir = tempfile::tempdir().expect("temp dir");
    for config in small_configs() {
        let model = config.init(&device);
        let path = dir.path().join(format!("{}.safetensors", config.architecture.name()));
        std::fs::write(&path, safetensors_bytes(&model, &config).expect("exports")).expect("write");
        let imported = import_weights(&path, &config, &ImportOptions::default(), &device).expect("imports");
        let (before, after) = (outputs_of(&model, &config), outputs_of(&imported, &config));
        assert_eq!((before.mean, before.log_var, before.decoded), (after.mean, after.log_var, after.decoded));
    }
}

#[test]
fn a_pytorch_file_imports_with_the_outputs_pytorch_computed() {
    let config = torch_fixture_config();
    let device = Device::flex();
    let model = import_weights(Path::new(TORCH_FIXTURE), &config, &ImportOptions::default(), &device)
        .expect("the fixture imports");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(TORCH_FIXTURE_OUTPUTS).expect("fixture outputs")).expect("JSON");
    let floats = |key: &str| -> Vec<f32> {
        expected[key].as_array().expect(key).iter().map(|value| value.as_f64().expect("number") as f32).collect()
    };
    let (images, latents) = (floats("images"), floats("latents"));
    let images = burn::tensor::Tensor::<2>::from_data(TensorData::new(images, [4, 3 * 8 * 8]), &device);
    let latents = burn::tensor::Tensor::<2>::from_data(TensorData::new(latents, [5, 3]), &device);
    let posterior = model.encode(images);
    let values = |tensor: burn::tensor::Tensor<2>| tensor.into_data().try_to_vec::<f32>().expect("f32");
    let ours = [
        ("mean", values(posterior.mean)),
        ("log_var", values(posterior.log_var)),
        ("decoded", values(model.decode(latents))),
    ];
    for (key, values) in ours {
        let difference = max_difference(&values, &floats(key));
        assert!(difference <= 1e-5, "{key}: {difference}");
    }
}

#[test]
fn missing_and_unused_names_are_listed_on_one_line() {
    let device = Device::flex();
    let dir = tempfile::tempdir().expect("temp dir");
    let [mlp, conv, _] = small_configs();
    let path = dir.path().join("mlp.safetensors");
    std::fs::write(&path, safetensors_bytes(&mlp.init(&device), &mlp).expect("exports")).expect("write");

    let error = import_weights(&path, &conv, &ImportOptions::default(), &device).expect_err("refused").to_string();
    assert!(!error.contains('\n'), "{error}");
    assert!(error.contains("missing decoder.features.bias, decoder.features.weight"), "{error}");
    assert!(error.contains("unused decoder.narrow.bias, decoder.narrow.weight"), "{error}");
    assert!(error.contains(" more"), "long lists are cut: {error}");

    let wider = mlp.clone().with_latent_dim(5);
    let error = import_weights(&path, &wider, &ImportOptions::default(), &device).expect_err("refused").to_string();
    assert!(error.contains("encoder.mean.weight") && error.contains("Shape mismatch"), "{error}");

    // A rename that makes the names fit: the prefix `enc.` of a foreign file.
    let renamed = ImportOptions { renames: vec!["^encoder\\.=enc.".parse().expect("rename")], ..Default::default() };
    let error = import_weights(&path, &mlp, &renamed, &device).expect_err("refused").to_string();
    assert!(error.contains("missing encoder.") && error.contains("unused enc."), "{error}");
}

#[test]
fn damaged_weights_files_end_in_one_line() {
    let device = Device::flex();
    let dir = tempfile::tempdir().expect("temp dir");
    let [mlp, _, _] = small_configs();
    let whole = safetensors_bytes(&mlp.init(&device), &mlp).expect("exports");
    let torch = std::fs::read(TORCH_FIXTURE).expect("fixture");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.safetensors", Vec::new()),
        ("truncated.safetensors", whole[..whole.len() / 2].to_vec()),
        ("random.safetensors", (0..4000u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("empty.pt", Vec::new()),
        ("truncated.pt", torch[..torch.len() / 2].to_vec()),
        ("random.pth", (0..4000u32).map(|index| (index.wrapping_mul(40_503) >> 7) as u8).collect()),
        ("text.pt", b"not a pickle\n".to_vec()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let error = import_weights(&path, &mlp, &ImportOptions::default(), &device).expect_err(name).to_string();
        assert!(!error.contains('\n') && error.contains(name), "{name}: {error}");
    }
    let folder = dir.path().join("folder.pt");
    std::fs::create_dir(&folder).expect("folder");
    let error = import_weights(&folder, &mlp, &ImportOptions::default(), &device).expect_err("a folder");
    assert!(matches!(error, InteropError::Read(_)), "{error}");
    let other = dir.path().join("weights.h5");
    std::fs::write(&other, b"x").expect("write");
    let error = import_weights(&other, &mlp, &ImportOptions::default(), &device).expect_err("unknown");
    assert!(matches!(error, InteropError::UnknownFormat { .. }), "{error}");
}

#[test]
fn an_onnx_export_opens_again_as_a_model_trained_elsewhere_and_runs_as_the_original() {
    let device = Device::flex();
    // The bundled model (trained here: MLP, latent 2, 30 epochs) and two freshly made small ones.
    let bundled = vae_explorer::inference::ModelSnapshot::load(&vae_explorer::inference::ModelSource::Bundled)
        .expect("the bundled model");
    let trained = bundled.burn().expect("ours").clone();
    let mut models = vec![(trained, bundled.info.training.model.clone())];
    models.extend(small_configs().map(|config| (config.init(&device), config)));
    for (model, config) in models {
        let ours = reference_outputs(&model, &config);
        let onnx = onnx_models(&model, &config).expect("exports");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("encoder.onnx"), &onnx.encoder).expect("write the encoder");
        std::fs::write(dir.path().join("decoder.onnx"), &onnx.decoder).expect("write the decoder");
        // The folder opens through the same reader as any VAE trained elsewhere, with no flags:
        // the names, the shapes and the final Sigmoid say everything.
        let opened =
            vae_explorer::onnx_model::OnnxVae::open(dir.path(), &Default::default()).expect("the export opens");
        assert_eq!(opened.info.latent_dim, config.latent_dim, "{:?}", config.architecture);
        let images = ours.image_shape[0];
        let (mean, log_var) = opened.encode(&ours.images, images).expect("encodes");
        let decoded = opened.decode(&ours.latents, ours.latent_shape[0]).expect("decodes");
        for (what, found, expected) in
            [("mean", &mean, &ours.mean), ("log_var", &log_var, &ours.log_var), ("decoded", &decoded, &ours.decoded)]
        {
            let difference = max_difference(found, expected);
            assert!(difference <= 1e-5, "{:?} {what}: {difference}", config.architecture);
        }
    }
}
