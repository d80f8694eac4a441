//! Training a VAE: configuration, the loop, evaluation and the figures it reports.

mod adam;
mod config;
mod evaluate;
mod host_adam;
mod metrics;
mod sharded_step;
mod trainer;

pub use config::TrainingConfig;
pub use evaluate::evaluate;
pub use metrics::{EpochReport, LossAccumulator, LossParts, StepReport};
pub use trainer::{Control, Trainer, TrainingObserver};
