//! Exact t-SNE (van der Maaten & Hinton 2008) of latent points to a plane, reproducible from a seed.
//!
//! Input affinities use each point's 3·perplexity nearest neighbours (as Barnes-Hut-SNE does);
//! the output gradient is exact (O(n²) per iteration) up to 2,000 points and Barnes-Hut (θ = 0.5)
//! above. Every row's sums are taken in a fixed order (rows in parallel, each row sequential), so
//! equal seeds give bit-identical coordinates on any number of threads. Optimisation as in the reference implementation: random N(0, 10⁻⁴) start,
//! early exaggeration 12 for 250 iterations, momentum 0.5 then 0.8, per-coordinate gains.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};
use rayon::prelude::*;

use super::knn_graph::knn_graph;
use super::tsne_tree::QuadTree;

/// t-SNE's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TsneParams {
    /// Effective number of neighbours (capped at (n − 1)/3).
    pub perplexity: f64,
    /// Gradient steps.
    pub iterations: usize,
    /// Seed of the random start.
    pub seed: u64,
}

impl Default for TsneParams {
    fn default() -> Self {
        Self { perplexity: 30.0, iterations: 1000, seed: 1 }
    }
}

const EXAGGERATION: f64 = 12.0;
const EXAGGERATION_ITERATIONS: usize = 250;
const MIN_GAIN: f64 = 0.01;

/// The symmetric input affinities P as compressed rows: row i's entries are `columns[starts[i]..starts[i+1]]`.
struct Affinities {
    starts: Vec<usize>,
    columns: Vec<usize>,
    values: Vec<f64>,
}

/// Embeds `points` ([n, dim]) in the plane: [n] positions. `progress` hears the fraction done
/// every few iterations and stops the run by returning false (then `None` is returned).
/// Fewer than 2 points give all-zero positions.
pub fn tsne(
    points: &[f32],
    dim: usize,
    params: &TsneParams,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Option<Vec<[f32; 2]>> {
    let count = points.len().checked_div(dim).unwrap_or(0);
    if count < 2 {
        return Some(vec![[0.0; 2]; count]);
    }
    let perplexity = params.perplexity.min((count - 1) as f64 / 3.0).max(1.0);
    let affinities = input_affinities(points, dim, perplexity);
    let mut rng = StdRng::seed_from_u64(params.seed);
    let start = Normal::new(0.0, 1e-4).ok()?;
    let mut positions: Vec<[f64; 2]> = (0..count).map(|_| [start.sample(&mut rng), start.sample(&mut rng)]).collect();
    let mut updates = vec![[0.0f64; 2]; count];
    let mut gains = vec![[1.0f64; 2]; count];
    let learning_rate = (count as f64 / EXAGGERATION / 4.0).max(50.0);
    for iteration in 0..params.iterations {
        let exaggeration = if iteration < EXAGGERATION_ITERATIONS { EXAGGERATION } else { 1.0 };
        let momentum = if iteration < EXAGGERATION_ITERATIONS { 0.5 } else { 0.8 };
        let gradients = gradient(&positions, &affinities, exaggeration);
        for ((position, update), (gain, gradient)) in
            positions.iter_mut().zip(&mut updates).zip(gains.iter_mut().zip(&gradients))
        {
            for axis in 0..2 {
                gain[axis] = if (gradient[axis] > 0.0) != (update[axis] > 0.0) {
                    gain[axis] + 0.2
                } else {
                    (gain[axis] * 0.8).max(MIN_GAIN)
                };
                update[axis] = momentum * update[axis] - learning_rate * gain[axis] * gradient[axis];
                position[axis] += update[axis];
            }
        }
        let mean = positions.iter().fold([0.0; 2], |sum, p| [sum[0] + p[0], sum[1] + p[1]]);
        let mean = [mean[0] / count as f64, mean[1] / count as f64];
        positions.iter_mut().for_each(|p| *p = [p[0] - mean[0], p[1] - mean[1]]);
        if iteration % 10 == 9 && !progress((iteration + 1) as f32 / params.iterations as f32) {
            return None;
        }
    }
    Some(positions.iter().map(|p| [p[0] as f32, p[1] as f32]).collect())
}

/// Conditional affinities p(j|i) over each point's nearest neighbours at the given perplexity,
/// symmetrised: P = (p(j|i) + p(i|j)) / 2n.
fn input_affinities(points: &[f32], dim: usize, perplexity: f64) -> Affinities {
    let count = points.len() / dim;
    let neighbours = knn_graph(points, dim, (3.0 * perplexity).ceil() as usize);
    let conditional: Vec<Vec<f64>> = neighbours
        .par_iter()
        .map(|row| {
            let distances: Vec<f64> = row.iter().map(|&(_, d)| f64::from(d)).collect();
            conditional_row(&distances, perplexity)
        })
        .collect();
    let mut triplets: Vec<(usize, usize, f64)> = Vec::with_capacity(2 * count * neighbours.first().map_or(0, Vec::len));
    for (i, (row, weights)) in neighbours.iter().zip(&conditional).enumerate() {
        for (&(j, _), &weight) in row.iter().zip(weights) {
            triplets.push((i, j, weight));
            triplets.push((j, i, weight));
        }
    }
    triplets.sort_by_key(|triplet| (triplet.0, triplet.1));
    let scale = 1.0 / (2.0 * count as f64);
    let (mut starts, mut columns, mut values) = (vec![0usize], Vec::new(), Vec::<f64>::new());
    for (i, j, weight) in triplets {
        while starts.len() <= i {
            starts.push(columns.len());
        }
        let row_start = starts[i];
        match values.last_mut() {
            Some(last) if columns.len() > row_start && columns.last() == Some(&j) => *last += weight * scale,
            _ => {
                columns.push(j);
                values.push(weight * scale);
            }
        }
    }
    while starts.len() <= count {
        starts.push(columns.len());
    }
    Affinities { starts, columns, values }
}

/// p(j|i) ∝ exp(−β dᵢⱼ²) with β found by bisection so the row's entropy is ln(perplexity).
fn conditional_row(squared_distances: &[f64], perplexity: f64) -> Vec<f64> {
    let target = perplexity.ln();
    let nearest = squared_distances.iter().copied().fold(f64::INFINITY, f64::min);
    let (mut beta, mut low, mut high) = (1.0f64, 0.0f64, f64::INFINITY);
    let mut weights = vec![0.0; squared_distances.len()];
    for _ in 0..200 {
        let mut sum = 0.0;
        let mut weighted = 0.0;
        for (weight, &distance) in weights.iter_mut().zip(squared_distances) {
            let shifted = distance - nearest;
            *weight = (-beta * shifted).exp();
            sum += *weight;
            weighted += shifted * *weight;
        }
        let entropy = sum.ln() + beta * weighted / sum;
        if (entropy - target).abs() < 1e-5 {
            break;
        }
        if entropy > target {
            low = beta;
            beta = if high.is_finite() { (beta + high) / 2.0 } else { beta * 2.0 };
        } else {
            high = beta;
            beta = (beta + low) / 2.0;
        }
    }
    let sum: f64 = weights.iter().sum();
    weights.iter().map(|w| w / sum).collect()
}

/// ∂C/∂yᵢ = 4 Σⱼ (e·pᵢⱼ − qᵢⱼ) (1 + ‖yᵢ − yⱼ‖²)⁻¹ (yᵢ − yⱼ), e the exaggeration.
/// Above this many points the repulsion is approximated with a Barnes-Hut tree (θ = 0.5).
const EXACT_MAX_POINTS: usize = 2_000;
const THETA: f64 = 0.5;

fn gradient(positions: &[[f64; 2]], affinities: &Affinities, exaggeration: f64) -> Vec<[f64; 2]> {
    let tree = (positions.len() > EXACT_MAX_POINTS).then(|| QuadTree::new(positions));
    let rows: Vec<(f64, [f64; 2], [f64; 2])> = (0..positions.len())
        .into_par_iter()
        .map(|i| {
            let [xi, yi] = positions[i];
            let (z, repulsion) = match &tree {
                Some(tree) => tree.repulsion(i, positions[i], THETA),
                None => exact_repulsion(i, positions),
            };
            let mut attraction = [0.0f64; 2];
            let range = affinities.starts[i]..affinities.starts[i + 1];
            for (&j, &p) in affinities.columns[range.clone()].iter().zip(&affinities.values[range]) {
                let [xj, yj] = positions[j];
                let (dx, dy) = (xi - xj, yi - yj);
                let kernel = 1.0 / (1.0 + dx * dx + dy * dy);
                attraction[0] += p * kernel * dx;
                attraction[1] += p * kernel * dy;
            }
            (z, repulsion, attraction)
        })
        .collect();
    let z: f64 = rows.iter().map(|row| row.0).sum::<f64>().max(f64::MIN_POSITIVE);
    rows.iter()
        .map(|(_, repulsion, attraction)| {
            [
                4.0 * (exaggeration * attraction[0] - repulsion[0] / z),
                4.0 * (exaggeration * attraction[1] - repulsion[1] / z),
            ]
        })
        .collect()
}

/// (Σⱼ qᵢⱼ', Σⱼ qᵢⱼ'² (yᵢ − yⱼ)) over every other point, qᵢⱼ' = (1 + ‖yᵢ − yⱼ‖²)⁻¹.
fn exact_repulsion(i: usize, positions: &[[f64; 2]]) -> (f64, [f64; 2]) {
    let [xi, yi] = positions[i];
    let (mut z, mut repulsion) = (0.0f64, [0.0f64; 2]);
    for (j, &[xj, yj]) in positions.iter().enumerate() {
        if j == i {
            continue;
        }
        let (dx, dy) = (xi - xj, yi - yj);
        let kernel = 1.0 / (1.0 + dx * dx + dy * dy);
        z += kernel;
        repulsion[0] += kernel * kernel * dx;
        repulsion[1] += kernel * kernel * dy;
    }
    (z, repulsion)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_rows_reach_the_perplexity() {
        let distances: Vec<f64> = (0..30).map(|i| f64::from(i) * 0.3).collect();
        let row = conditional_row(&distances, 5.0);
        let entropy: f64 = -row.iter().filter(|&&p| p > 0.0).map(|p| p * p.ln()).sum::<f64>();
        assert!((entropy - 5f64.ln()).abs() < 1e-4, "entropy {entropy}");
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn affinities_are_symmetric_and_sum_to_one() {
        let (points, _) = crate::latent::test_blobs();
        let affinities = input_affinities(&points, 5, 10.0);
        let lookup = |i: usize, j: usize| {
            let range = affinities.starts[i]..affinities.starts[i + 1];
            affinities.columns[range.clone()].iter().position(|&c| c == j).map_or(0.0, |k| affinities.values[range][k])
        };
        let total: f64 = affinities.values.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for i in 0..120 {
            for &j in &affinities.columns[affinities.starts[i]..affinities.starts[i + 1]] {
                assert!((lookup(i, j) - lookup(j, i)).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn equal_seeds_give_identical_planes_and_blobs_stay_apart() {
        let (points, labels) = crate::latent::test_blobs();
        let params = TsneParams { perplexity: 10.0, iterations: 1000, seed: 3 };
        let mut calls = 0;
        let first = tsne(&points, 5, &params, &mut |_| {
            calls += 1;
            true
        })
        .expect("ran");
        assert_eq!(calls, params.iterations / 10);
        let second = tsne(&points, 5, &params, &mut |_| true).expect("ran");
        assert_eq!(first, second);
        let other = tsne(&points, 5, &TsneParams { seed: 4, ..params }, &mut |_| true).expect("ran");
        assert_ne!(first, other);
        let agreement = crate::latent::knn_label_agreement(&first, &labels, 5);
        assert!(agreement > 0.95, "k-NN label agreement {agreement}");
    }

    #[test]
    fn the_barnes_hut_path_is_reproducible_and_separates_blobs() {
        // 2,400 points: above the exact limit, so the quadtree computes the repulsion.
        let (blob_points, blob_labels) = crate::latent::test_blobs();
        let (mut points, mut labels) = (Vec::new(), Vec::new());
        for copy in 0..20 {
            points.extend(blob_points.iter().enumerate().map(|(i, v)| v + 0.01 * ((i + copy * 7) % 13) as f32));
            labels.extend_from_slice(&blob_labels);
        }
        assert!(labels.len() > EXACT_MAX_POINTS);
        let params = TsneParams { perplexity: 30.0, iterations: 300, seed: 2 };
        let first = tsne(&points, 5, &params, &mut |_| true).expect("ran");
        assert_eq!(first, tsne(&points, 5, &params, &mut |_| true).expect("ran"));
        let agreement = crate::latent::knn_label_agreement(&first, &labels, 10);
        assert!(agreement > 0.95, "k-NN label agreement {agreement}");
    }

    #[test]
    fn a_false_progress_stops_the_run() {
        let (points, _) = crate::latent::test_blobs();
        assert!(tsne(&points, 5, &TsneParams::default(), &mut |_| false).is_none());
        assert_eq!(tsne(&[1.0, 2.0], 2, &TsneParams::default(), &mut |_| true), Some(vec![[0.0, 0.0]]));
    }
}
