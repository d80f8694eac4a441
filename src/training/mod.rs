//! Training a VAE: configuration, the loop, evaluation and the figures it reports.

mod adam;
mod config;
mod divergence;
mod evaluate;
mod heldout_lpips;
mod heldout_quality;
mod host_adam;
mod importance_weighted;
pub mod limits;
mod logit_bound;
mod loss_choice;
mod memory_estimate;
mod metrics;
mod perceptual_term;
mod plain_elbo;
mod schedule;
mod sharded_step;
mod trainer;

pub use config::{DEFAULT_LIKELIHOOD_SCALE, MAX_BATCH_SIZE, MAX_BETA, MAX_EPOCHS, MAX_GLOBAL_STEP, TrainingConfig};
pub use divergence::{Diverged, EXPLOSION_FACTOR, ExplosionLimit};
pub use evaluate::evaluate;
pub use heldout_lpips::{LPIPS_IMAGES, heldout_lpips_of_first};
pub use heldout_quality::{QualityReport, heldout_quality, heldout_quality_of_first};
pub use importance_weighted::importance_weighted_nll_nats;
pub use loss_choice::LossChoice;
pub use memory_estimate::{check_training_memory, training_bytes};
pub use metrics::{EpochQuality, EpochReport, LossAccumulator, LossParts, StepReport};
pub use perceptual_term::PerceptualTerm;
pub use plain_elbo::neg_elbo_of;
pub use schedule::{LrSchedule, RECIPE_FINAL_FRACTION, RECIPE_WARMUP_EPOCHS, RESUME_WARMUP_EPOCHS};
pub use trainer::{Control, QUALITY_IMAGES_PER_EPOCH, Trainer, TrainingObserver};
