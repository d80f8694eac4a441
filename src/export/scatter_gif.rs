//! The latent scatter's evolution over training as an animated GIF, one frame per epoch.

use std::path::Path;

use image::{Rgb, RgbImage};

use super::{ExportError, write_gif};
use crate::render::check_output_size;

/// Background of every frame.
const BACKGROUND: Rgb<u8> = Rgb([16, 16, 16]);

/// One frame: plane coordinates of the points and their classes.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterFrame {
    /// Point positions in the plane.
    pub points: Vec<[f32; 2]>,
    /// Class of each point.
    pub labels: Vec<u8>,
}

/// Draws `frames` on `side_px`-square canvases over the same extent (the union of every frame)
/// and writes them as a looping GIF with [`write_gif`]; `color` gives each class its RGB colour. `side_px` is
/// at least 16 and at most [`crate::render::MAX_EXPORT_SIDE_PX`] ([`ExportError::Render`] beyond).
pub fn write_scatter_gif(
    path: &Path,
    frames: &[ScatterFrame],
    side_px: u32,
    frames_per_sec: f32,
    color: impl Fn(u8) -> [u8; 3],
) -> Result<(), ExportError> {
    if frames.is_empty() {
        return Err(ExportError::NoFrames);
    }
    if !(frames_per_sec.is_finite() && frames_per_sec > 0.0) {
        return Err(ExportError::InvalidFrameRate { frames_per_sec });
    }
    let side_px = side_px.max(16);
    check_output_size(u64::from(side_px), u64::from(side_px))?;
    crate::render::check_animation_size(frames.len(), side_px, side_px)?;
    let extent = union_extent(frames);
    let canvases: Vec<RgbImage> = frames.iter().map(|frame| draw(frame, extent, side_px, &color)).collect();
    write_gif(path, &canvases, frames_per_sec, false)?;
    Ok(())
}

/// [min x, min y, max x, max y] over every frame, with a 5 % margin.
fn union_extent(frames: &[ScatterFrame]) -> [f32; 4] {
    let mut extent = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for [x, y] in frames.iter().flat_map(|frame| &frame.points).filter(|point| point.iter().all(|v| v.is_finite())) {
        extent = [extent[0].min(*x), extent[1].min(*y), extent[2].max(*x), extent[3].max(*y)];
    }
    if extent[0] > extent[2] {
        return [-1.0, -1.0, 1.0, 1.0];
    }
    let margin = 0.05 * (extent[2] - extent[0]).max(extent[3] - extent[1]).max(1e-3);
    [extent[0] - margin, extent[1] - margin, extent[2] + margin, extent[3] + margin]
}

fn draw(
    frame: &ScatterFrame,
    [min_x, min_y, max_x, max_y]: [f32; 4],
    side: u32,
    color: &impl Fn(u8) -> [u8; 3],
) -> RgbImage {
    let mut canvas = RgbImage::from_pixel(side, side, BACKGROUND);
    let span = (max_x - min_x).max(max_y - min_y);
    for (&[x, y], &label) in frame.points.iter().zip(&frame.labels) {
        let px = ((x - min_x) / span * (side - 2) as f32) as i64;
        let py = (side - 2) as i64 - ((y - min_y) / span * (side - 2) as f32) as i64;
        let [r, g, b] = color(label);
        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let (cx, cy) = (px + dx, py + dy);
            if (0..i64::from(side)).contains(&cx) && (0..i64::from(side)).contains(&cy) {
                canvas.put_pixel(cx as u32, cy as u32, Rgb([r, g, b]));
            }
        }
    }
    canvas
}
