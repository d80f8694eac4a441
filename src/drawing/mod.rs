//! A picture drawn with the mouse, as plain data (no egui, no tensors): strokes in canvas units,
//! rasterised ([`coverage`]) and turned into the served model's input ([`drawing_input`]) on the
//! inference thread. The window only records strokes.

mod model_input;
mod raster;

pub use model_input::{
    DIGIT_RASTER_SIDE_PX, EncodedDrawing, PICTURE_RASTER_SIDE_PX, canvas_colours, default_ink, drawing_input,
};
pub use raster::{MAX_RASTER_SIDE_PX, coverage};

use std::ops::RangeInclusive;

/// Most points a drawing keeps, all strokes together; later points are ignored.
pub const MAX_POINTS: usize = 20_000;
/// Most strokes a drawing keeps; later strokes are ignored (undo makes room).
pub const MAX_STROKES: usize = 2_000;
/// Accepted brush radii, as a share of the canvas side.
pub const BRUSH_RADIUS_RANGE: RangeInclusive<f32> = 0.005..=0.25;
/// Brush radius used when none (or a non-finite one) is given, as a share of the canvas side: about
/// MNIST's stroke width once the digit is fitted.
pub const DEFAULT_BRUSH_RADIUS: f32 = 0.045;
/// How far outside the canvas (in canvas sides) a point may lie; further points are pulled back to
/// this margin. A stroke may leave the canvas, where it is clipped, but not run to infinity.
const OUTSIDE_MARGIN: f32 = 2.0;

/// One stroke of the brush or the eraser.
#[derive(Clone, Debug, PartialEq)]
pub struct Stroke {
    /// Points along the stroke in canvas units: `(0, 0)` is the top-left corner, `(1, 1)` the
    /// bottom-right one.
    pub points: Vec<[f32; 2]>,
    /// Brush radius as a share of the canvas side.
    pub radius: f32,
    /// True when the stroke erases ink instead of laying it.
    pub erase: bool,
}

/// A drawing: strokes in the order they were drawn, and the ink's colour for colour models.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    strokes: Vec<Stroke>,
    /// The ink's RGB colour for models with their own preprocessing; `None` picks black or white,
    /// whichever stands out from the model's background. Digit (MNIST-style) models always get
    /// white ink on black, as MNIST has.
    pub ink: Option<[u8; 3]>,
}

impl Drawing {
    /// The strokes, oldest first.
    pub fn strokes(&self) -> &[Stroke] {
        &self.strokes
    }

    /// Points in all strokes together.
    pub fn point_count(&self) -> usize {
        self.strokes.iter().map(|stroke| stroke.points.len()).sum()
    }

    /// True when no stroke lays ink (an eraser stroke on an empty canvas leaves it empty).
    pub fn is_empty(&self) -> bool {
        self.strokes.iter().all(|stroke| stroke.erase)
    }

    /// Starts a stroke at `point` (canvas units) with a brush of `radius` (share of the side,
    /// clamped to [`BRUSH_RADIUS_RANGE`]). False, and nothing changes, when the point is not a
    /// number or the drawing is full ([`MAX_STROKES`], [`MAX_POINTS`]).
    pub fn begin(&mut self, point: [f32; 2], radius: f32, erase: bool) -> bool {
        let Some(point) = sanitised(point) else { return false };
        if self.strokes.len() >= MAX_STROKES || self.point_count() >= MAX_POINTS {
            return false;
        }
        let radius = if radius.is_finite() { radius } else { DEFAULT_BRUSH_RADIUS };
        let radius = radius.clamp(*BRUSH_RADIUS_RANGE.start(), *BRUSH_RADIUS_RANGE.end());
        self.strokes.push(Stroke { points: vec![point], radius, erase });
        true
    }

    /// Continues the newest stroke to `point` (canvas units). False, and nothing changes, when
    /// there is no stroke, the point is not a number, repeats the last one, or the drawing is full.
    pub fn extend(&mut self, point: [f32; 2]) -> bool {
        let Some(point) = sanitised(point) else { return false };
        if self.point_count() >= MAX_POINTS {
            return false;
        }
        let Some(stroke) = self.strokes.last_mut() else { return false };
        if stroke.points.last() == Some(&point) {
            return false;
        }
        stroke.points.push(point);
        true
    }

    /// Removes the newest stroke; false when there was none.
    pub fn undo(&mut self) -> bool {
        self.strokes.pop().is_some()
    }

    /// Removes every stroke (the ink colour stays).
    pub fn clear(&mut self) {
        self.strokes.clear();
    }
}

/// `point` pulled to within [`OUTSIDE_MARGIN`] of the canvas; `None` when it is not a number.
fn sanitised([x, y]: [f32; 2]) -> Option<[f32; 2]> {
    let bound = |value: f32| value.clamp(-OUTSIDE_MARGIN, 1.0 + OUTSIDE_MARGIN);
    (x.is_finite() && y.is_finite()).then(|| [bound(x), bound(y)])
}

#[cfg(test)]
mod tests;
