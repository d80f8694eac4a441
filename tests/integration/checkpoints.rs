//! Checkpoints: save → load round trips, damaged and mismatched files, resume, interrupted saves.

use std::sync::Arc;

use burn::prelude::*;
use vae_explorer::checkpoint::{self, CheckpointError, CheckpointInfo};
use vae_explorer::data::{DataSource, Dataset, ImageSet};
use vae_explorer::inference::decode;
use vae_explorer::model::{Vae, VaeConfig};
use vae_explorer::training::{Trainer, TrainingConfig};

use crate::support::{Quiet, info_for};

const LATENTS: [f32; 6] = [0.0, 0.0, 1.5, -2.0, -3.0, 0.5];

fn fresh_model(latent_dim: usize) -> (Vae, CheckpointInfo) {
    let config = VaeConfig::new().with_latent_dim(latent_dim);
    (config.init(&Device::flex()), info_for(&config))
}

fn weights_path(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join(checkpoint::read_info(dir).expect("description").weights_file)
}

#[test]
fn save_then_load_decodes_identically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &info).expect("save");
    let (loaded, loaded_info) = checkpoint::load(dir.path(), &Device::flex()).expect("load");
    assert_eq!(loaded_info.training, info.training);
    assert_eq!(decode(&model, &LATENTS, 2), decode(&loaded, &LATENTS, 2));
}

#[test]
fn a_corrupt_description_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &info).expect("save");
    std::fs::write(dir.path().join(checkpoint::DESCRIPTION_FILE), b"{\"format_version\": 1, \"trai").expect("write");
    let error = checkpoint::load(dir.path(), &Device::flex()).unwrap_err();
    assert!(matches!(error, CheckpointError::Description { .. }), "{error}");
}

#[test]
fn truncated_weights_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &info).expect("save");
    let weights = weights_path(dir.path());
    let bytes = std::fs::read(&weights).expect("read");
    std::fs::write(&weights, &bytes[..bytes.len() / 3]).expect("write");
    let error = checkpoint::load(dir.path(), &Device::flex()).unwrap_err();
    assert!(matches!(error, CheckpointError::Weights { .. }), "{error}");
}

#[test]
fn weights_of_another_latent_size_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, _) = fresh_model(8);
    let (_, info_of_latent_2) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &info_of_latent_2).expect("save");
    let error = checkpoint::load(dir.path(), &Device::flex()).unwrap_err();
    assert!(matches!(error, CheckpointError::Weights { latent_dim: 2, .. }), "{error}");
    assert!(error.to_string().contains("another model"), "{error}");
}

#[test]
fn an_unknown_format_version_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &CheckpointInfo { format_version: 99, ..info }).expect("save");
    let error = checkpoint::load(dir.path(), &Device::flex()).unwrap_err();
    assert!(matches!(error, CheckpointError::Version { found: 99, .. }), "{error}");
}

#[test]
fn a_model_for_other_image_sizes_does_not_resume_on_this_data() {
    let (model, info) = fresh_model(2);
    let tiny = ImageSet { channels: 1, height: 8, width: 8, pixels: vec![0; 20 * 64], labels: vec![0; 20] };
    let dataset = Arc::new(Dataset {
        name: "tiny".into(),
        class_names: vec!["0".into()],
        train: tiny.clone(),
        heldout: tiny,
        ..Default::default()
    });
    let error = Trainer::resume(&model, &info, 3, dataset, &Device::flex()).err().expect("refused");
    assert!(error.contains("28×28") && error.contains("8×8"), "{error}");
}

#[test]
fn resume_continues_the_epoch_count_and_history_and_warms_the_rate_up_again() {
    let dataset = Arc::new(DataSource::Bundled.load().expect("bundled data"));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut first =
        Trainer::new(TrainingConfig { epochs: 1, ..TrainingConfig::default() }, Arc::clone(&dataset), &Device::flex())
            .expect("trainer");
    first.run(&mut Quiet).expect("no divergence");
    checkpoint::save(dir.path(), &first.model().valid(), &first.checkpoint_info()).expect("save");

    let (model, info) = checkpoint::load(dir.path(), &Device::flex()).expect("load");
    assert_eq!((info.epochs_done, info.history.len()), (1, 1));
    let mut resumed = Trainer::resume(&model, &info, 2, dataset, &Device::flex()).expect("resume");
    // Adam starts afresh on a resumed run, so its rate rises again from 0 over the first epoch, then
    // follows the schedule stretched to the new total; a fresh run follows the schedule alone.
    let stretched = TrainingConfig { epochs: 2, ..info.training.clone() };
    assert_eq!(resumed.learning_rate_at(1.0), 0.0);
    let halfway = resumed.learning_rate_at(1.5);
    assert!(halfway > 0.0 && (halfway - 0.5 * stretched.learning_rate_at(1.5)).abs() < 1e-12, "{halfway}");
    assert_eq!(first.learning_rate_at(0.5), info.training.learning_rate_at(0.5));
    let reports = resumed.run(&mut Quiet).expect("no divergence");
    assert_eq!(reports.iter().map(|report| report.epoch).collect::<Vec<_>>(), vec![2]);
    assert_eq!(resumed.history().len(), 2);
    assert_eq!(resumed.global_step(), 2 * info.global_step);
    assert!(reports[0].heldout.neg_elbo_nats() < info.history[0].heldout.neg_elbo_nats());
}

#[test]
fn an_interrupted_save_leaves_the_previous_checkpoint_loadable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (model, info) = fresh_model(2);
    checkpoint::save(dir.path(), &model, &info).expect("save");
    let complete = std::fs::read(weights_path(dir.path())).expect("read");
    // A later save killed at every tenth of its weights: the half-written new weights file and the
    // temporary file beside it stay behind, the description was not yet replaced.
    for tenth in 0..10 {
        let cut = complete.len() * tenth / 10;
        std::fs::write(dir.path().join("weights-2-99999.bpk"), &complete[..cut]).expect("write");
        std::fs::write(dir.path().join(".vae-explorer-interrupted.tmp"), &complete[..cut]).expect("write");
        let (loaded, loaded_info) = checkpoint::load(dir.path(), &Device::flex()).expect("previous checkpoint");
        assert_eq!(loaded_info.epochs_done, 0);
        assert_eq!(decode(&loaded, &LATENTS, 2), decode(&model, &LATENTS, 2));
    }
}
