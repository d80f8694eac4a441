//! The MNIST steps after decoding: find the paper and the ink, stretch the contrast, crop to the
//! ink, scale into the 20/28 box and centre the ink's mass.

use image::imageops::{self, FilterType};
use image::{GrayImage, ImageBuffer, Luma};

use super::{BOX_FRACTION, INK_THRESHOLD, ImportedImage, MIN_CONTRAST};

/// Runs the MNIST normalisation on a grayscale image; `None` when it is blank.
pub fn normalise(gray: &GrayImage, target_height: usize, target_width: usize) -> Option<ImportedImage> {
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let raw = gray.as_raw();
    if w == 0 || h == 0 || raw.len() != w * h {
        return None;
    }

    // Border pixels decide which side is paper: a light border means dark ink, which is inverted.
    let mut border_hist = [0u64; 256];
    let mut add = |v: u8| border_hist[usize::from(v)] += 1;
    for x in 0..w {
        add(raw[x]);
        if h > 1 {
            add(raw[(h - 1) * w + x]);
        }
    }
    for y in 1..h.saturating_sub(1) {
        add(raw[y * w]);
        if w > 1 {
            add(raw[y * w + w - 1]);
        }
    }
    let border_count: u64 = border_hist.iter().sum();
    let border_sum: u64 = border_hist.iter().enumerate().map(|(v, &c)| v as u64 * c).sum();
    let invert = border_sum > 127 * border_count;
    let ink = |v: u8| if invert { 255 - v } else { v };

    // Background level: median border value, in ink orientation.
    let mut seen = 0;
    let mut background = 0u8;
    for v in 0..=255u8 {
        seen += border_hist[usize::from(ink(v))];
        if 2 * seen >= border_count {
            background = v;
            break;
        }
    }
    let peak = raw.iter().map(|&v| ink(v)).max().unwrap_or(0);
    if peak < background.saturating_add(MIN_CONTRAST) {
        return None;
    }

    // Linear map: the noise floor above the background goes to 0, the brightest ink to 1.
    let floor = f32::from(background) + INK_THRESHOLD * f32::from(peak - background);
    let span = f32::from(peak) - floor;
    let mut lut = [0.0f32; 256];
    for (v, out) in lut.iter_mut().enumerate() {
        *out = ((f32::from(ink(v as u8)) - floor) / span).clamp(0.0, 1.0);
    }

    // Bounding box of the ink.
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for (y, row) in raw.chunks_exact(w).enumerate() {
        let is_ink = |&v: &u8| lut[usize::from(v)] > 0.0;
        if let (Some(first), Some(last)) = (row.iter().position(is_ink), row.iter().rposition(is_ink)) {
            x0 = x0.min(first);
            x1 = x1.max(last);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if x0 > x1 || y0 > y1 {
        return None;
    }
    let (crop_w, crop_h) = (x1 - x0 + 1, y1 - y0 + 1);

    // Size of the fitted box, keeping the aspect ratio.
    let box_h = ((target_height as f64 * BOX_FRACTION).round() as usize).clamp(1, target_height);
    let box_w = ((target_width as f64 * BOX_FRACTION).round() as usize).clamp(1, target_width);
    let scale = (box_h as f64 / crop_h as f64).min(box_w as f64 / crop_w as f64);
    let out_h = ((crop_h as f64 * scale).round() as usize).clamp(1, box_h);
    let out_w = ((crop_w as f64 * scale).round() as usize).clamp(1, box_w);

    // Large reductions: average k × k blocks first (cost linear in the source), leaving ≥ 2× for the filter.
    let factor = if scale < 0.25 { (0.5 / scale).floor() as usize } else { 1 };
    let reduced = box_reduce(raw, w, (x0, y0, crop_w, crop_h), factor, &lut);
    // Catmull-Rom is about as sharp as Lanczos3 but lacks its outer positive lobe, whose ringing leaves faint
    // speckles on the black background.
    let resized = imageops::resize(&reduced, out_w as u32, out_h as u32, FilterType::CatmullRom);
    let mut values: Vec<f32> = resized.into_raw().into_iter().map(|v| v.clamp(0.0, 1.0)).collect();

    // Thin strokes get dimmer when shrunk; bring the brightest pixel back to full ink as in MNIST.
    let max = values.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return None;
    }
    values.iter_mut().for_each(|v| *v /= max);

    // Centre of mass, with pixel centres at i + 0.5.
    let (mut mass, mut mx, mut my) = (0.0f64, 0.0f64, 0.0f64);
    for (y, row) in values.chunks_exact(out_w).enumerate() {
        for (x, &v) in row.iter().enumerate() {
            let v = f64::from(v);
            mass += v;
            mx += v * (x as f64 + 0.5);
            my += v * (y as f64 + 0.5);
        }
    }
    let place = |target: usize, size: usize, centre: f64| -> usize {
        let offset = (target as f64 / 2.0 - centre).round().max(0.0) as usize;
        offset.min(target - size)
    };
    let left = place(target_width, out_w, mx / mass);
    let top = place(target_height, out_h, my / mass);

    let mut pixels = vec![0u8; target_height * target_width];
    for (y, row) in values.chunks_exact(out_w).enumerate() {
        let start = (top + y) * target_width + left;
        for (out, &v) in pixels[start..start + out_w].iter_mut().zip(row) {
            *out = (v * 255.0).round() as u8;
        }
    }
    Some(ImportedImage { height: target_height, width: target_width, pixels })
}

/// Crops `(x0, y0, cw, ch)` out of the row-major `raw` image of width `w`, maps it through `lut` and averages
/// `factor × factor` blocks (partial blocks at the right and bottom edges average what they cover).
fn box_reduce(
    raw: &[u8],
    w: usize,
    (x0, y0, cw, ch): (usize, usize, usize, usize),
    factor: usize,
    lut: &[f32; 256],
) -> ImageBuffer<Luma<f32>, Vec<f32>> {
    let factor = factor.max(1);
    let (rw, rh) = (cw.div_ceil(factor), ch.div_ceil(factor));
    let mut sums = vec![0.0f32; rw * rh];
    let mut counts = vec![0u32; rw * rh];
    for y in 0..ch {
        let row = &raw[(y0 + y) * w + x0..(y0 + y) * w + x0 + cw];
        let out_row = (y / factor) * rw;
        for (x, &v) in row.iter().enumerate() {
            sums[out_row + x / factor] += lut[usize::from(v)];
            counts[out_row + x / factor] += 1;
        }
    }
    let data: Vec<f32> = sums.iter().zip(&counts).map(|(&s, &c)| s / c.max(1) as f32).collect();
    ImageBuffer::from_raw(rw as u32, rh as u32, data).unwrap_or_else(|| ImageBuffer::new(rw as u32, rh as u32))
}
