//! Image-quality measures against scikit-image's own values (tests/fixtures/ssim.json, made by
//! scripts/ssim_fixtures.py with scikit-image 0.25.2).

use serde::Deserialize;
use vae_explorer::quality::{ImageShape, mean_squared_error, psnr_db, ssim};

#[derive(Deserialize)]
struct Fixture {
    made_by: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    shape: [usize; 3],
    a_u8: Vec<u8>,
    b_u8: Vec<u8>,
    ssim: f64,
    mse: f64,
    psnr_db: f64,
}

fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ssim.json");
    let text = std::fs::read(path).expect("fixture present");
    serde_json::from_slice(&text).expect("fixture parses")
}

fn unit(bytes: &[u8]) -> Vec<f32> {
    bytes.iter().map(|&byte| f32::from(byte) / 255.0).collect()
}

#[test]
fn ssim_mse_and_psnr_match_scikit_image() {
    let fixture = fixture();
    assert!(fixture.made_by.contains("scikit-image"), "{}", fixture.made_by);
    assert!(fixture.cases.iter().any(|case| case.shape[0] == 3), "a colour case is covered");
    for case in &fixture.cases {
        let [channels, height, width] = case.shape;
        let (a, b) = (unit(&case.a_u8), unit(&case.b_u8));
        let ours = ssim(&a, &b, ImageShape { channels, height, width }).expect("window fits");
        assert!((ours - case.ssim).abs() < 1e-5, "{:?}: ssim {ours} vs scikit-image {}", case.shape, case.ssim);
        let mse = mean_squared_error(&a, &b).expect("same length");
        assert!((mse - case.mse).abs() < 1e-7, "{:?}: mse {mse} vs {}", case.shape, case.mse);
        let psnr = psnr_db(mse);
        assert!((psnr - case.psnr_db).abs() < 1e-4, "{:?}: psnr {psnr} vs {}", case.shape, case.psnr_db);
    }
}

/// The differentiable SSIM inside the ms-ssim-l1 loss, at one scale of σ = 1.5, is scikit-image's.
#[test]
fn the_loss_ssim_matches_scikit_image_at_one_scale() {
    use burn::prelude::{Device, Tensor, TensorData};
    let device = Device::flex();
    for case in &fixture().cases {
        let [channels, height, width] = case.shape;
        let tensor =
            |bytes: &[u8]| Tensor::<4>::from_data(TensorData::new(unit(bytes), [1, channels, height, width]), &device);
        let ours = vae_explorer::model::ssim_mean(tensor(&case.a_u8), tensor(&case.b_u8), 1.5);
        let ours = f64::from(ours.into_scalar::<f32>());
        assert!((ours - case.ssim).abs() < 1e-4, "{:?}: ssim {ours} vs scikit-image {}", case.shape, case.ssim);
    }
}

fn number_after(text: &str, label: &str) -> f64 {
    let rest = text.split(label).nth(1).unwrap_or_else(|| panic!("{label:?} missing in {text}"));
    let number: String = rest.trim_start().chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    number.parse().unwrap_or_else(|_| panic!("no number after {label:?} in {text}"))
}

#[test]
fn eval_prints_every_measure_and_the_iw_bound_is_tighter() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .args(["eval", "--model", "bundled", "--iw-samples", "20"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    let neg_elbo = number_after(&text, "held-out -ELBO:");
    let mse = number_after(&text, "MSE:");
    let psnr = number_after(&text, "PSNR:");
    let ssim = number_after(&text, "SSIM:");
    let nll = number_after(&text, "K = 20:");
    assert!((psnr - 10.0 * (1.0 / mse).log10()).abs() < 0.05, "PSNR {psnr} vs MSE {mse}");
    assert!(ssim > 0.2 && ssim < 1.0, "SSIM {ssim}");
    assert!(text.contains("active units: 2 of 2"), "{text}");
    assert!(nll < neg_elbo && nll > neg_elbo - 20.0, "IW {nll} vs -ELBO {neg_elbo}");
}

#[test]
fn eval_refuses_zero_importance_samples() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .args(["eval", "--iw-samples", "0"])
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--iw-samples must be between 1 and"));
}
