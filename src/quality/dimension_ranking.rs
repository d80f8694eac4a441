//! Which latent dimensions carry information: dimensions ordered by their KL, the two most active,
//! and the collapsed ones (KL below [`COLLAPSED_KL_NATS`]).

/// A dimension whose mean KL(q(z|x) ‖ N(0, 1)) is below this many nats carries (almost) nothing:
/// its posterior is the prior for every image (posterior collapse).
pub const COLLAPSED_KL_NATS: f64 = 0.01;

/// Dimension indices ordered by KL, largest first; equal KLs keep index order, NaN sorts last.
pub fn dims_by_kl(kl_per_dim_nats: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..kl_per_dim_nats.len()).collect();
    let key = |dim: usize| {
        let kl = kl_per_dim_nats[dim];
        if kl.is_nan() { f64::NEG_INFINITY } else { kl }
    };
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    order
}

/// The two dimensions with the largest KL, the larger first; `None` with fewer than two dimensions.
pub fn two_most_active_dims(kl_per_dim_nats: &[f64]) -> Option<[usize; 2]> {
    match dims_by_kl(kl_per_dim_nats).as_slice() {
        [first, second, ..] => Some([*first, *second]),
        _ => None,
    }
}

/// True for each dimension whose KL is below [`COLLAPSED_KL_NATS`] (or not a number).
pub fn collapsed_dims(kl_per_dim_nats: &[f64]) -> Vec<bool> {
    kl_per_dim_nats.iter().map(|&kl| kl.is_nan() || kl < COLLAPSED_KL_NATS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_sort_by_kl_with_ties_in_index_order() {
        let kl = [0.5, 3.0, 0.001, 3.0, f64::NAN, 1.0];
        assert_eq!(dims_by_kl(&kl), vec![1, 3, 5, 0, 2, 4]);
        assert_eq!(two_most_active_dims(&kl), Some([1, 3]));
        assert_eq!(collapsed_dims(&kl), vec![false, false, true, false, true, false]);
    }

    #[test]
    fn fewer_than_two_dimensions_have_no_pair() {
        assert_eq!(two_most_active_dims(&[2.0]), None);
        assert_eq!(two_most_active_dims(&[]), None);
        assert_eq!(two_most_active_dims(&[0.0, 2.0]), Some([1, 0]));
    }
}
