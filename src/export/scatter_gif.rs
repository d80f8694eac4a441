//! The latent scatter's evolution over training as an animated GIF, one frame per epoch.

use std::path::Path;

use ab_glyph::FontRef;
use image::{Rgb, RgbImage};

use super::{ExportError, write_gif};
use crate::render::{TextStyle, check_output_size, draw_text, hack_font, text_width_px};

/// Background of every frame.
const BACKGROUND: Rgb<u8> = Rgb([16, 16, 16]);

/// The lines x = 0 and y = 0, under the points.
const ZERO_LINE_GREY: [u8; 3] = [48, 48, 48];
/// The plot's frame and ticks.
const AXIS_GREY: [u8; 3] = [110, 110, 110];
/// Caption and tick labels.
const TEXT_GREY: [u8; 3] = [220, 220, 220];
/// Height of the caption and tick labels, in pixels.
const TEXT_PX: f32 = 13.0;
/// Room above the plot for the caption, in pixels.
const TOP_PX: u32 = 22;
/// Room left of the plot for the y ticks' labels, in pixels.
const LEFT_PX: u32 = 44;
/// Room below the plot for the x ticks' labels and the axis names, in pixels.
const BOTTOM_PX: u32 = 36;
/// Room right of the plot, in pixels.
const RIGHT_PX: u32 = 10;

/// One frame: plane coordinates of the points, their classes, and the epoch they show.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterFrame {
    /// Point positions in the plane.
    pub points: Vec<[f32; 2]>,
    /// Class of each point.
    pub labels: Vec<u8>,
    /// Epochs the encoding model had trained (0: before the first ended).
    pub epoch: usize,
}

/// Draws `frames` on `side_px`-square canvases over the same extent (the union of every frame),
/// each with the plane's axes (`axis_names`: x, then y), ticks and its epoch, and writes them as
/// a looping GIF with [`write_gif`]; `color` gives each class its RGB colour. `side_px` is at
/// least 128 and at most [`crate::render::MAX_EXPORT_SIDE_PX`] ([`ExportError::Render`] beyond).
pub fn write_scatter_gif(
    path: &Path,
    frames: &[ScatterFrame],
    axis_names: [&str; 2],
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
    let side_px = side_px.max(128);
    check_output_size(u64::from(side_px), u64::from(side_px))?;
    crate::render::check_animation_size(frames.len(), side_px, side_px)?;
    let extent = union_extent(frames);
    let font = hack_font();
    let canvases: Vec<RgbImage> = frames
        .iter()
        .map(|frame| {
            let mut canvas = draw(frame, extent, side_px, &color);
            if let Some(font) = &font {
                draw_axes(&mut canvas, font, extent, axis_names, frame.epoch);
            }
            canvas
        })
        .collect();
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

/// The square plot inside a `side`-pixel canvas: [left, top, side of the plot] in pixels.
fn plot_area(side: u32) -> [u32; 3] {
    let plot = side.saturating_sub(LEFT_PX + RIGHT_PX).min(side.saturating_sub(TOP_PX + BOTTOM_PX)).max(2);
    [LEFT_PX, TOP_PX, plot]
}

/// The same data span on both axes, the narrower one centred, so the plane keeps its shape:
/// [min x, min y, span].
fn square_span([min_x, min_y, max_x, max_y]: [f32; 4]) -> [f32; 3] {
    let span = (max_x - min_x).max(max_y - min_y).max(f32::MIN_POSITIVE);
    [(min_x + max_x - span) / 2.0, (min_y + max_y - span) / 2.0, span]
}

fn draw(frame: &ScatterFrame, extent: [f32; 4], side: u32, color: &impl Fn(u8) -> [u8; 3]) -> RgbImage {
    let mut canvas = RgbImage::from_pixel(side, side, BACKGROUND);
    let [left, top, plot] = plot_area(side);
    let [min_x, min_y, span] = square_span(extent);
    let zero_x = i64::from(left) + (-min_x / span * (plot - 2) as f32) as i64;
    let zero_y = i64::from(top) + (plot - 2) as i64 - (-min_y / span * (plot - 2) as f32) as i64;
    for offset in 0..plot {
        if let Some(x) = u32::try_from(zero_x).ok().filter(|x| (left..left + plot).contains(x)) {
            canvas.put_pixel(x, top + offset, Rgb(ZERO_LINE_GREY));
        }
        if let Some(y) = u32::try_from(zero_y).ok().filter(|y| (top..top + plot).contains(y)) {
            canvas.put_pixel(left + offset, y, Rgb(ZERO_LINE_GREY));
        }
    }
    for (&[x, y], &label) in frame.points.iter().zip(&frame.labels) {
        let px = i64::from(left) + ((x - min_x) / span * (plot - 2) as f32) as i64;
        let py = i64::from(top) + (plot - 2) as i64 - ((y - min_y) / span * (plot - 2) as f32) as i64;
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

/// The plot's frame, ticks at round values with their labels, the axis names and the frame's
/// epoch (the zero lines are drawn under the points by [`draw`]).
fn draw_axes(canvas: &mut RgbImage, font: &FontRef<'_>, extent: [f32; 4], [x_name, y_name]: [&str; 2], epoch: usize) {
    let side = canvas.width();
    let [left, top, plot] = plot_area(side);
    let [min_x, min_y, span] = square_span(extent);
    let to_px = |value: f32, min: f32| ((value - min) / span * (plot - 2) as f32) as i64;
    let (right, bottom) = (left + plot - 1, top + plot - 1);
    let grey = Rgb(AXIS_GREY);
    for offset in 0..plot {
        for (x, y) in [(left + offset, top), (left + offset, bottom), (left, top + offset), (right, top + offset)] {
            canvas.put_pixel(x, y, grey);
        }
    }
    let text = |size: f32, width: f32| TextStyle { size_px: size, ink: TEXT_GREY, max_width_px: width };
    let step = tick_step(span);
    for tick in ticks(min_x, min_x + span, step) {
        let x = i64::from(left) + to_px(tick, min_x);
        if (i64::from(left)..=i64::from(right)).contains(&x) {
            for y in bottom..(bottom + 4).min(side) {
                canvas.put_pixel(x as u32, y, grey);
            }
            let label = tick_label(tick, step);
            let width = text_width_px(font, &label, TEXT_PX);
            draw_text(canvas, font, &label, [x as f32 - width / 2.0, (bottom + 16) as f32], text(TEXT_PX, 60.0));
        }
    }
    for tick in ticks(min_y, min_y + span, step) {
        let y = i64::from(top) + (plot - 2) as i64 - to_px(tick, min_y);
        if (i64::from(top)..=i64::from(bottom)).contains(&y) {
            for x in left.saturating_sub(4)..left {
                canvas.put_pixel(x, y as u32, grey);
            }
            let label = tick_label(tick, step);
            let width = text_width_px(font, &label, TEXT_PX).min(LEFT_PX as f32 - 6.0);
            let baseline = y as f32 + TEXT_PX * 0.35;
            draw_text(canvas, font, &label, [left as f32 - 6.0 - width, baseline], text(TEXT_PX, LEFT_PX as f32 - 6.0));
        }
    }
    let names = format!("x: {x_name}   y: {y_name}");
    let names_width = text_width_px(font, &names, TEXT_PX).min(plot as f32);
    let names_left = (right as f32 - names_width).max(left as f32);
    draw_text(canvas, font, &names, [names_left, (bottom + 32) as f32], text(TEXT_PX, plot as f32));
    draw_text(canvas, font, &format!("epoch {epoch}"), [left as f32, 16.0], text(TEXT_PX + 2.0, plot as f32));
}

/// A round distance between ticks (1, 2 or 5 times a power of ten) giving 3 to 7 ticks over `span`.
fn tick_step(span: f32) -> f32 {
    let rough = f64::from(span.max(f32::MIN_POSITIVE)) / 5.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|factor| factor * power).find(|step| *step >= rough);
    step.unwrap_or(10.0 * power) as f32
}

/// The multiples of `step` from `from` to `to` (at most 20).
fn ticks(from: f32, to: f32, step: f32) -> impl Iterator<Item = f32> {
    let first = (from / step).ceil() as i64;
    (first..).take(20).map(move |index| index as f32 * step).take_while(move |tick| *tick <= to)
}

/// A tick's value with as many decimals as its step needs ("-0" shown as "0").
fn tick_label(value: f32, step: f32) -> String {
    let decimals = (-f64::from(step).log10().floor()).clamp(0.0, 6.0) as usize;
    let label = format!("{value:.decimals$}");
    if label.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_string() } else { label }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_values_inside_the_span() {
        assert_eq!(tick_step(10.0), 2.0);
        assert_eq!(tick_step(0.9), 0.2);
        assert_eq!(tick_step(47.0), 10.0);
        let shown: Vec<String> = ticks(-3.1, 4.2, 2.0).map(|tick| tick_label(tick, 2.0)).collect();
        assert_eq!(shown, ["-2", "0", "2", "4"]);
        assert_eq!(tick_label(-0.0001, 0.2), "0");
        assert_eq!(tick_label(0.4, 0.2), "0.4");
    }

    #[test]
    fn every_frame_carries_its_epoch_and_axes() {
        let font = hack_font().expect("egui's Hack font parses");
        let frame = ScatterFrame { points: vec![[0.0, 0.0], [1.0, 1.0]], labels: vec![0, 1], epoch: 3 };
        let extent = union_extent(std::slice::from_ref(&frame));
        let bare = draw(&frame, extent, 240, &|_| [255, 0, 0]);
        let mut labelled = bare.clone();
        draw_axes(&mut labelled, &font, extent, ["z0", "z1"], 3);
        let changed = |x0: u32, x1: u32, y0: u32, y1: u32| {
            (x0..x1).any(|x| (y0..y1).any(|y| bare.get_pixel(x, y) != labelled.get_pixel(x, y)))
        };
        assert!(changed(LEFT_PX, 120, 0, TOP_PX), "the epoch caption above the plot");
        assert!(changed(0, LEFT_PX, TOP_PX, 240 - BOTTOM_PX), "y tick labels left of the plot");
        assert!(changed(LEFT_PX, 240, 240 - BOTTOM_PX, 240), "x ticks and axis names below the plot");
        let mut other_epoch = bare.clone();
        draw_axes(&mut other_epoch, &font, extent, ["z0", "z1"], 4);
        assert_ne!(other_epoch, labelled, "the caption names the frame's epoch");
    }
}
