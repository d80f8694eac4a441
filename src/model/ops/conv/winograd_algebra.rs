//! The tile algebra of Winograd's F(m×m, 3×3) (Lavin and Gray, "Fast Algorithms for
//! Convolutional Neural Networks", 2016), for m = 2 and m = 4: the transforms of one column of a
//! tile and their adjoints. An m×m output tile of a 3×3 correlation comes from the n×n input tile
//! d around it (n = m + 2) as Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A: n² multiplies where the direct sum
//! takes 9m² (16 against 36 for m = 2, 36 against 144 for m = 4). Backward uses the adjoints:
//! dM = A dY Aᵀ, dd = B dV Bᵀ and dg = Gᵀ dU G.
//!
//! Each function is written out by hand: a product by a zero of the matrix can't be left out by
//! the compiler (0 · ∞ is not 0), and these run for every value of every tile.

/// One F(M×M, 3×3), N = M + 2: each function transforms one column of a tile; the map transforms
/// apply it to the columns and then the rows.
pub trait TileAlgebra<const M: usize, const N: usize> {
    /// Bᵀ v, for a column of an input tile.
    fn input(v: [f32; N]) -> [f32; N];
    /// B v, the adjoint of [`TileAlgebra::input`].
    fn input_adjoint(v: [f32; N]) -> [f32; N];
    /// G v, for a column of a 3×3 kernel.
    fn kernel(v: [f32; 3]) -> [f32; N];
    /// Gᵀ v, the adjoint of [`TileAlgebra::kernel`].
    fn kernel_adjoint(v: [f32; N]) -> [f32; 3];
    /// Aᵀ v, for a column of a transformed output tile.
    fn output(v: [f32; N]) -> [f32; M];
    /// A v, the adjoint of [`TileAlgebra::output`].
    fn output_adjoint(v: [f32; M]) -> [f32; N];
}

/// F(2×2, 3×3), interpolation points 0, ±1 and ∞: exact in f32 up to rounding of sums.
pub struct F2;

impl TileAlgebra<2, 4> for F2 {
    #[inline(always)]
    fn input(v: [f32; 4]) -> [f32; 4] {
        [v[0] - v[2], v[1] + v[2], v[2] - v[1], v[1] - v[3]]
    }

    #[inline(always)]
    fn input_adjoint(v: [f32; 4]) -> [f32; 4] {
        [v[0], v[1] - v[2] + v[3], v[1] + v[2] - v[0], -v[3]]
    }

    #[inline(always)]
    fn kernel(v: [f32; 3]) -> [f32; 4] {
        [v[0], 0.5 * (v[0] + v[1] + v[2]), 0.5 * (v[0] - v[1] + v[2]), v[2]]
    }

    #[inline(always)]
    fn kernel_adjoint(v: [f32; 4]) -> [f32; 3] {
        [v[0] + 0.5 * (v[1] + v[2]), 0.5 * (v[1] - v[2]), 0.5 * (v[1] + v[2]) + v[3]]
    }

    #[inline(always)]
    fn output(v: [f32; 4]) -> [f32; 2] {
        [v[0] + v[1] + v[2], v[1] - v[2] - v[3]]
    }

    #[inline(always)]
    fn output_adjoint(v: [f32; 2]) -> [f32; 4] {
        [v[0], v[0] + v[1], v[0] - v[1], -v[1]]
    }
}

/// F(4×4, 3×3), interpolation points 0, ±1, ±2 and ∞: 2.25 multiplies per output value where
/// F(2×2, 3×3) takes 4, with rounding errors a few times larger (still about 1e-6 relative).
///
/// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
/// G = [1/4 0 0; −1/6 −1/6 −1/6; −1/6 1/6 −1/6; 1/24 1/12 1/6; 1/24 −1/12 1/6; 0 0 1],
/// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
pub struct F4;

/// G's fractions, as products: a division costs several times a product, and the kernel
/// transforms run on every weight at every step.
const SIXTH: f32 = 1.0 / 6.0;
const TWELFTH: f32 = 1.0 / 12.0;
const TWENTY_FOURTH: f32 = 1.0 / 24.0;

impl TileAlgebra<4, 6> for F4 {
    #[inline(always)]
    fn input(v: [f32; 6]) -> [f32; 6] {
        let (a, b) = (v[4] - 4.0 * v[2], v[3] - 4.0 * v[1]);
        let (c, d) = (v[4] - v[2], 2.0 * (v[3] - v[1]));
        [4.0 * v[0] - 5.0 * v[2] + v[4], a + b, a - b, c + d, c - d, 4.0 * v[1] - 5.0 * v[3] + v[5]]
    }

    #[inline(always)]
    fn input_adjoint(v: [f32; 6]) -> [f32; 6] {
        let (sum, difference) = (v[1] + v[2], v[2] - v[1]);
        let (sum_2, difference_2) = (v[3] + v[4], v[4] - v[3]);
        [
            4.0 * v[0],
            4.0 * difference + 2.0 * difference_2 + 4.0 * v[5],
            -5.0 * v[0] - 4.0 * sum - sum_2,
            -difference - 2.0 * difference_2 - 5.0 * v[5],
            v[0] + sum + sum_2,
            v[5],
        ]
    }

    #[inline(always)]
    fn kernel(v: [f32; 3]) -> [f32; 6] {
        let (outer, middle) = (v[0] + v[2], v[1]);
        let (quarter, far) = (v[0] * TWENTY_FOURTH + v[2] * SIXTH, v[1] * TWELFTH);
        [0.25 * v[0], -(outer + middle) * SIXTH, -(outer - middle) * SIXTH, quarter + far, quarter - far, v[2]]
    }

    #[inline(always)]
    fn kernel_adjoint(v: [f32; 6]) -> [f32; 3] {
        let (sixths, outer_pair) = ((v[1] + v[2]) * SIXTH, v[3] + v[4]);
        [
            0.25 * v[0] - sixths + outer_pair * TWENTY_FOURTH,
            (v[2] - v[1]) * SIXTH + (v[3] - v[4]) * TWELFTH,
            -sixths + outer_pair * SIXTH + v[5],
        ]
    }

    #[inline(always)]
    fn output(v: [f32; 6]) -> [f32; 4] {
        let (sum, difference) = (v[1] + v[2], v[1] - v[2]);
        let (sum_2, difference_2) = (v[3] + v[4], v[3] - v[4]);
        [v[0] + sum + sum_2, difference + 2.0 * difference_2, sum + 4.0 * sum_2, difference + 8.0 * difference_2 + v[5]]
    }

    #[inline(always)]
    fn output_adjoint(v: [f32; 4]) -> [f32; 6] {
        let (even, odd) = (v[0] + v[2], v[1] + v[3]);
        let (even_2, odd_2) = (v[0] + 4.0 * v[2], 2.0 * v[1] + 8.0 * v[3]);
        [v[0], even + odd, even - odd, even_2 + odd_2, even_2 - odd_2, v[3]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 3-tap correlation of `input` with `kernel` through the algebra: Aᵀ [(G g) ⊙ (Bᵀ d)].
    fn correlate<A: TileAlgebra<M, N>, const M: usize, const N: usize>(input: [f32; N], kernel: [f32; 3]) -> [f32; M] {
        let (transformed_kernel, transformed_input) = (A::kernel(kernel), A::input(input));
        A::output(std::array::from_fn(|i| transformed_kernel[i] * transformed_input[i]))
    }

    /// The matrix that `transform` multiplies by, row by row (its columns: `transform` of unit vectors).
    fn matrix<const I: usize, const O: usize>(transform: impl Fn([f32; I]) -> [f32; O]) -> [[f32; I]; O] {
        let columns: [[f32; O]; I] = std::array::from_fn(|j| transform(std::array::from_fn(|k| f32::from(j == k))));
        std::array::from_fn(|i| std::array::from_fn(|j| columns[j][i]))
    }

    fn check<A: TileAlgebra<M, N>, const M: usize, const N: usize>(name: &str) {
        let input: [f32; N] = std::array::from_fn(|i| (i as f32 * 0.37 + 0.2).sin());
        let kernel = [0.7, -0.3, 1.1];
        let got = correlate::<A, M, N>(input, kernel);
        for (i, value) in got.iter().enumerate() {
            let want: f32 = (0..3).map(|k| input[i + k] * kernel[k]).sum();
            assert!((value - want).abs() < 1e-5, "{name}: output {i} is {value}, want {want}");
        }
        let (input_matrix, input_adjoint) = (matrix::<N, N>(A::input), matrix::<N, N>(A::input_adjoint));
        let (kernel, kernel_adjoint) = (matrix::<3, N>(A::kernel), matrix::<N, 3>(A::kernel_adjoint));
        let (output, output_adjoint) = (matrix::<N, M>(A::output), matrix::<M, N>(A::output_adjoint));
        for i in 0..N {
            for j in 0..N {
                assert_eq!(input_matrix[i][j], input_adjoint[j][i], "{name}: Bᵀ and B at {i}, {j}");
            }
            for j in 0..3 {
                assert!((kernel[i][j] - kernel_adjoint[j][i]).abs() < 1e-7, "{name}: G and Gᵀ at {i}, {j}");
            }
            for j in 0..M {
                assert_eq!(output[j][i], output_adjoint[i][j], "{name}: Aᵀ and A at {j}, {i}");
            }
        }
    }

    #[test]
    fn each_algebra_correlates_and_each_adjoint_is_its_transforms_transpose() {
        check::<F2, 2, 4>("F(2×2, 3×3)");
        check::<F4, 4, 6>("F(4×4, 3×3)");
    }
}
