//! The reconstruction loss a run is asked for: one loss by name, or `auto`, which picks by the
//! pictures' channels once the data is read.

use serde::{Deserialize, Serialize};

use super::TrainingConfig;
use crate::model::{ReconstructionLoss, ScaleFit};

/// The loss the user asked for; resolved into a [`TrainingConfig`]'s loss once the data's
/// channels are known (the CLI after reading `--data`, the window's worker after loading).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LossChoice {
    /// Grey pictures: Bernoulli cross-entropy (bce), the usual choice for digits. Colour pictures:
    /// a Gaussian likelihood (mse) whose σ is learned (the calibrated decoder of Rybkin et al.,
    /// 2021): on the emoji folder it beats bce in held-out PSNR and SSIM at the same cost
    /// (README, "Colour pictures").
    #[default]
    Auto,
    /// This loss, whatever the pictures.
    Chosen(ReconstructionLoss),
}

impl LossChoice {
    /// Every choice, in the order the UI lists them.
    pub const ALL: [Self; 5] = [
        Self::Auto,
        Self::Chosen(ReconstructionLoss::Bce),
        Self::Chosen(ReconstructionLoss::Mse),
        Self::Chosen(ReconstructionLoss::L1),
        Self::Chosen(ReconstructionLoss::MsSsimL1),
    ];

    /// Short lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Chosen(loss) => loss.name(),
        }
    }

    /// The choice `--loss` names: `auto` or a loss's name (case ignored).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        <ReconstructionLoss as clap::ValueEnum>::from_str(text, true).map(Self::Chosen).map_err(|_| {
            let names: Vec<&str> = Self::ALL.iter().map(|choice| choice.name()).collect();
            let shown: String = text.chars().take(40).collect();
            format!("expected one of {}, not {shown:?}", names.join(", "))
        })
    }

    /// The loss this choice means for pictures of `channels` channels.
    pub fn loss_for(self, channels: usize) -> ReconstructionLoss {
        match self {
            Self::Chosen(loss) => loss,
            Self::Auto if channels >= 3 => ReconstructionLoss::Mse,
            Self::Auto => ReconstructionLoss::Bce,
        }
    }

    /// `config` with this choice's loss for pictures of `channels` channels. `Auto` on colour
    /// learns σ unless the user set a scale (`scale_set`); otherwise `config`'s scale settings stay
    /// (so a learned scale asked for where auto picks bce is refused by `validate`).
    pub fn apply(self, config: TrainingConfig, channels: usize, scale_set: bool) -> TrainingConfig {
        let loss = self.loss_for(channels);
        let scale_fit = match (self, loss) {
            (Self::Auto, ReconstructionLoss::Mse) if !scale_set => ScaleFit::Learned,
            _ => config.scale_fit,
        };
        TrainingConfig { loss, scale_fit, ..config }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_bce_for_grey_and_a_learned_gaussian_for_colour_unless_a_scale_was_set() {
        let config = TrainingConfig::default();
        let grey = LossChoice::Auto.apply(config.clone(), 1, false);
        assert_eq!((grey.loss, grey.scale_fit), (ReconstructionLoss::Bce, ScaleFit::Fixed));
        let colour = LossChoice::Auto.apply(config.clone(), 3, false);
        assert_eq!((colour.loss, colour.scale_fit), (ReconstructionLoss::Mse, ScaleFit::Learned));
        let fixed = TrainingConfig { likelihood_scale: 0.05, ..config.clone() };
        let colour_with_scale = LossChoice::Auto.apply(fixed, 3, true);
        assert_eq!((colour_with_scale.loss, colour_with_scale.scale_fit), (ReconstructionLoss::Mse, ScaleFit::Fixed));
        assert_eq!(colour_with_scale.likelihood_scale, 0.05);
        // A learned scale asked for where auto picks bce stays asked for, and is refused by name.
        let learned = TrainingConfig { scale_fit: ScaleFit::Learned, ..config };
        let refused = LossChoice::Auto.apply(learned, 1, true).validate().expect_err("bce has no scale");
        assert!(refused.contains("needs the mse or l1 loss"), "{refused}");
    }

    #[test]
    fn a_chosen_loss_is_kept_whatever_the_pictures_with_its_scale_settings() {
        let config = TrainingConfig { scale_fit: ScaleFit::Fixed, likelihood_scale: 0.2, ..TrainingConfig::default() };
        for channels in [1, 3] {
            let l1 = LossChoice::Chosen(ReconstructionLoss::L1).apply(config.clone(), channels, false);
            assert_eq!((l1.loss, l1.scale_fit, l1.likelihood_scale), (ReconstructionLoss::L1, ScaleFit::Fixed, 0.2));
            let bce = LossChoice::Chosen(ReconstructionLoss::Bce).apply(config.clone(), channels, false);
            assert_eq!(bce.loss, ReconstructionLoss::Bce);
        }
    }

    #[test]
    fn names_parse_back_and_anything_else_is_refused_in_one_line() {
        for choice in LossChoice::ALL {
            assert_eq!(LossChoice::parse(choice.name()), Ok(choice));
        }
        assert_eq!(LossChoice::parse(" AUTO "), Ok(LossChoice::Auto));
        assert_eq!(LossChoice::parse("MSE"), Ok(LossChoice::Chosen(ReconstructionLoss::Mse)));
        for hostile in ["", "auto2", "bce;rm", "\0", "mse\nl1", &"x".repeat(10_000)] {
            let error = LossChoice::parse(hostile).expect_err(hostile);
            assert!(error.starts_with("expected one of auto, bce, mse, l1, ms-ssim-l1"), "{error}");
            assert!(!error.contains('\n') && error.len() < 120, "{error}");
        }
    }
}
