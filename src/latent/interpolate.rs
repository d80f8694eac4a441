//! Paths between two latent points: straight lines and great circles (slerp).

use serde::{Deserialize, Serialize};

/// How a morph travels from A to B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
pub enum Interpolation {
    /// (1 − t)·A + t·B.
    #[default]
    Linear,
    /// Spherical: keeps the norm near the prior's typical shell in high dimensions.
    Spherical,
}

impl Interpolation {
    /// The point a fraction `t` (0 to 1) of the way from `from` to `to`.
    pub fn at(self, from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
        match self {
            Self::Linear => lerp(from, to, t),
            Self::Spherical => slerp(from, to, t),
        }
    }

    /// `steps` points from `from` to `to`, both included: [steps, dim] row-major.
    pub fn path(self, from: &[f32], to: &[f32], steps: usize) -> Vec<f32> {
        let steps = steps.max(2);
        (0..steps).flat_map(|step| self.at(from, to, step as f32 / (steps - 1) as f32)).collect()
    }
}

fn lerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    from.iter().zip(to).map(|(a, b)| a + (b - a) * t).collect()
}

/// Spherical interpolation of the directions, with the norm interpolated linearly; falls back to
/// a straight line when the points are (anti)parallel or at the origin.
fn slerp(from: &[f32], to: &[f32], t: f32) -> Vec<f32> {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (norm_from, norm_to) = (norm(from), norm(to));
    if norm_from < 1e-6 || norm_to < 1e-6 {
        return lerp(from, to, t);
    }
    let cos = from.iter().zip(to).map(|(a, b)| a * b).sum::<f32>() / (norm_from * norm_to);
    let angle = cos.clamp(-1.0, 1.0).acos();
    if angle.sin().abs() < 1e-4 {
        return lerp(from, to, t);
    }
    let weight_from = ((1.0 - t) * angle).sin() / angle.sin();
    let weight_to = (t * angle).sin() / angle.sin();
    let radius = norm_from + (norm_to - norm_from) * t;
    let direction: Vec<f32> =
        from.iter().zip(to).map(|(a, b)| weight_from * a / norm_from + weight_to * b / norm_to).collect();
    let direction_norm = norm(&direction).max(1e-12);
    direction.iter().map(|x| x / direction_norm * radius).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5)
    }

    #[test]
    fn both_interpolations_start_at_a_and_end_at_b() {
        let (a, b) = ([1.0, 0.0, 2.0], [-1.0, 3.0, 0.5]);
        for mode in [Interpolation::Linear, Interpolation::Spherical] {
            assert!(close(&mode.at(&a, &b, 0.0), &a), "{mode:?}");
            assert!(close(&mode.at(&a, &b, 1.0), &b), "{mode:?}");
        }
    }

    #[test]
    fn slerp_follows_the_circle() {
        let (a, b) = ([1.0, 0.0], [0.0, 1.0]);
        let half = Interpolation::Spherical.at(&a, &b, 0.5);
        let s = std::f32::consts::FRAC_1_SQRT_2;
        assert!(close(&half, &[s, s]), "{half:?}");
        assert!(close(&Interpolation::Linear.at(&a, &b, 0.5), &[0.5, 0.5]));
    }

    #[test]
    fn a_path_has_the_requested_steps() {
        let path = Interpolation::Linear.path(&[0.0, 0.0], &[1.0, 2.0], 5);
        assert_eq!(path.len(), 10);
        assert!(close(&path[2..4], &[0.25, 0.5]));
    }
}
