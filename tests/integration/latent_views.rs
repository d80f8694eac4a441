//! The inference thread behind the latent views: scatter, sweep and prior samples.

use std::sync::Arc;
use std::time::{Duration, Instant};

use burn::prelude::*;
use vae_explorer::data::DataSource;
use vae_explorer::inference::{
    GridRequest, InferenceRequest, InferenceResult, InferenceService, ModelSnapshot, ModelSource, MorphRequest,
    ScatterSource,
};
use vae_explorer::latent::{GridSpec, Projection};
use vae_explorer::training::{Trainer, TrainingConfig};

use crate::support::Quiet;

const PATIENCE: Duration = Duration::from_secs(120);

/// Waits for the first result that `pick` accepts.
fn wait_for<T>(service: &InferenceService, mut pick: impl FnMut(InferenceResult) -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        for result in service.drain_results() {
            if let InferenceResult::LoadFailed(message) = &result {
                panic!("inference failed: {message}");
            }
            if let Some(found) = pick(result) {
                return found;
            }
        }
        assert!(started.elapsed() < PATIENCE, "timed out");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn after_one_epoch_the_scatter_holds_every_class_and_no_nan() {
    let dataset = Arc::new(DataSource::Bundled.load().expect("bundled data"));
    let mut trainer = Trainer::new(TrainingConfig { epochs: 1, ..TrainingConfig::default() }, dataset, &Device::flex())
        .expect("trainer");
    trainer.run(&mut Quiet).expect("no divergence");
    let snapshot = Arc::new(ModelSnapshot::from_training(trainer.model(), trainer.checkpoint_info()));

    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadDataset(DataSource::Bundled));
    service.request(InferenceRequest::SetModel(snapshot));
    service.request(InferenceRequest::Scatter(ScatterSource::Heldout));
    let cloud = wait_for(&service, |result| match result {
        InferenceResult::Scatter(cloud) => Some(cloud),
        _ => None,
    });
    let mut classes = cloud.labels.clone();
    classes.sort_unstable();
    classes.dedup();
    assert_eq!(classes.len(), 10);
    assert_eq!(cloud.means.len(), cloud.len() * 2);
    assert!(cloud.means.iter().all(|value| value.is_finite()));
}

#[test]
fn the_sweep_has_n_by_n_distinct_cells() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadModel(ModelSource::Bundled));
    let spec = GridSpec { size: 12, ..GridSpec::default() };
    let request = GridRequest { spec, projection: Projection::Dims { x: 0, y: 1 }, base: vec![0.0, 0.0] };
    service.request(InferenceRequest::Grid(request));
    let images = wait_for(&service, |result| match result {
        InferenceResult::Grid { images, .. } => Some(images),
        _ => None,
    });
    let pixels = 28 * 28;
    assert_eq!(images.len(), 12 * 12 * pixels);
    let cells: Vec<&[f32]> = images.chunks_exact(pixels).collect();
    for (index, cell) in cells.iter().enumerate() {
        for other in &cells[index + 1..] {
            assert_ne!(cell, other, "two sweep cells decode to the same image");
        }
    }
}

#[test]
fn prior_samples_follow_their_seed() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadModel(ModelSource::Bundled));
    let samples_for = |seed: u64| {
        service.request(InferenceRequest::Samples(seed));
        wait_for(&service, |result| match result {
            InferenceResult::Samples { seed: got, images } if got == seed => Some(images),
            _ => None,
        })
    };
    let first = samples_for(7);
    let resampled = samples_for(8);
    let again = samples_for(7);
    assert_eq!(first.len(), 64 * 28 * 28);
    assert_ne!(first, resampled);
    assert_eq!(first, again);
}

#[test]
fn morph_ends_are_the_reconstructions_of_a_and_b() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadModel(ModelSource::Bundled));
    service.request(InferenceRequest::LoadDataset(DataSource::Bundled));
    let reconstruction_of = |index: usize| {
        service.request(InferenceRequest::Reconstruct { train: false, index });
        wait_for(&service, |result| match result {
            InferenceResult::Reconstructed { index: got, image, .. } if got == index => Some(image),
            _ => None,
        })
    };
    let (a, b) = (reconstruction_of(3), reconstruction_of(11));
    let snapshot = ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model");
    let dataset = DataSource::Bundled.load().expect("bundled data");
    let mean_of = |index| vae_explorer::inference::encode_means(&snapshot.model, &dataset.heldout, &[index]);
    for (t, expected) in [(0.0, &a), (1.0, &b)] {
        let request = MorphRequest {
            from: mean_of(3),
            to: mean_of(11),
            t,
            steps: 5,
            interpolation: vae_explorer::latent::Interpolation::Spherical,
        };
        service.request(InferenceRequest::Morph(request));
        let (frame, strip) = wait_for(&service, |result| match result {
            InferenceResult::Morph { request, frame, strip } if request.t == t => Some((frame, strip)),
            _ => None,
        });
        let close = |x: &[f32], y: &[f32]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-4);
        assert!(close(&frame, expected), "frame at t = {t} is not the reconstruction");
        assert_eq!(strip.len(), 5 * 28 * 28);
        assert!(close(&strip[..784], &a) && close(&strip[4 * 784..], &b));
    }
}
