//! Meaningful directions: the mean latent of a class (or of any selection of points), the
//! difference of two such means, and points along it.

use super::Interpolation;

/// Mean of the points at `indices`: [latent_dim]; `None` when no index is valid.
/// `means`: [points, latent_dim]; out-of-range indices are skipped.
pub fn selection_mean(means: &[f32], latent_dim: usize, indices: &[usize]) -> Option<Vec<f32>> {
    let mut sum = vec![0.0f64; latent_dim];
    let mut count = 0usize;
    for &index in indices {
        let Some(row) = index.checked_mul(latent_dim).and_then(|start| means.get(start..start + latent_dim)) else {
            continue;
        };
        for (total, &value) in sum.iter_mut().zip(row) {
            *total += f64::from(value);
        }
        count += 1;
    }
    (count > 0 && latent_dim > 0).then(|| sum.iter().map(|total| (total / count as f64) as f32).collect())
}

/// Mean latent of the points labelled `class`: [latent_dim]; `None` when the class has no point.
/// `means`: [points, latent_dim], `labels`: [points].
pub fn class_mean(means: &[f32], labels: &[u8], latent_dim: usize, class: u8) -> Option<Vec<f32>> {
    let indices: Vec<usize> = labels.iter().enumerate().filter(|&(_, &label)| label == class).map(|(i, _)| i).collect();
    selection_mean(means, latent_dim, &indices)
}

/// The way from one mean latent to another ("3 → 8").
#[derive(Clone, Debug, PartialEq)]
pub struct Direction {
    /// Where it starts: [latent_dim].
    pub from: Vec<f32>,
    /// Where it ends: [latent_dim].
    pub to: Vec<f32>,
}

impl Direction {
    /// `to − from`: [latent_dim].
    pub fn vector(&self) -> Vec<f32> {
        self.to.iter().zip(&self.from).map(|(to, from)| to - from).collect()
    }

    /// Length of [`Direction::vector`], in latent units.
    pub fn length(&self) -> f32 {
        self.vector().iter().map(|v| v * v).sum::<f32>().sqrt()
    }

    /// `point + amount · (to − from)`: moves any point along the direction (amount 1 = the whole
    /// way from one mean to the other).
    pub fn moved(&self, point: &[f32], amount: f32) -> Vec<f32> {
        point.iter().zip(self.vector()).map(|(p, v)| p + amount * v).collect()
    }

    /// `steps` points from `from` to `to`, both included: [steps, latent_dim] row-major.
    pub fn traversal(&self, steps: usize) -> Vec<f32> {
        Interpolation::Linear.path(&self.from, &self.to, steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Three points of class 3 and two of class 8 in 2-D.
    const MEANS: [f32; 10] = [0.0, 0.0, 2.0, 0.0, 1.0, 3.0, 10.0, 10.0, 12.0, 14.0];
    const LABELS: [u8; 5] = [3, 3, 3, 8, 8];

    #[test]
    fn class_means_by_hand() {
        assert_eq!(class_mean(&MEANS, &LABELS, 2, 3), Some(vec![1.0, 1.0]));
        assert_eq!(class_mean(&MEANS, &LABELS, 2, 8), Some(vec![11.0, 12.0]));
        assert_eq!(class_mean(&MEANS, &LABELS, 2, 5), None);
        assert_eq!(selection_mean(&MEANS, 2, &[0, 4, 99]), Some(vec![6.0, 7.0]), "index 99 is skipped");
        assert_eq!(selection_mean(&MEANS, 2, &[]), None);
    }

    #[test]
    fn a_traversal_runs_from_one_class_mean_to_the_other() {
        let direction = Direction {
            from: class_mean(&MEANS, &LABELS, 2, 3).expect("class 3"),
            to: class_mean(&MEANS, &LABELS, 2, 8).expect("class 8"),
        };
        let path = direction.traversal(5);
        assert_eq!(path.len(), 10);
        assert_eq!(&path[..2], direction.from.as_slice());
        assert_eq!(&path[8..], direction.to.as_slice());
        assert_eq!(&path[4..6], &[6.0, 6.5]);
        assert_eq!(direction.vector(), vec![10.0, 11.0]);
        assert_eq!(direction.moved(&[0.0, 1.0], 0.5), vec![5.0, 6.5]);
        assert!((direction.length() - 221f32.sqrt()).abs() < 1e-5);
    }
}
