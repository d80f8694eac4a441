//! Tests of pca.

use super::*;

const TOL: f32 = 1e-4;

fn assert_close(actual: &[f32], expected: &[f32], tol: f32) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() <= tol, "{actual:?} != {expected:?} (tolerance {tol})");
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Full factorial design around `offset`: large spread along (1,1,0)/√2, smaller along (0,0,1), tiny along
/// (1,-1,0)/√2. The three coordinates are uncorrelated, so the covariance is exactly diagonal in that basis.
fn known_points(offset: [f32; 3]) -> (Vec<f32>, [f32; 2]) {
    let s = std::f32::consts::FRAC_1_SQRT_2;
    let a_values = [-6.0f32, -2.0, 2.0, 6.0]; // population variance 20
    let b_values = [-1.5f32, 1.5]; // variance 2.25
    let c_values = [-0.01f32, 0.01]; // variance 1e-4
    let mut points = Vec::new();
    for &a in &a_values {
        for &b in &b_values {
            for &c in &c_values {
                points.extend_from_slice(&[offset[0] + s * (a + c), offset[1] + s * (a - c), offset[2] + b]);
            }
        }
    }
    let total = 20.0 + 2.25 + 1e-4;
    (points, [20.0 / total, 2.25 / total])
}

#[test]
fn fit_recovers_known_components_and_ratios() {
    let (points, ratios) = known_points([5.0, -2.0, 3.0]);
    let pca = Pca::fit(&points, 3).expect("fit");
    let s = std::f32::consts::FRAC_1_SQRT_2;
    assert_close(&pca.components()[0], &[s, s, 0.0], TOL);
    assert_close(&pca.components()[1], &[0.0, 0.0, 1.0], TOL);
    assert_close(&pca.explained_variance_ratio(), &ratios, 1e-5);
    assert_close(pca.mean(), &[5.0, -2.0, 3.0], 1e-5);
    assert_eq!(pca.dim(), 3);
}

#[test]
fn component_signs_are_deterministic() {
    let (points, _) = known_points([0.0, 0.0, 0.0]);
    let negated: Vec<f32> = points.iter().map(|v| -v).collect();
    let reordered: Vec<f32> = points.chunks_exact(3).rev().flatten().copied().collect();
    let reference = Pca::fit(&points, 3).expect("fit");
    for other in [&negated, &reordered] {
        let pca = Pca::fit(other, 3).expect("fit");
        for k in 0..2 {
            assert_close(&pca.components()[k], &reference.components()[k], TOL);
        }
    }
    for c in reference.components() {
        let pivot = c.iter().copied().fold(0.0f32, |m, v| if v.abs() > m.abs() { v } else { m });
        assert!(pivot > 0.0);
    }
}

#[test]
fn project_then_inverse_round_trips_points_in_the_span() {
    let (points, _) = known_points([1.0, 2.0, 3.0]);
    let pca = Pca::fit(&points, 3).expect("fit");
    let s = std::f32::consts::FRAC_1_SQRT_2;
    // mean + 4·(1,1,0)/√2 − 0.7·(0,0,1)
    let point = [1.0 + 4.0 * s, 2.0 + 4.0 * s, 3.0 - 0.7];
    let xy = pca.project(&point);
    assert_close(&xy, &[4.0, -0.7], TOL);
    assert_close(&pca.inverse(xy), &point, TOL);
    assert_close(&pca.project(&pca.inverse([-2.5, 1.25])), &[-2.5, 1.25], TOL);
    assert_close(&pca.inverse([0.0, 0.0]), pca.mean(), TOL);
}

#[test]
fn project_all_matches_project() {
    let (points, _) = known_points([0.5, 0.5, 0.5]);
    let pca = Pca::fit(&points, 3).expect("fit");
    let all = pca.project_all(&points);
    assert_eq!(all.len(), points.len() / 3);
    for (xy, p) in all.iter().zip(points.chunks_exact(3)) {
        assert_eq!(*xy, pca.project(p));
    }
}

#[test]
fn inverse_around_keeps_the_orthogonal_part_of_base() {
    let (points, _) = known_points([1.0, -1.0, 0.0]);
    let pca = Pca::fit(&points, 3).expect("fit");
    let s = std::f32::consts::FRAC_1_SQRT_2;
    let orthogonal = [s, -s, 0.0];
    let base = [1.0 + 2.0 * s + 0.3 * s, -1.0 + 2.0 * s - 0.3 * s, 0.9];
    let target = [-1.5, 0.25];
    let moved = pca.inverse_around(target, &base);
    assert_close(&pca.project(&moved), &target, TOL);
    let offset_base: Vec<f32> = base.iter().zip(pca.mean()).map(|(b, m)| b - m).collect();
    let offset_moved: Vec<f32> = moved.iter().zip(pca.mean()).map(|(b, m)| b - m).collect();
    assert!((dot(&offset_base, &orthogonal) - 0.3).abs() < TOL);
    assert!((dot(&offset_moved, &orthogonal) - 0.3).abs() < TOL);
    // Asking for the base's own projection returns the base unchanged.
    assert_close(&pca.inverse_around(pca.project(&base), &base), &base, TOL);
}

#[test]
fn fit_rejects_bad_input() {
    assert!(Pca::fit(&[], 3).is_none());
    assert!(Pca::fit(&[1.0, 2.0, 3.0], 3).is_none(), "one point");
    assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0], 1).is_none(), "dim 1");
    assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0], 0).is_none(), "dim 0");
    assert!(Pca::fit(&[1.0, 2.0, 3.0, 4.0, 5.0], 2).is_none(), "ragged");
    assert!(Pca::fit(&[1.0, 2.0, f32::NAN, 4.0], 2).is_none(), "NaN");
    assert!(Pca::fit(&[1.0, f32::INFINITY, 3.0, 4.0], 2).is_none(), "infinity");
}

#[test]
fn identical_points_give_axes_and_zero_ratios() {
    let pca = Pca::fit(&[1.0, 2.0, 3.0, 1.0, 2.0, 3.0], 3).expect("fit");
    assert_eq!(pca.explained_variance_ratio(), [0.0, 0.0]);
    assert_eq!(pca.components()[0], vec![1.0, 0.0, 0.0]);
    assert_eq!(pca.components()[1], vec![0.0, 1.0, 0.0]);
    assert_eq!(pca.project(&[1.0, 2.0, 3.0]), [0.0, 0.0]);
}

#[test]
fn high_dimensional_fit_gives_orthonormal_components() {
    // Deterministic pseudo-random latent points in 64-D with a dominant pair of directions.
    let dim = 64;
    let n = 3000;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    };
    let mut points = Vec::with_capacity(n * dim);
    for _ in 0..n {
        let (a, b) = (next() * 40.0, next() * 10.0);
        for j in 0..dim {
            let u = if j % 2 == 0 { 1.0 } else { -1.0 } / 8.0;
            let v = if j < dim / 2 { 1.0 } else { -1.0 } / 8.0;
            points.push(100.0 + a * u + b * v + next());
        }
    }
    let pca = Pca::fit(&points, dim).expect("fit");
    let [c0, c1] = pca.components();
    assert!((dot(c0, c0) - 1.0).abs() < TOL);
    assert!((dot(c1, c1) - 1.0).abs() < TOL);
    assert!(dot(c0, c1).abs() < TOL);
    let [r0, r1] = pca.explained_variance_ratio();
    assert!(r0 > r1 && r1 > 0.0 && r0 + r1 <= 1.0 + 1e-6, "{r0} {r1}");
    // The leading direction is the alternating ±1/8 pattern (up to the sign the pivot rule picked).
    let sign = c0[0].signum();
    assert!(
        c0.iter().enumerate().all(|(j, &v)| {
            let expected = if j % 2 == 0 { 0.125 } else { -0.125 };
            (v - sign * expected).abs() < 0.01
        }),
        "{c0:?}"
    );
    assert!(pca.project_all(&points).iter().all(|xy| xy[0].is_finite() && xy[1].is_finite()));
}
