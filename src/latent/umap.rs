//! UMAP (McInnes, Healy & Melville 2018) of latent points to a plane, reproducible from a seed.
//!
//! The fuzzy k-nearest-neighbour graph of umap-learn (ρ = distance to the nearest neighbour, σ by
//! bisection so each row's weights sum to log₂ k; symmetrised by the fuzzy union a + b − ab), a
//! start on the points' first two principal components scaled to ±10, then umap-learn's
//! stochastic gradient descent with negative sampling, run sequentially from one seeded RNG so
//! equal seeds give bit-identical coordinates. min_dist 0.1, spread 1 (a = 1.577, b = 0.895).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::Pca;
use super::knn_graph::knn_graph;

/// UMAP's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UmapParams {
    /// Neighbours per point in the graph.
    pub neighbours: usize,
    /// Passes of the gradient descent (0: 500 for up to 10,000 points, 200 above, as umap-learn).
    pub epochs: usize,
    /// Seed of the negative sampling.
    pub seed: u64,
}

impl Default for UmapParams {
    fn default() -> Self {
        Self { neighbours: 15, epochs: 0, seed: 1 }
    }
}

/// The output kernel 1 / (1 + a d^2b) for min_dist 0.1, spread 1 (umap-learn's `find_ab_params`).
const A: f64 = 1.576_943_460_405_378;
const B: f64 = 0.895_060_878_390_594_8;
const NEGATIVE_SAMPLES: usize = 5;
const GRADIENT_CLIP: f64 = 4.0;

/// One edge of the symmetrised fuzzy graph.
struct Edge {
    head: usize,
    tail: usize,
    epochs_per_sample: f64,
}

/// Embeds `points` ([n, dim]) in the plane: [n] positions. `progress` hears the fraction done
/// after every epoch and stops the run by returning false (then `None` is returned).
/// Fewer than 2 points give all-zero positions.
pub fn umap(
    points: &[f32],
    dim: usize,
    params: &UmapParams,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Option<Vec<[f32; 2]>> {
    let count = points.len().checked_div(dim).unwrap_or(0);
    if count < 2 {
        return Some(vec![[0.0; 2]; count]);
    }
    let epochs = match params.epochs {
        0 if count <= 10_000 => 500,
        0 => 200,
        epochs => epochs,
    };
    let edges = fuzzy_edges(points, dim, params.neighbours.max(2), epochs);
    let mut positions = initial_positions(points, dim, count);
    let mut rng = StdRng::seed_from_u64(params.seed);
    let mut next_sample: Vec<f64> = edges.iter().map(|edge| edge.epochs_per_sample).collect();
    let mut next_negative: Vec<f64> =
        edges.iter().map(|edge| edge.epochs_per_sample / NEGATIVE_SAMPLES as f64).collect();
    for epoch in 0..epochs {
        let rate = 1.0 - epoch as f64 / epochs as f64;
        let now = epoch as f64;
        for (index, edge) in edges.iter().enumerate() {
            if next_sample[index] > now {
                continue;
            }
            let (head, tail) = (positions[edge.head], positions[edge.tail]);
            let difference = [head[0] - tail[0], head[1] - tail[1]];
            let squared = difference[0] * difference[0] + difference[1] * difference[1];
            if squared > 0.0 {
                let coefficient = -2.0 * A * B * squared.powf(B - 1.0) / (A * squared.powf(B) + 1.0);
                for axis in 0..2 {
                    let step = (coefficient * difference[axis]).clamp(-GRADIENT_CLIP, GRADIENT_CLIP) * rate;
                    positions[edge.head][axis] += step;
                    positions[edge.tail][axis] -= step;
                }
            }
            next_sample[index] += edge.epochs_per_sample;
            let per_negative = edge.epochs_per_sample / NEGATIVE_SAMPLES as f64;
            let negatives = ((now - next_negative[index]) / per_negative).floor().max(0.0) as usize;
            for _ in 0..negatives {
                let other = rng.random_range(0..count);
                if other == edge.head {
                    continue;
                }
                let (head, far) = (positions[edge.head], positions[other]);
                let difference = [head[0] - far[0], head[1] - far[1]];
                let squared = difference[0] * difference[0] + difference[1] * difference[1];
                let coefficient =
                    if squared > 0.0 { 2.0 * B / ((0.001 + squared) * (A * squared.powf(B) + 1.0)) } else { 0.0 };
                for axis in 0..2 {
                    let step = if coefficient > 0.0 {
                        (coefficient * difference[axis]).clamp(-GRADIENT_CLIP, GRADIENT_CLIP)
                    } else {
                        GRADIENT_CLIP
                    };
                    positions[edge.head][axis] += step * rate;
                }
            }
            next_negative[index] += negatives as f64 * per_negative;
        }
        if !progress((epoch + 1) as f32 / epochs as f32) {
            return None;
        }
    }
    Some(positions.iter().map(|p| [p[0] as f32, p[1] as f32]).collect())
}

/// The fuzzy union of every point's k-neighbour memberships, as edges in both directions, with
/// the weakest (below max / epochs) dropped as umap-learn does.
fn fuzzy_edges(points: &[f32], dim: usize, neighbours: usize, epochs: usize) -> Vec<Edge> {
    let graph = knn_graph(points, dim, neighbours);
    let target = (graph.first().map_or(1, Vec::len) as f64).log2();
    let mut directed: Vec<(usize, usize, f64)> = Vec::new();
    for (i, row) in graph.iter().enumerate() {
        let distances: Vec<f64> = row.iter().map(|&(_, squared)| f64::from(squared).sqrt()).collect();
        for (&(j, _), weight) in row.iter().zip(membership_row(&distances, target)) {
            directed.push((i.min(j), i.max(j), weight));
        }
    }
    // Pairs (i < j) seen from both ends combine as a + b − ab.
    directed.sort_by_key(|edge| (edge.0, edge.1));
    let mut union: Vec<(usize, usize, f64)> = Vec::with_capacity(directed.len());
    for (i, j, weight) in directed {
        match union.last_mut() {
            Some(last) if last.0 == i && last.1 == j => last.2 = last.2 + weight - last.2 * weight,
            _ => union.push((i, j, weight)),
        }
    }
    let strongest = union.iter().map(|edge| edge.2).fold(0.0f64, f64::max);
    let mut edges = Vec::with_capacity(2 * union.len());
    for (i, j, weight) in union {
        if strongest <= 0.0 || weight < strongest / epochs as f64 {
            continue;
        }
        let epochs_per_sample = strongest / weight;
        edges.push(Edge { head: i, tail: j, epochs_per_sample });
        edges.push(Edge { head: j, tail: i, epochs_per_sample });
    }
    edges
}

/// exp(−max(0, d − ρ)/σ) over one row of neighbour distances (ascending), σ by bisection so the
/// weights sum to `target` (log₂ k).
fn membership_row(distances: &[f64], target: f64) -> Vec<f64> {
    let rho = distances.iter().copied().find(|&d| d > 0.0).unwrap_or(0.0);
    let weights = |sigma: f64| distances.iter().map(move |&d| (-(d - rho).max(0.0) / sigma).exp());
    let (mut low, mut high, mut sigma) = (0.0f64, f64::INFINITY, 1.0f64);
    for _ in 0..64 {
        let sum: f64 = weights(sigma).sum();
        if (sum - target).abs() < 1e-5 {
            break;
        }
        if sum > target {
            high = sigma;
            sigma = (low + high) / 2.0;
        } else {
            low = sigma;
            sigma = if high.is_finite() { (low + high) / 2.0 } else { sigma * 2.0 };
        }
    }
    // umap-learn's floor on σ: a thousandth of the mean distance.
    let mean = distances.iter().sum::<f64>() / distances.len().max(1) as f64;
    weights(sigma.max(1e-3 * mean).max(f64::MIN_POSITIVE)).collect()
}

/// The points' first two principal components, scaled so the largest coordinate is 10; points of
/// one or two dimensions are scaled as they are.
fn initial_positions(points: &[f32], dim: usize, count: usize) -> Vec<[f64; 2]> {
    let projected: Vec<[f64; 2]> = match Pca::fit(points, dim) {
        Some(pca) if dim > 2 => pca.project_all(points).iter().map(|p| [f64::from(p[0]), f64::from(p[1])]).collect(),
        _ => (0..count)
            .map(|i| [f64::from(points[i * dim]), if dim > 1 { f64::from(points[i * dim + 1]) } else { 0.0 }])
            .collect(),
    };
    let largest = projected.iter().flat_map(|p| [p[0].abs(), p[1].abs()]).fold(0.0f64, f64::max);
    let scale = if largest > 0.0 { 10.0 / largest } else { 1.0 };
    projected.iter().map(|p| [p[0] * scale, p[1] * scale]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_rows_sum_to_log2_k() {
        let distances: Vec<f64> = (1..=15).map(f64::from).collect();
        let target = 15f64.log2();
        let row = membership_row(&distances, target);
        assert!((row.iter().sum::<f64>() - target).abs() < 1e-4);
        assert_eq!(row[0], 1.0, "the nearest neighbour has membership 1");
    }

    #[test]
    fn equal_seeds_give_identical_planes_and_blobs_stay_apart() {
        let (points, labels) = crate::latent::test_blobs();
        let params = UmapParams { neighbours: 10, epochs: 200, seed: 3 };
        let mut calls = 0;
        let first = umap(&points, 5, &params, &mut |_| {
            calls += 1;
            true
        })
        .expect("ran");
        assert_eq!(calls, 200);
        assert_eq!(first, umap(&points, 5, &params, &mut |_| true).expect("ran"));
        assert_ne!(first, umap(&points, 5, &UmapParams { seed: 4, ..params }, &mut |_| true).expect("ran"));
        let agreement = crate::latent::knn_label_agreement(&first, &labels, 5);
        assert!(agreement > 0.95, "k-NN label agreement {agreement}");
        assert!(umap(&points, 5, &params, &mut |_| false).is_none());
    }
}
