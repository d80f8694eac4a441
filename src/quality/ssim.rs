//! Structural similarity (Wang et al. 2004) as scikit-image computes it with
//! `gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1`: an 11 × 11
//! Gaussian window, the SSIM map averaged over the positions where the window fits inside the
//! image, and the mean over channels for colour.

use super::ImageShape;

/// Standard deviation of the Gaussian window, in pixels.
pub const WINDOW_SIGMA_PX: f64 = 1.5;
/// Radius of the window: scipy's `int(truncate · σ + 0.5)` with scikit-image's `truncate = 3.5`.
pub const WINDOW_RADIUS_PX: usize = 5;
/// Stabilising constants for pixel values in [0, 1]: (0.01 · 1)² and (0.03 · 1)².
const C1: f64 = 0.01 * 0.01;
const C2: f64 = 0.03 * 0.03;

/// Mean SSIM between two images of `shape` (planar: [channels, height, width], values in [0, 1]).
///
/// Images smaller than the 11 × 11 window have no position where it fits; they score `None`, as
/// do slices whose length is not the shape's.
pub fn ssim(a: &[f32], b: &[f32], shape: ImageShape) -> Option<f64> {
    let plane = shape.height.checked_mul(shape.width)?;
    if a.len() != b.len() || a.len() != plane.checked_mul(shape.channels)? || shape.channels == 0 {
        return None;
    }
    let window = 2 * WINDOW_RADIUS_PX + 1;
    if shape.height < window || shape.width < window {
        return None;
    }
    let kernel = gaussian_kernel();
    let total: f64 = a
        .chunks_exact(plane)
        .zip(b.chunks_exact(plane))
        .map(|(a, b)| plane_ssim(a, b, shape.height, shape.width, &kernel))
        .sum();
    Some(total / shape.channels as f64)
}

/// The normalised 1-D Gaussian weights, scipy's `_gaussian_kernel1d`.
fn gaussian_kernel() -> [f64; 2 * WINDOW_RADIUS_PX + 1] {
    let mut kernel = [0.0; 2 * WINDOW_RADIUS_PX + 1];
    for (index, weight) in kernel.iter_mut().enumerate() {
        let offset = index as f64 - WINDOW_RADIUS_PX as f64;
        *weight = (-0.5 * offset * offset / (WINDOW_SIGMA_PX * WINDOW_SIGMA_PX)).exp();
    }
    let sum: f64 = kernel.iter().sum();
    kernel.iter_mut().for_each(|weight| *weight /= sum);
    kernel
}

/// Mean SSIM of one channel.
fn plane_ssim(a: &[f32], b: &[f32], height: usize, width: usize, kernel: &[f64]) -> f64 {
    let pixels = |f: &dyn Fn(f64, f64) -> f64| -> Vec<f64> {
        a.iter().zip(b).map(|(&x, &y)| f(f64::from(x), f64::from(y))).collect()
    };
    let mean_x = filter_valid(&pixels(&|x, _| x), height, width, kernel);
    let mean_y = filter_valid(&pixels(&|_, y| y), height, width, kernel);
    let mean_xx = filter_valid(&pixels(&|x, _| x * x), height, width, kernel);
    let mean_yy = filter_valid(&pixels(&|_, y| y * y), height, width, kernel);
    let mean_xy = filter_valid(&pixels(&|x, y| x * y), height, width, kernel);
    let count = mean_x.len();
    let mut total = 0.0;
    for index in 0..count {
        let (ux, uy) = (mean_x[index], mean_y[index]);
        let var_x = mean_xx[index] - ux * ux;
        let var_y = mean_yy[index] - uy * uy;
        let cov_xy = mean_xy[index] - ux * uy;
        let numerator = (2.0 * ux * uy + C1) * (2.0 * cov_xy + C2);
        let denominator = (ux * ux + uy * uy + C1) * (var_x + var_y + C2);
        total += numerator / denominator;
    }
    total / count.max(1) as f64
}

/// The separable Gaussian filter of `plane` at every position where the whole window fits:
/// [height − 2r, width − 2r] values, row-major.
fn filter_valid(plane: &[f64], height: usize, width: usize, kernel: &[f64]) -> Vec<f64> {
    let window = kernel.len();
    let out_width = width + 1 - window;
    let out_height = height + 1 - window;
    let mut rows = vec![0.0; height * out_width];
    for row in 0..height {
        let source = &plane[row * width..(row + 1) * width];
        for column in 0..out_width {
            rows[row * out_width + column] =
                source[column..column + window].iter().zip(kernel).map(|(value, weight)| value * weight).sum();
        }
    }
    let mut filtered = vec![0.0; out_height * out_width];
    for row in 0..out_height {
        for column in 0..out_width {
            filtered[row * out_width + column] = kernel
                .iter()
                .enumerate()
                .map(|(offset, weight)| rows[(row + offset) * out_width + column] * weight)
                .sum();
        }
    }
    filtered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grey(height: usize, width: usize) -> ImageShape {
        ImageShape { channels: 1, height, width }
    }

    #[test]
    fn identical_images_score_one() {
        let image: Vec<f32> = (0..28 * 28).map(|index| (index % 17) as f32 / 16.0).collect();
        let score = ssim(&image, &image, grey(28, 28)).expect("fits");
        assert!((score - 1.0).abs() < 1e-12, "{score}");
    }

    #[test]
    fn kernel_matches_scipy() {
        // scipy.ndimage._filters._gaussian_kernel1d(1.5, 0, 5), normalised.
        let kernel = gaussian_kernel();
        assert!((kernel[5] - 0.266_011_7).abs() < 1e-6, "{}", kernel[5]);
        assert!((kernel[0] - 0.001_028_4).abs() < 1e-6, "{}", kernel[0]);
        assert!((kernel.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn too_small_or_mismatched_images_have_no_score() {
        assert_eq!(ssim(&[0.5; 100], &[0.5; 100], grey(10, 10)), None);
        assert_eq!(ssim(&[0.5; 784], &[0.5; 783], grey(28, 28)), None);
        assert_eq!(ssim(&[], &[], ImageShape { channels: 0, height: 28, width: 28 }), None);
    }
}
