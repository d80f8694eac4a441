//! The training images nearest to a query: in pixel space (is this decoded image a copy of a
//! training image?) and in latent space (which training images encode near this point?).
//!
//! A brute-force scan, split into chunks of images that the cores share (rayon); each chunk keeps
//! its own k best, then the chunks' lists are merged. Ties go to the lower index, so the answer
//! does not depend on how the work was split.

use rayon::prelude::*;

/// Images (or points) per parallel chunk.
const CHUNK: usize = 1024;

/// One neighbour: which training item, and how far.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// Index into the searched set.
    pub index: usize,
    /// Squared Euclidean distance to the query (pixels in [0, 1], or latent units²).
    pub squared_distance: f32,
}

/// The `k` images of `pixels` (bytes, [images, values_per_image], 0–255 read as 0–1) nearest to
/// `query` ([values_per_image] in [0, 1]) in squared L2, nearest first.
pub fn nearest_images(query: &[f32], pixels: &[u8], values_per_image: usize, k: usize) -> Vec<Neighbour> {
    if values_per_image == 0 || query.len() != values_per_image {
        return Vec::new();
    }
    nearest_by(pixels.len() / values_per_image, k, |index| {
        let image = &pixels[index * values_per_image..(index + 1) * values_per_image];
        image
            .iter()
            .zip(query)
            .map(|(&byte, &q)| {
                let difference = f32::from(byte) / 255.0 - q;
                difference * difference
            })
            .sum()
    })
}

/// The `k` rows of `points` ([points, dim]) nearest to `query` ([dim]) in squared L2, nearest first.
pub fn nearest_points(query: &[f32], points: &[f32], dim: usize, k: usize) -> Vec<Neighbour> {
    if dim == 0 || query.len() != dim {
        return Vec::new();
    }
    nearest_by(points.len() / dim, k, |index| {
        points[index * dim..(index + 1) * dim].iter().zip(query).map(|(p, q)| (p - q) * (p - q)).sum()
    })
}

/// The `k` indices in `0..count` with the smallest `distance`, nearest first, ties by index.
fn nearest_by(count: usize, k: usize, distance: impl Fn(usize) -> f32 + Sync) -> Vec<Neighbour> {
    if k == 0 || count == 0 {
        return Vec::new();
    }
    let chunk_starts: Vec<usize> = (0..count).step_by(CHUNK).collect();
    let per_chunk: Vec<Vec<Neighbour>> = chunk_starts
        .par_iter()
        .map(|&start| {
            let mut best = Vec::with_capacity(k + 1);
            for index in start..(start + CHUNK).min(count) {
                insert(&mut best, Neighbour { index, squared_distance: distance(index) }, k);
            }
            best
        })
        .collect();
    let mut best = Vec::with_capacity(k + 1);
    for neighbour in per_chunk.into_iter().flatten() {
        insert(&mut best, neighbour, k);
    }
    best
}

/// Inserts `candidate` into `best` (sorted, at most `k` long) when it is among the `k` nearest.
fn insert(best: &mut Vec<Neighbour>, candidate: Neighbour, k: usize) {
    let key = |n: &Neighbour| (n.squared_distance, n.index);
    let before = |a: &Neighbour, b: &Neighbour| {
        let (da, ia) = key(a);
        let (db, ib) = key(b);
        da.total_cmp(&db).then(ia.cmp(&ib)).is_lt()
    };
    if best.len() == k && best.last().is_some_and(|last| !before(&candidate, last)) {
        return;
    }
    let position = best.partition_point(|existing| before(existing, &candidate));
    best.insert(position, candidate);
    best.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random byte stream.
    fn bytes(count: usize, mut state: u64) -> Vec<u8> {
        (0..count)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn nearest_images_match_a_brute_force_sort() {
        let values = 16;
        let images = 5000; // several chunks
        let pixels = bytes(images * values, 7);
        let query: Vec<f32> = bytes(values, 99).iter().map(|&b| f32::from(b) / 255.0).collect();
        let found = nearest_images(&query, &pixels, values, 8);
        let mut all: Vec<(f32, usize)> = (0..images)
            .map(|i| {
                let d = pixels[i * values..(i + 1) * values]
                    .iter()
                    .zip(&query)
                    .map(|(&b, &q)| (f32::from(b) / 255.0 - q).powi(2))
                    .sum::<f32>();
                (d, i)
            })
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let expected: Vec<usize> = all[..8].iter().map(|&(_, i)| i).collect();
        assert_eq!(found.iter().map(|n| n.index).collect::<Vec<_>>(), expected);
        assert!((found[0].squared_distance - all[0].0).abs() < 1e-4);
        assert!(found.windows(2).all(|pair| pair[0].squared_distance <= pair[1].squared_distance));
    }

    #[test]
    fn an_image_in_the_set_is_its_own_nearest_at_distance_zero() {
        let values = 9;
        let pixels = bytes(300 * values, 3);
        let query: Vec<f32> = pixels[42 * values..43 * values].iter().map(|&b| f32::from(b) / 255.0).collect();
        let found = nearest_images(&query, &pixels, values, 3);
        assert_eq!(found[0].index, 42);
        assert!(found[0].squared_distance < 1e-9);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn nearest_points_by_hand_with_ties_by_index() {
        let points = [0.0, 0.0, 1.0, 0.0, -1.0, 0.0, 5.0, 5.0];
        let found = nearest_points(&[0.0, 0.0], &points, 2, 3);
        let indices: Vec<usize> = found.iter().map(|n| n.index).collect();
        assert_eq!(indices, vec![0, 1, 2]);
        assert_eq!(found[1].squared_distance, 1.0);
        assert_eq!(nearest_points(&[0.0, 0.0], &points, 2, 10).len(), 4, "k larger than the set");
        assert!(nearest_points(&[0.0], &points, 2, 3).is_empty(), "query of the wrong length");
        assert!(nearest_images(&[0.0], &[], 1, 3).is_empty());
    }
}
