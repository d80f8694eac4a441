//! The fused losses' arithmetic on host slices: no tensors, so it can be read and tested alone.
//!
//! The transcendental functions are written out as short polynomials without branches, so the
//! compiler vectorises the loops (the standard library's `exp` and `ln_1p` are scalar calls).

use std::f32::consts::{LN_2, LOG2_E};

/// Values handled side by side: each row's loss is summed in this many partial sums.
const LANES: usize = 8;

/// e^(−a) for a ≥ 0 (NaN and +∞ give 2^−126 ≈ 1e−38, which is 0 beside 1), within 2e−6 relative up to
/// a = 40 (the polynomial is good to 5e−9; the rest is the rounding of a·log₂e, which grows with a).
#[inline(always)]
fn exp_neg(a: f32) -> f32 {
    // Adding 1.5·2^23 to a float of magnitude below 2^22 rounds it to the nearest integer k and leaves
    // k in the sum's low mantissa bits: integer arithmetic on those bits gives 2^k without a
    // float-to-int conversion, so the loop vectorises.
    const ROUND: f32 = 12_582_912.0;
    let t = (-a * LOG2_E).max(-126.0);
    let shifted = t + ROUND;
    let k = shifted - ROUND;
    let y = (t - k) * LN_2; // |y| ≤ ln 2 / 2
    // e^y to y⁷/7!: the rest is below 0.35⁸/8! ≈ 5e−9.
    let poly = 1.0
        + y * (1.0
            + y * (0.5 + y * (1.0 / 6.0 + y * (1.0 / 24.0 + y * (1.0 / 120.0 + y * (1.0 / 720.0 + y / 5040.0))))));
    // k + 127 in [1, 127] as the exponent field: 2^k.
    let scale = f32::from_bits(shifted.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127) << 23);
    poly * scale
}

/// ln(1 + u) for u in [0, 1], as 2·atanh(s) with s = u / (2 + u) ≤ 1/3, to s¹⁵: the series is good to
/// 1e−9; f32 rounding leaves about 2e−7 relative.
#[inline(always)]
fn ln_1p_unit(u: f32) -> f32 {
    let s = u / (2.0 + u);
    let s2 = s * s;
    let series = 1.0
        + s2 * (1.0 / 3.0
            + s2 * (1.0 / 5.0
                + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 / 15.0))))));
    2.0 * s * series
}

/// A per-value negative log-likelihood of the decoder's logit z against the target x: the loss
/// and its gradient with respect to z. Each is one short branch-free formula, so a row's loop over
/// it vectorises.
pub trait ValueLoss: Copy {
    /// (loss, d loss / d z) of one value.
    fn one(self, logit: f32, target: f32) -> (f32, f32);

    /// What every value adds to its row's loss besides [`ValueLoss::one`] (the likelihood's
    /// normaliser): added once per row as `values × constant`, not value by value.
    fn constant(self) -> f32 {
        0.0
    }
}

/// σ(z) and σ(z)·(1 − σ(z)), from e^−|z| (the same on both sides of 0, so no overflow).
#[inline(always)]
fn sigmoid_and_slope(logit: f32) -> (f32, f32, f32) {
    let tail = exp_neg(logit.abs());
    let inverse = 1.0 / (1.0 + tail);
    let sigmoid = if logit >= 0.0 { inverse } else { tail * inverse };
    (sigmoid, tail * inverse * inverse, tail)
}

/// The Bernoulli likelihood (BCE): −[x log σ(z) + (1 − x) log(1 − σ(z))], computed stably as
/// max(z, 0) − z·x + ln(1 + e^−|z|); its gradient is σ(z) − x.
#[derive(Clone, Copy, Debug)]
pub struct Bernoulli;

impl ValueLoss for Bernoulli {
    #[inline(always)]
    fn one(self, logit: f32, target: f32) -> (f32, f32) {
        let (sigmoid, _, tail) = sigmoid_and_slope(logit);
        let loss = logit.max(0.0) - logit * target + ln_1p_unit(tail);
        (loss, sigmoid - target)
    }
}

/// A Gaussian of standard deviation σ around μ = σ(z): (μ − x)²/(2σ²) + ½ ln(2πσ²); its gradient
/// is (μ − x)/σ² · μ(1 − μ).
#[derive(Clone, Copy, Debug)]
pub struct Gaussian {
    /// 1/σ².
    inverse_variance: f32,
    /// ½ ln(2πσ²).
    normaliser: f32,
}

impl Gaussian {
    /// The Gaussian of standard deviation `sigma` (in pixel units).
    pub fn new(sigma: f64) -> Self {
        let variance = sigma * sigma;
        Self {
            inverse_variance: (1.0 / variance) as f32,
            normaliser: (0.5 * (2.0 * std::f64::consts::PI * variance).ln()) as f32,
        }
    }
}

impl ValueLoss for Gaussian {
    #[inline(always)]
    fn one(self, logit: f32, target: f32) -> (f32, f32) {
        let (mean, slope, _) = sigmoid_and_slope(logit);
        let error = mean - target;
        (0.5 * error * error * self.inverse_variance, error * self.inverse_variance * slope)
    }

    fn constant(self) -> f32 {
        self.normaliser
    }
}

/// A Laplace of scale b around μ = σ(z): |μ − x|/b + ln(2b); its gradient is sign(μ − x)/b ·
/// μ(1 − μ), 0 where μ = x (as burn's `abs` takes it).
#[derive(Clone, Copy, Debug)]
pub struct Laplace {
    /// 1/b.
    inverse_scale: f32,
    /// ln(2b).
    normaliser: f32,
}

impl Laplace {
    /// The Laplace of scale `b` (in pixel units).
    pub fn new(b: f64) -> Self {
        Self { inverse_scale: (1.0 / b) as f32, normaliser: (2.0 * b).ln() as f32 }
    }
}

impl ValueLoss for Laplace {
    #[inline(always)]
    fn one(self, logit: f32, target: f32) -> (f32, f32) {
        let (mean, slope, _) = sigmoid_and_slope(logit);
        let error = mean - target;
        let sign = if error > 0.0 {
            1.0
        } else if error < 0.0 {
            -1.0
        } else {
            0.0
        };
        (error.abs() * self.inverse_scale, sign * self.inverse_scale * slope)
    }

    fn constant(self) -> f32 {
        self.normaliser
    }
}

/// Per-row negative log-likelihood under `likelihood` of `logits` against `targets` (both
/// [rows, values], row-major), written to `losses` ([rows]); with `gradients` ([rows, values]),
/// each value's d loss / d z there too.
///
/// Runs with the widest vector instructions the CPU has (AVX2 where present, detected at run time
/// by `pulp`, which gemm uses too); without fast-math the compiler fuses no multiply-adds, so every
/// path gives the same bits.
pub fn loss_rows<L: ValueLoss>(
    likelihood: L,
    logits: &[f32],
    targets: &[f32],
    values: usize,
    losses: &mut [f32],
    gradients: Option<&mut [f32]>,
) {
    pulp::Arch::new().dispatch(LossRows { likelihood, logits, targets, values, losses, gradients });
}

/// The arguments of [`loss_rows`], for `pulp` to compile its loop once per instruction set.
struct LossRows<'a, L> {
    likelihood: L,
    logits: &'a [f32],
    targets: &'a [f32],
    values: usize,
    losses: &'a mut [f32],
    gradients: Option<&'a mut [f32]>,
}

impl<L: ValueLoss> pulp::WithSimd for LossRows<'_, L> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        let LossRows { likelihood, logits, targets, values, losses, mut gradients } = self;
        if values == 0 {
            losses.fill(0.0);
            return;
        }
        let normaliser = likelihood.constant() * values as f32;
        let body = values / LANES * LANES;
        for (row, loss) in losses.iter_mut().enumerate() {
            let range = row * values..(row + 1) * values;
            let (logits, targets) = (&logits[range.clone()], &targets[range.clone()]);
            let mut gradients = gradients.as_deref_mut().map(|gradients| &mut gradients[range]);
            let mut sums = [0.0f32; LANES];
            for start in (0..body).step_by(BLOCK) {
                let block = start..(start + BLOCK).min(body);
                let block_gradients = gradients.as_deref_mut().map(|gradients| &mut gradients[block.clone()]);
                loss_block(likelihood, &logits[block.clone()], &targets[block], block_gradients, &mut sums);
            }
            let mut tail_sum = 0.0f32;
            for (index, (&z, &x)) in logits.iter().zip(targets).enumerate().skip(body) {
                let (value, gradient) = likelihood.one(z, x);
                tail_sum += value;
                if let Some(gradients) = gradients.as_deref_mut() {
                    gradients[index] = gradient;
                }
            }
            *loss = sums.iter().sum::<f32>() + tail_sum + normaliser;
        }
    }
}

/// Values per block of [`loss_block`]: its losses stay in registers and L1.
const BLOCK: usize = 64;

/// The loss of up to [`BLOCK`] values (a multiple of [`LANES`]), value i added to `sums[i % LANES]`
/// (the same order as a plain loop over lanes, so the same bits), and each gradient into
/// `gradients`. Written as loops without a carried sum so the compiler vectorises them.
#[inline(always)]
fn loss_block<L: ValueLoss>(
    likelihood: L,
    logits: &[f32],
    targets: &[f32],
    gradients: Option<&mut [f32]>,
    sums: &mut [f32; LANES],
) {
    let mut block_losses = [0.0f32; BLOCK];
    let block_losses = &mut block_losses[..logits.len()];
    match gradients {
        Some(gradients) => {
            for (((&z, &x), loss), gradient) in logits.iter().zip(targets).zip(block_losses.iter_mut()).zip(gradients) {
                (*loss, *gradient) = likelihood.one(z, x);
            }
        }
        None => {
            for ((&z, &x), loss) in logits.iter().zip(targets).zip(block_losses.iter_mut()) {
                *loss = likelihood.one(z, x).0;
            }
        }
    }
    for group in block_losses.chunks_exact(LANES) {
        for (sum, &loss) in sums.iter_mut().zip(group) {
            *sum += loss;
        }
    }
}

/// Multiplies every row of `gradients` ([rows, values]) by its row's factor in `row_factors` ([rows]).
pub fn scale_rows(gradients: &mut [f32], values: usize, row_factors: &[f32]) {
    if values == 0 {
        return;
    }
    for (row, &factor) in gradients.chunks_exact_mut(values).zip(row_factors) {
        row.iter_mut().for_each(|value| *value *= factor);
    }
}

/// Per-row KL(N(μ, e^v) ‖ N(0, 1)) = ½ Σ (μ² + e^v − v − 1) of `means` and `log_vars`
/// ([rows, latent]), in nats: [rows].
pub fn gaussian_kl_rows(means: &[f32], log_vars: &[f32], latent: usize) -> Vec<f32> {
    if latent == 0 {
        return vec![0.0; means.len()];
    }
    means
        .chunks_exact(latent)
        .zip(log_vars.chunks_exact(latent))
        .map(|(means, log_vars)| {
            let sum: f32 = means.iter().zip(log_vars).map(|(&m, &v)| m * m + v.exp() - v - 1.0).sum();
            0.5 * sum
        })
        .collect()
}

/// The KL's gradients for upstream gradients `row_grads` ([rows]): g·μ for the means and
/// g·½(e^v − 1) for the log-variances, each [rows, latent].
pub fn gaussian_kl_gradients(
    means: &[f32],
    log_vars: &[f32],
    latent: usize,
    row_grads: &[f32],
) -> (Vec<f32>, Vec<f32>) {
    let mut mean_grads = Vec::with_capacity(means.len());
    let mut log_var_grads = Vec::with_capacity(log_vars.len());
    if latent == 0 {
        return (mean_grads, log_var_grads);
    }
    for ((means, log_vars), &g) in means.chunks_exact(latent).zip(log_vars.chunks_exact(latent)).zip(row_grads) {
        mean_grads.extend(means.iter().map(|&m| g * m));
        log_var_grads.extend(log_vars.iter().map(|&v| g * 0.5 * (v.exp() - 1.0)));
    }
    (mean_grads, log_var_grads)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polynomial_exp_and_ln_1p_match_the_standard_library() {
        for step in 0..=4000 {
            let a = step as f32 * 0.01; // 0 to 40
            let (got, want) = (exp_neg(a), (-a).exp());
            assert!((got - want).abs() <= 2e-6 * want + 1e-37, "e^-{a}: {got} != {want}");
        }
        for step in 0..=1000 {
            let u = step as f32 / 1000.0;
            let (got, want) = (ln_1p_unit(u), u.ln_1p());
            assert!((got - want).abs() <= 5e-7 * want.max(1e-30) + 1e-9, "ln(1 + {u}): {got} != {want}");
        }
        assert!(exp_neg(f32::INFINITY) < 1e-37 && exp_neg(200.0) < 1e-37);
    }

    #[test]
    fn bce_rows_handle_a_tail_shorter_than_the_lanes() {
        // 11 values: one chunk of 8 and a tail of 3; z = 0 and x = 1 everywhere: ln 2 each, gradient −½.
        let (logits, targets) = (vec![0.0; 22], vec![1.0; 22]);
        let mut losses = vec![0.0; 2];
        let mut gradients = vec![0.0; 22];
        loss_rows(Bernoulli, &logits, &targets, 11, &mut losses, Some(&mut gradients));
        for loss in losses {
            assert!((loss - 11.0 * 2f32.ln()).abs() < 1e-5, "{loss}");
        }
        assert!(gradients.iter().all(|&g| (g + 0.5).abs() < 1e-7), "{gradients:?}");
    }
}
