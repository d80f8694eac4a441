//! The scatter's points and ellipses drawn into one image covering the plot: 60,000 separate
//! markers or ellipse lines would cost the UI thread several milliseconds a frame.

use egui::{Color32, ColorImage};
use egui_plot::{PlotBounds, PlotPoint};

use crate::latent::Ellipse;

/// Opacity of ellipse outlines (out of 255): thousands overlap.
const ELLIPSE_ALPHA: u8 = 70;

/// One class's share of the picture.
#[derive(Clone, Copy)]
pub struct RasterLayer<'a> {
    /// Plane positions.
    pub points: &'a [PlotPoint],
    /// Colour of each point.
    pub colours: &'a [Color32],
    /// 1-σ ellipse of each point, or empty.
    pub ellipses: &'a [Ellipse],
}

/// Maps plane coordinates to pixels of a `width × height` image showing `bounds`.
struct PixelMap {
    min: [f64; 2],
    scale: [f64; 2],
    width: usize,
    height: usize,
}

impl PixelMap {
    fn pixel(&self, x: f64, y: f64) -> [f64; 2] {
        [(x - self.min[0]) * self.scale[0], self.height as f64 - 1.0 - (y - self.min[1]) * self.scale[1]]
    }
}

/// Draws the layers' ellipses (behind), then their points as `pixels_per_point`-scaled dots.
pub fn rasterise<'a>(
    layers: impl Iterator<Item = RasterLayer<'a>> + Clone,
    bounds: &PlotBounds,
    [width, height]: [usize; 2],
    pixels_per_point: f32,
) -> ColorImage {
    let mut image = ColorImage::filled([width, height], Color32::TRANSPARENT);
    let map = PixelMap {
        min: bounds.min(),
        scale: [width as f64 / bounds.width(), height as f64 / bounds.height()],
        width,
        height,
    };
    for layer in layers.clone() {
        for (ellipse, colour) in layer.ellipses.iter().zip(layer.colours) {
            draw_ellipse(&mut image, &map, ellipse, *colour);
        }
    }
    let dot = (pixels_per_point * 2.0).round().max(1.0) as isize;
    for layer in layers {
        for (point, colour) in layer.points.iter().zip(layer.colours) {
            let [x, y] = map.pixel(point.x, point.y);
            let (x, y) = (x as isize, y as isize);
            for dy in 0..dot {
                for dx in 0..dot {
                    put(&mut image, x + dx, y + dy, *colour);
                }
            }
        }
    }
    image
}

fn put(image: &mut ColorImage, x: isize, y: isize, colour: Color32) {
    let [width, height] = image.size;
    if (0..width as isize).contains(&x) && (0..height as isize).contains(&y) {
        image.pixels[y as usize * width + x as usize] = colour;
    }
}

/// Blends `colour` at `ELLIPSE_ALPHA` over the pixel (premultiplied "over").
fn blend(image: &mut ColorImage, x: isize, y: isize, colour: Color32) {
    let [width, height] = image.size;
    if !((0..width as isize).contains(&x) && (0..height as isize).contains(&y)) {
        return;
    }
    let pixel = &mut image.pixels[y as usize * width + x as usize];
    let alpha = u16::from(ELLIPSE_ALPHA);
    let over = |source: u8, below: u8| -> u8 {
        let value = u16::from(source) * alpha / 255 + u16::from(below) * (255 - alpha) / 255;
        value.min(255) as u8
    };
    *pixel = Color32::from_rgba_premultiplied(
        over(colour.r(), pixel.r()),
        over(colour.g(), pixel.g()),
        over(colour.b(), pixel.b()),
        over(255, pixel.a()),
    );
}

/// The ellipse's outline as straight segments, enough for a smooth curve at its size on screen.
fn draw_ellipse(image: &mut ColorImage, map: &PixelMap, ellipse: &Ellipse, colour: Color32) {
    let [major, minor] = ellipse.semi_axes.map(f64::from);
    let radius_px = major * map.scale[0].max(map.scale[1]);
    if !radius_px.is_finite() || radius_px < 1.5 || minor.is_nan() {
        return;
    }
    let [cx, cy] = map.pixel(f64::from(ellipse.center[0]), f64::from(ellipse.center[1]));
    let (w, h) = (map.width as f64, map.height as f64);
    if cx + radius_px < 0.0 || cy + radius_px < 0.0 || cx - radius_px > w || cy - radius_px > h {
        return;
    }
    let segments = ((std::f64::consts::TAU * radius_px / 4.0) as usize).clamp(12, 128);
    let outline = ellipse.outline(segments);
    let Some(&last) = outline.last() else { return };
    let mut from = map.pixel(f64::from(last[0]), f64::from(last[1]));
    for vertex in outline {
        let to = map.pixel(f64::from(vertex[0]), f64::from(vertex[1]));
        let steps = (to[0] - from[0]).abs().max((to[1] - from[1]).abs()).ceil().max(1.0) as usize;
        // Each step's last pixel is the next segment's first: drawn once per segment.
        for step in 0..steps {
            let t = step as f64 / steps as f64;
            let (x, y) = (from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t);
            blend(image, x.round() as isize, y.round() as isize, colour);
        }
        from = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ellipse_is_drawn_as_its_outline_and_a_point_as_a_dot() {
        let bounds = PlotBounds::from_min_max([-10.0, -10.0], [10.0, 10.0]);
        let points = [PlotPoint::new(0.0, 0.0)];
        let colours = [Color32::from_rgb(255, 0, 0)];
        let ellipses = [Ellipse { center: [0.0, 0.0], semi_axes: [5.0, 2.5], angle_rad: 0.0 }];
        let layer = || std::iter::once(RasterLayer { points: &points, colours: &colours, ellipses: &ellipses });
        let image = rasterise(layer(), &bounds, [100, 100], 1.0);
        let at = |x: usize, y: usize| image.pixels[y * 100 + x];
        // 1 plane unit = 5 px; the centre is pixel (50, 49.5); the major axis ends 25 px right.
        assert_eq!(at(50, 49), Color32::from_rgb(255, 0, 0));
        assert!((73..=77).any(|x| (47..=52).any(|y| at(x, y).a() > 0)), "the outline's right end");
        assert_eq!(at(62, 49).a(), 0, "inside the ellipse stays empty");
        let without = rasterise(
            std::iter::once(RasterLayer { points: &points, colours: &colours, ellipses: &[] }),
            &bounds,
            [100, 100],
            1.0,
        );
        assert!(without.pixels.iter().filter(|pixel| pixel.a() > 0).count() < 10);
    }
}
