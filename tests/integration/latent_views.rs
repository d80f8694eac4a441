//! The inference thread behind the latent views: scatter, sweep and prior samples.

use std::sync::Arc;
use std::time::{Duration, Instant};

use burn::prelude::*;
use vae_explorer::data::DataSource;
use vae_explorer::inference::{
    GridRequest, InferenceError, InferenceRequest, InferenceResult, InferenceService, ModelSnapshot, ModelSource,
    MorphRequest, ReconstructRequest, ScatterSource, ViewRequests,
};
use vae_explorer::latent::{GridSpec, Projection, Spacing};
use vae_explorer::training::{Trainer, TrainingConfig};

use crate::support::Quiet;

const PATIENCE: Duration = Duration::from_secs(120);

/// Waits for the first result that `pick` accepts.
fn wait_for<T>(service: &InferenceService, mut pick: impl FnMut(InferenceResult) -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        for result in service.drain_results() {
            if let InferenceResult::Failed(error) = &result {
                panic!("inference failed: {error}");
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
    service.request(InferenceRequest::views(ViewRequests {
        scatter: Some(ScatterSource::Heldout),
        ..ViewRequests::default()
    }));
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
    let request = GridRequest {
        spec,
        projection: Projection::Dims { x: 0, y: 1 },
        base: vec![0.0, 0.0],
        spacing: Spacing::Linear,
        cells: None,
    };
    service.request(InferenceRequest::views(ViewRequests { grid: Some(request), ..ViewRequests::default() }));
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
        service.request(InferenceRequest::views(ViewRequests { samples: Some(seed), ..ViewRequests::default() }));
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
        service.request(InferenceRequest::views(ViewRequests {
            reconstruct: Some(ReconstructRequest { train: false, index }),
            ..ViewRequests::default()
        }));
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
        service.request(InferenceRequest::views(ViewRequests { morph: Some(request), ..ViewRequests::default() }));
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

/// Waits for the first result that `pick` accepts, errors included.
fn wait_for_any<T>(service: &InferenceService, mut pick: impl FnMut(InferenceResult) -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = service.drain_results().into_iter().find_map(&mut pick) {
            return found;
        }
        assert!(started.elapsed() < PATIENCE, "timed out");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_panicking_job_is_an_error_result_and_the_thread_serves_on() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    let good = Arc::new(ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model"));
    // A snapshot whose description does not match its weights: the decoder's first layer takes
    // 2 inputs, the description says 3, so decoding a 3-value point panics inside burn.
    let mut broken = (*good).clone();
    broken.info.training.model.latent_dim = 3;
    service.request(InferenceRequest::SetModel(Arc::new(broken)));
    service.request(InferenceRequest::views(ViewRequests {
        decode: Some(vec![0.5, 0.5, 0.5]),
        ..ViewRequests::default()
    }));
    let error = wait_for_any(&service, |result| match result {
        InferenceResult::Failed(error) => Some(error),
        _ => None,
    });
    assert!(matches!(error, InferenceError::Panicked { job: "decoded point", .. }), "{error}");
    assert!(error.to_string().contains("decoded point"), "{error}");

    service.request(InferenceRequest::SetModel(good));
    service
        .request(InferenceRequest::views(ViewRequests { decode: Some(vec![0.25, -1.0]), ..ViewRequests::default() }));
    let (latent, image) = wait_for(&service, |result| match result {
        InferenceResult::Decoded { latent, image } => Some((latent, image)),
        _ => None,
    });
    assert_eq!(latent, vec![0.25, -1.0]);
    assert_eq!(image.len(), 28 * 28);
}

#[test]
fn absurd_sweep_and_morph_sizes_are_errors_not_crashes() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadModel(ModelSource::Bundled));
    for size in [1usize << 32, 1_000_000, usize::MAX, 0] {
        let spec = GridSpec { size, ..GridSpec::default() };
        let request = GridRequest {
            spec,
            projection: Projection::Dims { x: 0, y: 1 },
            base: vec![0.0, 0.0],
            spacing: Spacing::Linear,
            cells: None,
        };
        service.request(InferenceRequest::views(ViewRequests { grid: Some(request), ..ViewRequests::default() }));
        let error = wait_for_any(&service, |result| match result {
            InferenceResult::Failed(error) => Some(error),
            _ => None,
        });
        assert!(matches!(error, InferenceError::GridSize { size: got, .. } if got == size), "{error}");
    }
    let morph = MorphRequest {
        from: vec![0.0, 0.0],
        to: vec![1.0, 1.0],
        t: 0.5,
        steps: 1 << 40,
        interpolation: vae_explorer::latent::Interpolation::Linear,
    };
    service.request(InferenceRequest::views(ViewRequests { morph: Some(morph), ..ViewRequests::default() }));
    let error = wait_for_any(&service, |result| match result {
        InferenceResult::Failed(error) => Some(error),
        _ => None,
    });
    assert!(matches!(error, InferenceError::MorphSteps { .. }), "{error}");
    service.request(InferenceRequest::views(ViewRequests { samples: Some(3), ..ViewRequests::default() }));
    let images = wait_for(&service, |result| match result {
        InferenceResult::Samples { images, .. } => Some(images),
        _ => None,
    });
    assert_eq!(images.len(), 64 * 28 * 28);
}

#[test]
fn a_flood_of_requests_loses_nothing_the_last_one_is_answered() {
    let service = InferenceService::spawn(|| {}).expect("inference thread");
    service.request(InferenceRequest::LoadModel(ModelSource::Bundled));
    let count = 20_000;
    for index in 0..count {
        let x = index as f32 / count as f32;
        assert!(
            service.request(InferenceRequest::views(ViewRequests {
                decode: Some(vec![x, -x]),
                ..ViewRequests::default()
            })),
            "request {index} refused"
        );
        assert!(
            service.request(InferenceRequest::views(ViewRequests {
                samples: Some(index as u64),
                ..ViewRequests::default()
            })),
            "request {index} refused"
        );
    }
    let last = (count - 1) as f32 / count as f32;
    let (mut decoded, mut last_decoded, mut last_samples) = (0, false, false);
    wait_for(&service, |result| {
        match result {
            InferenceResult::Decoded { latent, .. } => {
                decoded += 1;
                last_decoded |= latent == vec![last, -last];
            }
            InferenceResult::Samples { seed, .. } => last_samples |= seed == count as u64 - 1,
            _ => {}
        }
        (last_decoded && last_samples).then_some(())
    });
    assert!(decoded <= count, "{decoded} decodes for {count} requests");
}
