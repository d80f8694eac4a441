//! Training a VAE: configuration, the loop, evaluation and the figures it reports.

mod config;
mod evaluate;
mod metrics;
mod trainer;

pub use config::TrainingConfig;
pub use evaluate::evaluate;
pub use metrics::{EpochReport, LossAccumulator, LossParts, StepReport};
pub use trainer::{Control, Trainer, TrainingObserver};
