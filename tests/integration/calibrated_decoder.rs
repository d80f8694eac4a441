//! The calibrated decoder: a likelihood scale learned from every batch (`--likelihood-scale
//! learned`) trains, moves, is kept in checkpoint.json and refuses a loss without a scale.

use std::sync::Arc;

use burn::prelude::*;
use vae_explorer::checkpoint;
use vae_explorer::model::{ReconstructionLoss, ScaleFit, VaeConfig};
use vae_explorer::training::{DEFAULT_LIKELIHOOD_SCALE, Trainer, TrainingConfig};

use crate::conv_colour::{FewSteps, colour_dataset};

fn learned(loss: ReconstructionLoss) -> TrainingConfig {
    let model = VaeConfig::new().with_image_height(8).with_image_width(8).with_channels(3).with_latent_dim(4);
    TrainingConfig { model, loss, scale_fit: ScaleFit::Learned, batch_size: 32, epochs: 2, ..TrainingConfig::default() }
}

#[test]
fn a_learned_scale_trains_with_a_finite_falling_loss_and_round_trips_through_checkpoint_json() {
    let dataset = Arc::new(colour_dataset(8, 8, 3, 512, 64));
    for loss in [ReconstructionLoss::Mse, ReconstructionLoss::L1] {
        let mut trainer = Trainer::new(learned(loss), Arc::clone(&dataset), &Device::flex()).expect("valid config");
        let mut observer = FewSteps { limit: usize::MAX, losses: Vec::new() };
        trainer.run(&mut observer).expect("no divergence");
        let losses = observer.losses;
        assert_eq!(losses.len(), 32, "{loss:?}: two epochs of 16 steps");
        assert!(losses.iter().all(|nats| nats.is_finite()), "{loss:?}: {losses:?}");
        let first: f64 = losses[..4].iter().sum::<f64>() / 4.0;
        let last: f64 = losses[28..].iter().sum::<f64>() / 4.0;
        assert!(last < first - 10.0, "{loss:?}: the loss did not fall: {first:.1} → {last:.1}");
        // The scale moved from where it started, and each epoch records it.
        let scale = trainer.config().likelihood_scale;
        assert!((scale - DEFAULT_LIKELIHOOD_SCALE).abs() > 1e-3, "{loss:?}: σ stayed at {scale}");
        let history = trainer.history();
        assert_eq!(history.len(), 2);
        assert!(history.iter().all(|report| report.learned_scale.is_some()), "{history:?}");
        assert_eq!(history[1].learned_scale, Some(scale));

        let dir = tempfile::tempdir().expect("temp dir");
        checkpoint::save(dir.path(), &trainer.model().valid(), &trainer.checkpoint_info()).expect("save");
        let description = std::fs::read_to_string(dir.path().join(checkpoint::DESCRIPTION_FILE)).expect("read");
        assert!(description.contains(r#""scale_fit": "learned""#), "{description}");
        let (_, info) = checkpoint::load(dir.path(), &Device::flex()).expect("load");
        assert_eq!(info.training.scale_fit, ScaleFit::Learned);
        // JSON keeps the value to the last bit or so (serde_json's float parsing is not exact).
        let kept = info.training.likelihood_scale;
        assert!((kept - scale).abs() < 1e-12, "the learned σ is kept, to evaluate and continue with: {kept}");
        assert!(info.history[1].learned_scale.is_some_and(|kept| (kept - scale).abs() < 1e-12));

        // A description written before scales were learned reads as a fixed scale.
        let older = description.replace(r#""scale_fit": "learned","#, "");
        assert!(!older.contains("scale_fit"), "{older}");
        std::fs::write(dir.path().join(checkpoint::DESCRIPTION_FILE), older).expect("write");
        let (_, info) = checkpoint::load(dir.path(), &Device::flex()).expect("load the older description");
        assert_eq!(info.training.scale_fit, ScaleFit::Fixed);
    }
}

#[test]
fn a_fixed_scale_stays_where_it_was_put() {
    let dataset = Arc::new(colour_dataset(8, 8, 3, 64, 16));
    let config = TrainingConfig { scale_fit: ScaleFit::Fixed, ..learned(ReconstructionLoss::Mse) };
    let mut trainer = Trainer::new(config, dataset, &Device::flex()).expect("valid config");
    trainer.run(&mut FewSteps { limit: 4, losses: Vec::new() }).expect("no divergence");
    assert_eq!(trainer.config().likelihood_scale, DEFAULT_LIKELIHOOD_SCALE);
    assert!(trainer.history().iter().all(|report| report.learned_scale.is_none()));
}

#[test]
fn the_cli_takes_learned_for_mse_and_refuses_it_for_bce_in_one_line() {
    let out = tempfile::tempdir().expect("temp dir");
    let run = |flags: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
            .arg("train")
            .args(flags)
            .args(["--epochs", "1", "--device", "cpu", "--out"])
            .arg(out.path().join("model"))
            .output()
            .expect("run the binary")
    };
    let output = run(&["--likelihood-scale", "learned"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("a learned likelihood scale needs the mse or l1 loss"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let output = run(&["--loss", "mse", "--likelihood-scale", "lerned"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("or `learned`"), "{stderr}");

    let output = run(&["--loss", "mse", "--likelihood-scale", "learned"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metrics = std::fs::read_to_string(out.path().join("model/metrics.json")).expect("metrics.json");
    assert!(metrics.contains("\"learned_scale\""), "{metrics}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("σ learned"), "the run says what it learned: {stdout}");
}
