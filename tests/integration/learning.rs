//! The VAE learns the bundled digits on the CPU device.

use std::sync::Arc;

use burn::prelude::*;
use vae_explorer::data::DataSource;
use vae_explorer::model::{Architecture, VaeConfig};
use vae_explorer::training::{Trainer, TrainingConfig};

use crate::conv_colour::{FewSteps, colour_dataset};
use crate::support::Quiet;

/// Held-out −ELBO after 2 epochs must be below this. Measured: 195.9 after epoch 1, 184.1 after
/// epoch 2 (seed 42, CPU device); one epoch of training does not pass it.
const TWO_EPOCH_NEG_ELBO_LIMIT_NATS: f64 = 190.0;

#[test]
fn two_epochs_bring_heldout_neg_elbo_below_the_limit() {
    let dataset = Arc::new(DataSource::Bundled.load().expect("bundled data"));
    let config = TrainingConfig { epochs: 2, ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, dataset, &Device::flex()).expect("valid config");
    let reports = trainer.run(&mut Quiet).expect("no divergence");
    assert_eq!(reports.len(), 2);
    let first = reports[0].heldout.neg_elbo_nats();
    let last = reports[1].heldout.neg_elbo_nats();
    eprintln!("held-out −ELBO: epoch 1 {first:.2}, epoch 2 {last:.2} nats");
    assert!(last < TWO_EPOCH_NEG_ELBO_LIMIT_NATS, "held-out −ELBO {last:.2} nats");
    assert!(last < first, "no progress: {first:.2} → {last:.2}");
}

/// What the model decodes from a few latents after `steps` training steps of `model` with seed 7
/// on 256 made-up 28×28 images, batch 128.
fn decoded_after_training(model: VaeConfig, steps: usize) -> Vec<f32> {
    let dataset = Arc::new(colour_dataset(28, 28, 1, 256, 16));
    let config = TrainingConfig { model, batch_size: 128, seed: 7, ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, dataset, &Device::flex()).expect("valid config");
    if steps > 0 {
        let mut observer = FewSteps { limit: steps, losses: Vec::new() };
        trainer.run(&mut observer).expect("no divergence");
        assert_eq!(observer.losses.len(), steps);
    }
    let latents = Tensor::<2>::from_data([[0.5, -1.0], [-2.0, 0.25]], &Device::flex());
    trainer.model().valid().decode(latents).into_data().try_to_vec::<f32>().expect("f32 data")
}

#[test]
fn the_same_seed_trains_the_same_model_bit_for_bit() {
    // Both architectures: the shards, Adam and the conv passes all run on several threads.
    for model in [VaeConfig::new(), VaeConfig::new().with_architecture(Architecture::Conv)] {
        let first = decoded_after_training(model.clone(), 3);
        for _ in 0..3 {
            assert_eq!(decoded_after_training(model.clone(), 3), first, "{:?}", model.architecture);
        }
        let untrained = decoded_after_training(model.clone(), 0);
        assert_ne!(untrained, first, "training must have moved the model");
    }
}
