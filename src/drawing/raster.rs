//! Strokes → ink coverage on a pixel grid: each stroke is a chain of round-capped segments of the
//! brush's width, with a one-pixel soft edge; eraser strokes take ink away. Whatever lies outside
//! the grid is clipped.

use super::{Drawing, Stroke};

/// Largest grid side rasterised, in pixels.
pub const MAX_RASTER_SIDE_PX: usize = 1024;

/// Ink coverage of `drawing` on a `width × height` grid onto which the canvas's unit square is
/// stretched: row-major `[height, width]`, 0 (paper) to 1 (ink). `None` when a side is 0 or above
/// [`MAX_RASTER_SIDE_PX`]. The brush radius is a share of the shorter side.
pub fn coverage(drawing: &Drawing, width: usize, height: usize) -> Option<Vec<f32>> {
    let sides = 1..=MAX_RASTER_SIDE_PX;
    if !sides.contains(&width) || !sides.contains(&height) {
        return None;
    }
    let mut grid = Grid { values: vec![0.0; width * height], width, height };
    for stroke in drawing.strokes() {
        grid.paint(stroke);
    }
    Some(grid.values)
}

/// Coverage of one stroke however it was built (tests feed it strokes a [`Drawing`] refuses).
#[cfg(test)]
pub(super) fn coverage_of_stroke(stroke: &Stroke, width: usize, height: usize) -> Vec<f32> {
    let mut grid = Grid { values: vec![0.0; width * height], width, height };
    grid.paint(stroke);
    grid.values
}

/// The coverage being built.
struct Grid {
    values: Vec<f32>,
    width: usize,
    height: usize,
}

impl Grid {
    fn paint(&mut self, stroke: &Stroke) {
        let radius_px = stroke.radius * self.width.min(self.height) as f32;
        if !(radius_px.is_finite() && radius_px > 0.0) {
            return;
        }
        let to_px = |[x, y]: [f32; 2]| [x * self.width as f32, y * self.height as f32];
        let points: Vec<[f32; 2]> = stroke
            .points
            .iter()
            .filter(|point| point.iter().all(|value| value.is_finite()))
            .map(|&point| to_px(point))
            .collect();
        match points.as_slice() {
            [] => {}
            [only] => self.segment(*only, *only, radius_px, stroke.erase),
            _ => {
                for pair in points.windows(2) {
                    self.segment(pair[0], pair[1], radius_px, stroke.erase);
                }
            }
        }
    }

    /// Paints the capsule of radius `radius_px` around the segment `from`–`to` (pixel units).
    fn segment(&mut self, from: [f32; 2], to: [f32; 2], radius_px: f32, erase: bool) {
        let reach = radius_px + 1.0;
        // Pixel ranges touched, clipped to the grid (float-to-int casts saturate).
        let span = |a: f32, b: f32, size: usize| {
            let low = (a.min(b) - reach).floor().max(0.0) as usize;
            let high = ((a.max(b) + reach).ceil().max(0.0) as usize).min(size);
            low..high
        };
        let (columns, rows) = (span(from[0], to[0], self.width), span(from[1], to[1], self.height));
        for row in rows {
            for column in columns.clone() {
                let centre = [column as f32 + 0.5, row as f32 + 0.5];
                let distance = distance_to_segment(centre, from, to);
                let ink = (radius_px + 0.5 - distance).clamp(0.0, 1.0);
                if ink.is_nan() || ink <= 0.0 {
                    continue;
                }
                let value = &mut self.values[row * self.width + column];
                *value = if erase { value.min(1.0 - ink) } else { value.max(ink) };
            }
        }
    }
}

/// Distance from `point` to the segment `from`–`to`.
fn distance_to_segment(point: [f32; 2], from: [f32; 2], to: [f32; 2]) -> f32 {
    let (dx, dy) = (to[0] - from[0], to[1] - from[1]);
    let length_squared = dx * dx + dy * dy;
    let along = if length_squared > 0.0 {
        (((point[0] - from[0]) * dx + (point[1] - from[1]) * dy) / length_squared).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (nearest_x, nearest_y) = (from[0] + along * dx, from[1] + along * dy);
    (point[0] - nearest_x).hypot(point[1] - nearest_y)
}
