//! Tests of the inference thread's loop: guarded jobs, the scatter's PCA basis kept between
//! snapshots, and answers after a panic.

use super::*;

#[test]
fn a_panicking_job_becomes_an_error_naming_it() {
    let error = guarded("decoder sweep", || -> usize { panic!("boom {}", 7) }).expect_err("the panic is caught");
    let text = error.to_string();
    assert!(text.contains("decoder sweep") && text.contains("boom 7"), "{text}");
    assert_eq!(guarded("decoder sweep", || 3).expect("no panic"), 3);
}

#[test]
fn a_new_cloud_keeps_the_previous_pca_basis_and_carries_the_posterior_spread() {
    let config = crate::model::VaeConfig { latent_dim: 3, ..crate::model::VaeConfig::default() };
    let training = crate::training::TrainingConfig { model: config.clone(), ..Default::default() };
    let info = crate::checkpoint::CheckpointInfo::untrained(training, "test");
    let model = ModelSnapshot {
        model: crate::inference::VaeModel::Burn(Box::new(config.init(&burn::prelude::Device::flex()))),
        info,
    };
    let dataset = crate::data::DataSource::Bundled.load().expect("bundled data");
    let mut server = Server { dataset: Some(Arc::new(dataset)), ..Server::default() };
    let first = server.scatter(&model, ScatterSource::Heldout).expect("a cloud");
    let fitted = first.pca.clone().expect("a PCA of latent 3");
    assert_eq!(first.log_vars.len(), first.means.len());
    assert_eq!(first.kl_per_dim_nats, crate::quality::kl_per_dim_nats(&first.means, &first.log_vars, 3));
    // The map of the previous snapshot was turned by 180°: the next keeps that orientation
    // rather than the fit's own signs (refitting alone would flip the scatter).
    server.previous_pca = Some(fitted.negated());
    let next = server.scatter(&model, ScatterSource::Heldout).expect("a cloud");
    let aligned = next.pca.expect("a PCA");
    assert_eq!(aligned.components(), fitted.negated().components());
    assert_eq!(next.fingerprint, first.fingerprint, "the same model and images give the same fingerprint");
}

#[test]
fn the_thread_answers_after_a_job_panicked() {
    let (sender, receiver) = std::sync::mpsc::sync_channel(64);
    let outbox = Outbox { results: &sender, wake: &|| {} };
    assert!(outbox.answer(guarded("scatter", || -> Option<InferenceResult> { panic!("injected") })));
    assert!(outbox.answer(guarded("prior samples", || Some(InferenceResult::Saved("x".into())))));
    let results: Vec<InferenceResult> = receiver.try_iter().collect();
    assert!(matches!(&results[0], InferenceResult::Failed(InferenceError::Panicked { job: "scatter", .. })));
    assert!(matches!(&results[1], InferenceResult::Saved(_)));
}
