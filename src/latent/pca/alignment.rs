//! A stable map while training: a new PCA basis put in the order and signs of the previous one,
//! so the scatter neither flips nor swaps its axes from one snapshot to the next.

use super::Pca;

impl Pca {
    /// This basis with its two components reordered and sign-flipped to match `previous` as
    /// closely as possible: the components are swapped when the swap overlaps `previous` more
    /// (|c₀·p₁| + |c₁·p₀| > |c₀·p₀| + |c₁·p₁|), then each is negated when it points away from its
    /// counterpart (cᵢ·pᵢ < 0). The explained-variance ratios follow their components.
    ///
    /// A `previous` of another dimension leaves the basis unchanged. The mean is this fit's own.
    pub fn aligned_to(&self, previous: &Pca) -> Pca {
        if previous.dim() != self.dim() {
            return self.clone();
        }
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum::<f64>();
        let [c0, c1] = &self.components;
        let [p0, p1] = &previous.components;
        let kept = dot(c0, p0).abs() + dot(c1, p1).abs();
        let swapped = dot(c0, p1).abs() + dot(c1, p0).abs();
        let (mut components, ratios) = if swapped > kept {
            ([c1.clone(), c0.clone()], [self.explained_variance_ratio[1], self.explained_variance_ratio[0]])
        } else {
            ([c0.clone(), c1.clone()], self.explained_variance_ratio)
        };
        for (component, reference) in components.iter_mut().zip(&previous.components) {
            if dot(component, reference) < 0.0 {
                component.iter_mut().for_each(|value| *value = -*value);
            }
        }
        Pca { mean: self.mean.clone(), components, explained_variance_ratio: ratios }
    }

    /// This basis with both components negated (the map turned by 180°), for tests of alignment.
    #[cfg(test)]
    pub(crate) fn negated(&self) -> Pca {
        let components = self.components.clone().map(|component| component.iter().map(|value| -value).collect());
        Pca { mean: self.mean.clone(), components, explained_variance_ratio: self.explained_variance_ratio }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basis(components: [Vec<f32>; 2], ratios: [f32; 2]) -> Pca {
        Pca { mean: vec![0.0; components[0].len()], components, explained_variance_ratio: ratios }
    }

    #[test]
    fn a_flipped_basis_is_flipped_back() {
        let previous = basis([vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]], [0.6, 0.3]);
        let flipped = basis([vec![-1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]], [0.6, 0.3]);
        let aligned = flipped.aligned_to(&previous);
        assert_eq!(aligned.components(), previous.components());
        assert_eq!(aligned.project(&[2.0, 3.0, 4.0]), previous.project(&[2.0, 3.0, 4.0]));
    }

    #[test]
    fn swapped_components_are_put_back_in_order_with_their_ratios() {
        let s = std::f32::consts::FRAC_1_SQRT_2;
        let previous = basis([vec![1.0, 0.0], vec![0.0, 1.0]], [0.55, 0.45]);
        // The variances crossed over and the new first component leans towards the old second, negated.
        let current = basis([vec![0.1, -0.995], vec![0.995, 0.1]], [0.52, 0.48]);
        let aligned = current.aligned_to(&previous);
        assert_eq!(aligned.components()[0], vec![0.995, 0.1]);
        assert_eq!(aligned.components()[1], vec![-0.1, 0.995]);
        assert_eq!(aligned.explained_variance_ratio(), [0.48, 0.52]);
        // A basis at 45° to the previous one keeps its order (the overlaps tie).
        let diagonal = basis([vec![s, s], vec![-s, s]], [0.5, 0.4]);
        assert_eq!(diagonal.aligned_to(&previous).components()[0], vec![s, s]);
    }

    #[test]
    fn a_refit_on_negated_data_keeps_the_previous_orientation() {
        // Two fits of slightly different data whose pivot rule picks opposite signs stay put.
        let points = [3.0, 1.0, 0.2, -3.0, -1.0, 0.1, 1.0, -2.0, -0.3, -1.0, 2.0, 0.0];
        let previous = Pca::fit(&points, 3).expect("fit");
        let mut refit = Pca::fit(&points, 3).expect("fit");
        refit.components.iter_mut().for_each(|c| c.iter_mut().for_each(|v| *v = -*v));
        let aligned = refit.aligned_to(&previous);
        assert_eq!(aligned.components(), previous.components());
        let other_dim = basis([vec![1.0, 0.0], vec![0.0, 1.0]], [0.5, 0.5]);
        assert_eq!(refit.aligned_to(&other_dim), refit, "a basis of another dimension changes nothing");
    }
}
