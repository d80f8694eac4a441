//! Where a latent slider's handle puts its value: evenly over ±r, at the prior's quantiles, or at
//! the percentiles of the scatter's encoder means along that dimension. The handle's position runs
//! from 0 to 1; the scale maps it to a latent value and back. No egui here.

use super::LatentCloud;
use super::{Spacing, normal_quantile, percentile};

/// Prior probability left beyond each end of a quantile slider: the ends sit at Φ⁻¹(0.001) ≈ −3.09
/// and Φ⁻¹(0.999) ≈ 3.09.
pub const QUANTILE_TAIL: f64 = 0.001;

/// How one slider maps its handle's position in [0, 1] to a latent value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SliderScale<'a> {
    /// Evenly from −radius to radius.
    Linear {
        /// Half-width of the range.
        radius: f32,
    },
    /// Position p is the prior probability below the value (between the tails): equal moves of
    /// the handle cross equal prior mass.
    Quantile,
    /// Position p is the fraction of the scatter's means below the value along this dimension.
    Data {
        /// This dimension's encoder means over the scatter, ascending (at least one).
        sorted: &'a [f32],
    },
}

impl SliderScale<'_> {
    /// The latent value at handle position `position` (clamped to [0, 1]).
    pub fn value_at(&self, position: f64) -> f32 {
        let position = if position.is_nan() { 0.5 } else { position.clamp(0.0, 1.0) };
        match *self {
            Self::Linear { radius } => radius * (2.0 * position as f32 - 1.0),
            Self::Quantile => normal_quantile(QUANTILE_TAIL + (1.0 - 2.0 * QUANTILE_TAIL) * position) as f32,
            Self::Data { sorted } => percentile(sorted, position),
        }
    }

    /// The handle position of `value`: the inverse of [`Self::value_at`], clamped to [0, 1].
    pub fn position_of(&self, value: f32) -> f64 {
        if value.is_nan() {
            return 0.5;
        }
        let position = match *self {
            Self::Linear { radius } => f64::from((value / radius + 1.0) / 2.0),
            Self::Quantile => (normal_cdf(f64::from(value)) - QUANTILE_TAIL) / (1.0 - 2.0 * QUANTILE_TAIL),
            Self::Data { sorted } => data_position(sorted, value),
        };
        if position.is_nan() { 0.5 } else { position.clamp(0.0, 1.0) }
    }

    /// The values at both ends of the slider.
    pub fn range(&self) -> [f32; 2] {
        [self.value_at(0.0), self.value_at(1.0)]
    }
}

/// Φ, the standard normal's distribution function, by bisection on [`normal_quantile`] (so the
/// two are each other's inverse to the bisection's precision, 2⁻⁶⁰).
pub fn normal_cdf(z: f64) -> f64 {
    let (mut low, mut high) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let middle = 0.5 * (low + high);
        if normal_quantile(middle) < z {
            low = middle;
        } else {
            high = middle;
        }
    }
    0.5 * (low + high)
}

/// Where `value` falls among ascending `sorted`, interpolated between order statistics (the
/// inverse of [`percentile`]).
fn data_position(sorted: &[f32], value: f32) -> f64 {
    let Some(last) = sorted.len().checked_sub(1).filter(|&last| last > 0) else { return 0.5 };
    let above = sorted.partition_point(|&sample| sample <= value);
    if above == 0 {
        return 0.0;
    }
    if above > last {
        return 1.0;
    }
    let below = above - 1;
    let fraction = f64::from((value - sorted[below]) / (sorted[above] - sorted[below]));
    (below as f64 + fraction) / last as f64
}

/// Each dimension's encoder means over the scatter, sorted, kept until the scatter changes.
#[derive(Default)]
pub struct DataRanges {
    generation: Option<u64>,
    sorted: Vec<Vec<f32>>,
}

impl DataRanges {
    /// Re-sorts when `cloud` (with its generation) is not the one sorted last; no cloud, or one of
    /// another latent size than `latent_dim`, leaves nothing.
    pub fn update(&mut self, cloud: Option<(&LatentCloud, u64)>, latent_dim: usize) {
        let Some((cloud, generation)) = cloud.filter(|(cloud, _)| cloud.latent_dim == latent_dim && !cloud.is_empty())
        else {
            self.generation = None;
            self.sorted.clear();
            return;
        };
        if self.generation == Some(generation) {
            return;
        }
        self.generation = Some(generation);
        self.sorted = (0..latent_dim)
            .map(|dim| {
                let mut values: Vec<f32> = cloud.means.chunks_exact(latent_dim).map(|mean| mean[dim]).collect();
                values.sort_by(f32::total_cmp);
                values
            })
            .collect();
    }

    /// The scale `spacing` gives dimension `dim`; data spacing without data falls back to linear.
    pub fn scale(&self, spacing: Spacing, radius: f32, dim: usize) -> SliderScale<'_> {
        match spacing {
            Spacing::Linear => SliderScale::Linear { radius },
            Spacing::Quantile => SliderScale::Quantile,
            Spacing::Data => match self.sorted.get(dim).filter(|sorted| !sorted.is_empty()) {
                Some(sorted) => SliderScale::Data { sorted },
                None => SliderScale::Linear { radius },
            },
        }
    }

    /// True when the scatter's means are at hand.
    pub fn has_data(&self) -> bool {
        !self.sorted.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_scales_span_plus_minus_the_radius() {
        let scale = SliderScale::Linear { radius: 2.0 };
        assert_eq!(scale.range(), [-2.0, 2.0]);
        assert_eq!(scale.value_at(0.75), 1.0);
        assert_eq!(scale.position_of(1.0), 0.75);
        assert_eq!(scale.position_of(9.0), 1.0);
    }

    #[test]
    fn quantile_scales_cross_equal_prior_mass() {
        let scale = SliderScale::Quantile;
        assert!(scale.value_at(0.5).abs() < 1e-6);
        let [low, high] = scale.range();
        assert!((high - 3.090_232).abs() < 1e-4 && (low + high).abs() < 1e-5, "{low} {high}");
        // Φ(1) ≈ 0.841345: the handle sits there, up to the tails' rescaling.
        let expected = (0.841_344_746 - QUANTILE_TAIL) / (1.0 - 2.0 * QUANTILE_TAIL);
        assert!((scale.position_of(1.0) - expected).abs() < 1e-7);
        for position in [0.0, 0.1, 0.37, 0.5, 0.9, 1.0] {
            assert!((scale.position_of(scale.value_at(position)) - position).abs() < 1e-6, "{position}");
        }
    }

    #[test]
    fn data_scales_follow_the_percentiles_and_invert() {
        let sorted = [-3.0, 0.0, 1.0, 1.0, 5.0];
        let scale = SliderScale::Data { sorted: &sorted };
        assert_eq!(scale.range(), [-3.0, 5.0]);
        assert_eq!(scale.value_at(0.125), -1.5);
        assert_eq!(scale.position_of(-1.5), 0.125);
        assert_eq!(scale.position_of(3.0), 0.875);
        assert_eq!(scale.position_of(-7.0), 0.0);
        assert_eq!(scale.position_of(7.0), 1.0);
        assert_eq!(SliderScale::Data { sorted: &[2.0] }.position_of(2.0), 0.5);
    }

    #[test]
    fn not_a_number_sits_in_the_middle() {
        assert_eq!(SliderScale::Quantile.position_of(f32::NAN), 0.5);
        assert_eq!(SliderScale::Linear { radius: 1.0 }.value_at(f64::NAN), 0.0);
    }
}
