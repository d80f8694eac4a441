//! Tests of the host Adam against burn's Adam.

use burn::optim::{AdamConfig, ModuleOptimizer};

use super::*;

#[derive(Module, Debug)]
struct Weights {
    values: Param<Tensor<2>>,
}

fn weights(device: &Device) -> Weights {
    let values = Tensor::<2>::from_data([[0.5, -1.0, 2.0], [0.0, 3.0, -0.25]], device);
    Weights { values: Param::from_tensor(values) }
}

/// A loss whose gradient changes every step.
fn gradients(model: &Weights, step: usize) -> GradientsParams {
    let loss = (model.values.val() * model.values.val()).sum() * step as f32 + model.values.val().sum();
    GradientsParams::from_grads(loss.backward(), model)
}

fn values(model: &Weights) -> Vec<f32> {
    model.values.val().into_data().try_to_vec::<f32>().expect("f32 data")
}

#[test]
fn a_clone_kept_by_someone_else_keeps_its_values() {
    let device = Device::flex().autodiff();
    let mut model = weights(&device);
    let mut adam = HostAdam::default();
    for step in 1..=3 {
        let snapshot = model.clone();
        let before = values(&snapshot);
        let grads = vec![ShardGradients::from(gradients(&model, step))];
        model = adam.step(0.1, model, grads);
        assert_eq!(values(&snapshot), before, "the step changed a clone it was not given");
        assert_ne!(values(&model), before, "the step did not move the model");
    }
}

#[test]
fn matches_burns_adam_and_sums_gradient_sets() {
    let device = Device::flex().autodiff();
    let (mut ours, mut burns) = (weights(&device), weights(&device));
    let mut host_adam = HostAdam::default();
    let mut burn_adam: ModuleOptimizer = AdamConfig::new().init();
    for step in 1..=5 {
        // Ours sees the gradient as two halves that must be summed.
        let halves = vec![gradients(&ours, step).into(), gradients(&ours, step).into()];
        ours = host_adam.step(0.1, ours, halves);
        let doubled = {
            let loss =
                (burns.values.val() * burns.values.val()).sum() * (2 * step) as f32 + burns.values.val().sum() * 2.0;
            GradientsParams::from_grads(loss.backward(), &burns)
        };
        burns = burn_adam.step(0.1, burns, doubled);
    }
    let (ours, burns) = (values(&ours), values(&burns));
    for (got, want) in ours.iter().zip(&burns) {
        assert!((got - want).abs() < 1e-5, "{ours:?} != {burns:?}");
    }
    let start = [0.5, -1.0, 2.0, 0.0, 3.0, -0.25];
    assert!(ours.iter().zip(start).all(|(now, before)| (now - before).abs() > 0.1), "{ours:?}");
}
