//! The k nearest neighbours of every point among the others (brute force, rows in parallel),
//! the graph t-SNE and UMAP start from.

use rayon::prelude::*;

/// For each point of `points` ([n, dim]), its `k` nearest other points as (index, squared distance),
/// nearest first, ties by index. Each row is computed on its own, so the result never depends on
/// the number of threads.
pub fn knn_graph(points: &[f32], dim: usize, k: usize) -> Vec<Vec<(usize, f32)>> {
    let count = points.len().checked_div(dim).unwrap_or(0);
    let k = k.min(count.saturating_sub(1));
    (0..count)
        .into_par_iter()
        .map(|i| {
            let row = &points[i * dim..(i + 1) * dim];
            let mut distances: Vec<(usize, f32)> = (0..count)
                .filter(|&j| j != i)
                .map(|j| {
                    let other = &points[j * dim..(j + 1) * dim];
                    (j, row.iter().zip(other).map(|(a, b)| (a - b) * (a - b)).sum())
                })
                .collect();
            let order = |a: &(usize, f32), b: &(usize, f32)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
            if k < distances.len() {
                distances.select_nth_unstable_by(k, order);
                distances.truncate(k);
            }
            distances.sort_by(order);
            distances
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_on_a_line() {
        let points = [0.0, 1.0, 3.0, 7.0];
        let graph = knn_graph(&points, 1, 2);
        assert_eq!(graph[0], vec![(1, 1.0), (2, 9.0)]);
        assert_eq!(graph[2], vec![(1, 4.0), (0, 9.0)]);
        assert_eq!(graph[3], vec![(2, 16.0), (1, 36.0)]);
        assert_eq!(knn_graph(&points, 1, 10)[0].len(), 3, "k is capped at n − 1");
        assert!(knn_graph(&[], 2, 3).is_empty());
    }
}
