//! Training hyper-parameters, with the defaults of the issue and the command line.

use serde::{Deserialize, Serialize};

use crate::model::{ReconstructionLoss, VaeConfig};

/// Everything that decides how a VAE is trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingConfig {
    /// The model to train.
    pub model: VaeConfig,
    /// Reconstruction term of the loss.
    pub loss: ReconstructionLoss,
    /// Weight of the KL term (β-VAE); 1 is the plain ELBO.
    pub beta: f64,
    /// Epochs over which β ramps up linearly from 0; 0 disables warm-up.
    pub kl_warmup_epochs: usize,
    /// Adam's learning rate.
    pub learning_rate: f64,
    /// Images per step.
    pub batch_size: usize,
    /// Epochs to train in total (a resumed run counts the epochs already done).
    pub epochs: usize,
    /// Seed for weights, batch order and sampling.
    pub seed: u64,
}

impl Default for TrainingConfig {
    fn default() -> Self {
        Self {
            model: VaeConfig::new(),
            loss: ReconstructionLoss::Bce,
            beta: 1.0,
            kl_warmup_epochs: 0,
            learning_rate: 1e-3,
            batch_size: 128,
            epochs: 10,
            seed: 42,
        }
    }
}

impl TrainingConfig {
    /// Checks every field, with a message that says what to change.
    pub fn validate(&self) -> Result<(), String> {
        self.model.validate()?;
        if !(self.beta.is_finite() && self.beta >= 0.0) {
            return Err(format!("β must be a finite number ≥ 0, not {}", self.beta));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0 && self.learning_rate < 1.0) {
            return Err(format!("learning rate must be between 0 and 1, not {}", self.learning_rate));
        }
        if !(1..=8192).contains(&self.batch_size) {
            return Err(format!("batch size must be 1 to 8192, not {}", self.batch_size));
        }
        if self.epochs == 0 {
            return Err("train for at least 1 epoch".to_string());
        }
        Ok(())
    }

    /// The KL weight at a fractional epoch position (0.0 = start of training).
    pub fn kl_weight(&self, epoch_position: f64) -> f64 {
        if self.kl_warmup_epochs == 0 {
            return self.beta;
        }
        self.beta * (epoch_position / self.kl_warmup_epochs as f64).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kl_weight_ramps_during_warmup() {
        let config = TrainingConfig { beta: 2.0, kl_warmup_epochs: 4, ..TrainingConfig::default() };
        assert_eq!(config.kl_weight(0.0), 0.0);
        assert_eq!(config.kl_weight(1.0), 0.5);
        assert_eq!(config.kl_weight(9.0), 2.0);
        assert_eq!(TrainingConfig::default().kl_weight(0.0), 1.0);
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let zero_batch = TrainingConfig { batch_size: 0, ..TrainingConfig::default() };
        assert!(zero_batch.validate().unwrap_err().contains("batch size"));
        let mut huge_latent = TrainingConfig::default();
        huge_latent.model.latent_dim = 65;
        assert!(huge_latent.validate().unwrap_err().contains("latent dimension"));
    }
}
