//! Where and in which colour the scatter draws each point: its mean, one seeded posterior sample
//! or its 1-σ ellipse, coloured by class or by mean σ (the σ scatter), in a linear plane or a
//! t-SNE/UMAP layout.

use egui::Color32;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::app::palette::class_color;
use crate::app::settings::view_settings::{PointColouring, SpreadMode};
use crate::inference::LatentCloud;
use crate::latent::{Ellipse, Projection, mean_sigma_per_point, percentile, posterior_ellipses};

/// What the scatter is asked to draw.
#[derive(Clone, Copy)]
pub struct SpreadInput<'a> {
    /// The encoded points.
    pub cloud: &'a LatentCloud,
    /// The linear plane (used when `layout` is `None`).
    pub projection: &'a Projection,
    /// A t-SNE/UMAP position per point, replacing the projection.
    pub layout: Option<&'a [[f32; 2]]>,
    /// Means, samples or ellipses.
    pub spread: SpreadMode,
    /// Class or mean-σ colours.
    pub colouring: PointColouring,
    /// Seed of the posterior samples.
    pub seed: u64,
}

/// Positions, colours and ellipses of every point, in cloud order.
#[derive(Clone, Debug, Default)]
pub struct SpreadPoints {
    /// Plane position of each point: [n].
    pub coords: Vec<[f32; 2]>,
    /// Colour of each point: [n].
    pub colours: Vec<Color32>,
    /// 1-σ ellipse of each point ([n]), or empty when ellipses are not drawn.
    pub ellipses: Vec<Ellipse>,
    /// The σ colour scale's ends (1st and 99th percentile of the mean σ) when colouring by σ.
    pub sigma_range: Option<[f32; 2]>,
}

/// Computes what to draw. Samples and ellipses need a linear plane and the log-variances; without
/// them the means are drawn.
pub fn spread_points(input: &SpreadInput<'_>) -> SpreadPoints {
    let SpreadInput { cloud, projection, layout, spread, colouring, seed } = *input;
    let count = cloud.len();
    let has_spread = cloud.log_vars.len() == cloud.means.len() && cloud.latent_dim > 0;
    let layout = layout.filter(|layout| layout.len() == count);
    let coords = match (layout, spread) {
        (Some(layout), _) => layout.to_vec(),
        (None, SpreadMode::Sample) if has_spread => sampled_coords(cloud, projection, seed),
        (None, _) => (0..count).map(|position| projection.project(cloud.mean(position))).collect(),
    };
    let ellipses = if spread == SpreadMode::Ellipses && layout.is_none() && has_spread {
        posterior_ellipses(projection, &cloud.means, &cloud.log_vars, cloud.latent_dim)
    } else {
        Vec::new()
    };
    let (colours, sigma_range) = match colouring {
        PointColouring::MeanSigma if has_spread => {
            let sigmas = mean_sigma_per_point(&cloud.log_vars, cloud.latent_dim);
            let range = sigma_scale(&sigmas);
            let colours = sigmas.iter().map(|&sigma| sigma_colour(scale_position(sigma, range))).collect();
            (colours, Some(range))
        }
        _ => (cloud.labels.iter().map(|&label| class_color(label)).collect(), None),
    };
    SpreadPoints { coords, colours, ellipses, sigma_range }
}

/// One sample μ + σ·ε per point, projected; ε is drawn from `seed` in point order.
fn sampled_coords(cloud: &LatentCloud, projection: &Projection, seed: u64) -> Vec<[f32; 2]> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sample = vec![0.0f32; cloud.latent_dim];
    (0..cloud.len())
        .map(|position| {
            let (mean, log_var) = (cloud.mean(position), cloud.log_var(position).unwrap_or_default());
            for ((value, &mu), &log_var) in sample.iter_mut().zip(mean).zip(log_var) {
                let epsilon: f32 = StandardNormal.sample(&mut rng);
                *value = mu + (log_var / 2.0).exp() * epsilon;
            }
            projection.project(&sample)
        })
        .collect()
}

/// The colour scale's ends: the 1st and 99th percentiles of `sigmas` (a scale a few outliers
/// cannot flatten), never empty.
fn sigma_scale(sigmas: &[f32]) -> [f32; 2] {
    let mut finite: Vec<f32> = sigmas.iter().copied().filter(|sigma| sigma.is_finite()).collect();
    finite.sort_by(f32::total_cmp);
    if finite.is_empty() {
        return [0.0, 1.0];
    }
    let (low, high) = (percentile(&finite, 0.01), percentile(&finite, 0.99));
    if high > low { [low, high] } else { [low, low + 1e-3] }
}

/// Where `sigma` sits on the scale, 0 to 1.
fn scale_position(sigma: f32, [low, high]: [f32; 2]) -> f32 {
    ((sigma - low) / (high - low)).clamp(0.0, 1.0)
}

/// Viridis's key colours, dark (small σ: a confident encoder) to bright (large σ).
const VIRIDIS: [[f32; 3]; 5] =
    [[68.0, 1.0, 84.0], [59.0, 82.0, 139.0], [33.0, 145.0, 140.0], [94.0, 201.0, 98.0], [253.0, 231.0, 37.0]];

/// The σ scale's colour at `t` (0 to 1).
pub fn sigma_colour(t: f32) -> Color32 {
    let position = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f32;
    let index = (position.floor() as usize).min(VIRIDIS.len() - 2);
    let fraction = position - index as f32;
    let [r, g, b] = std::array::from_fn(|channel| {
        let (from, to) = (VIRIDIS[index][channel], VIRIDIS[index + 1][channel]);
        (from + (to - from) * fraction).round() as u8
    });
    Color32::from_rgb(r, g, b)
}

/// The σ scale: a colour bar between its two ends.
pub fn sigma_legend_ui(ui: &mut egui::Ui, [low, high]: [f32; 2]) {
    ui.horizontal(|ui| {
        ui.label(format!("mean σ {low:.3}"));
        let (rect, _) = ui.allocate_exact_size(egui::vec2(120.0, 12.0), egui::Sense::hover());
        let steps = 24;
        for step in 0..steps {
            let left = rect.left() + rect.width() * step as f32 / steps as f32;
            let right = rect.left() + rect.width() * (step + 1) as f32 / steps as f32;
            let cell = egui::Rect::from_min_max(egui::pos2(left, rect.top()), egui::pos2(right, rect.bottom()));
            ui.painter().rect_filled(cell, 0.0, sigma_colour((step as f32 + 0.5) / steps as f32));
        }
        ui.label(format!("{high:.3}"));
        ui.weak("(1st–99th percentile)");
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inference::ScatterSource;

    fn cloud() -> LatentCloud {
        let means = vec![0.0, 0.0, 1.0, 1.0, -1.0, 2.0];
        let log_vars = vec![0.0, 0.0, 4f32.ln(), 4f32.ln(), 0.01f32.ln(), 0.01f32.ln()];
        let labels = vec![0, 1, 2];
        LatentCloud {
            source: ScatterSource::Heldout,
            latent_dim: 2,
            fingerprint: LatentCloud::fingerprint_of(ScatterSource::Heldout, &means, &labels),
            means,
            labels,
            indices: vec![0, 1, 2],
            pca: None,
            epochs_done: 1,
            log_vars,
            kl_per_dim_nats: Vec::new(),
        }
    }

    fn input<'a>(cloud: &'a LatentCloud, projection: &'a Projection, spread: SpreadMode) -> SpreadInput<'a> {
        SpreadInput { cloud, projection, layout: None, spread, colouring: PointColouring::Class, seed: 4 }
    }

    #[test]
    fn ellipses_have_the_sigmas_of_each_point() {
        let (cloud, projection) = (cloud(), Projection::Dims { x: 0, y: 1 });
        let points = spread_points(&input(&cloud, &projection, SpreadMode::Ellipses));
        let axes: Vec<[f32; 2]> = points.ellipses.iter().map(|ellipse| ellipse.semi_axes).collect();
        assert_eq!(axes.len(), 3);
        assert!((axes[0][0] - 1.0).abs() < 1e-5 && (axes[1][0] - 2.0).abs() < 1e-5 && (axes[2][0] - 0.1).abs() < 1e-5);
        assert_eq!(points.coords[2], [-1.0, 2.0]);
        assert!(spread_points(&input(&cloud, &projection, SpreadMode::Means)).ellipses.is_empty());
    }

    #[test]
    fn samples_are_seeded_and_spread_by_sigma() {
        let (cloud, projection) = (cloud(), Projection::Dims { x: 0, y: 1 });
        let first = spread_points(&input(&cloud, &projection, SpreadMode::Sample)).coords;
        assert_eq!(first, spread_points(&input(&cloud, &projection, SpreadMode::Sample)).coords);
        let reseeded = spread_points(&SpreadInput { seed: 5, ..input(&cloud, &projection, SpreadMode::Sample) });
        assert_ne!(first, reseeded.coords);
        // σ = 0.1 keeps the third point near its mean; the means themselves are not the samples.
        assert!((first[2][0] + 1.0).abs() < 0.5 && (first[2][1] - 2.0).abs() < 0.5, "{first:?}");
        assert_ne!(first[0], [0.0, 0.0]);
    }

    #[test]
    fn sigma_colouring_runs_dark_to_bright_and_a_layout_wins() {
        let (cloud, projection) = (cloud(), Projection::Dims { x: 0, y: 1 });
        let sigma =
            SpreadInput { colouring: PointColouring::MeanSigma, ..input(&cloud, &projection, SpreadMode::Means) };
        let points = spread_points(&sigma);
        let [low, high] = points.sigma_range.expect("a σ scale");
        assert!(low < 0.2 && high > 1.9, "{low} {high}");
        // Point 2 (σ 0.1) is the darkest, point 1 (σ 2) the brightest.
        let brightness = |colour: Color32| u32::from(colour.r()) + u32::from(colour.g()) + u32::from(colour.b());
        assert!(brightness(points.colours[2]) < brightness(points.colours[0]));
        assert!(brightness(points.colours[0]) < brightness(points.colours[1]));
        let layout = [[5.0, 5.0], [6.0, 6.0], [7.0, 7.0]];
        let laid_out = SpreadInput { layout: Some(&layout), ..input(&cloud, &projection, SpreadMode::Ellipses) };
        let points = spread_points(&laid_out);
        assert_eq!(points.coords, layout);
        assert!(points.ellipses.is_empty(), "no ellipses in a t-SNE/UMAP plane");
    }
}
