//! The host convolution's data movement around its matrix products: the im2col gather that lays
//! every kernel tap's inputs out as one row of a matrix, and its col2im scatter-add back. Plain
//! slices in, plain slices out: no tensors here.

use super::geometry::PatchGeometry;
use super::line_kernels::{
    add_four_taps_stride_two, add_three_taps_stride_two, gather, gather_four_taps_stride_two, scatter_add,
};

/// Gathers `input` ([batch, channels, height, width]) into `cols`, the column matrix
/// [channels·kh·kw, batch·positions]: row (c, ki, kj) holds, for every image and output position,
/// the input value that kernel tap reads. The entries that read the padding are not written: they
/// must be 0 already (a fresh buffer, or one last filled for the same geometry).
pub fn im2col_into(geometry: &PatchGeometry, input: &[f32], cols: &mut [f32]) {
    let g = *geometry;
    let columns = g.columns();
    if columns == 0 {
        return;
    }
    let mut rows: Vec<&mut [f32]> = cols.chunks_mut(columns).collect();
    for image in 0..g.batch {
        for channel in 0..g.channels {
            let start = (image * g.channels + channel) * g.plane_in();
            let map = &input[start..start + g.plane_in()];
            gather_taps(&g, map, channel, image, &mut rows);
        }
    }
}

/// Writes the taps of one input `map` (channel `channel` of image `local`) into their rows:
/// `rows[(channel, ki, kj)]` holds the images one after another. The entries that read the
/// padding are left as they are.
fn gather_taps(g: &PatchGeometry, map: &[f32], channel: usize, local: usize, rows: &mut [&mut [f32]]) {
    let [kernel_h, kernel_w] = g.kernel;
    let [width_in, width_out] = [g.side_in[1], g.side_out[1]];
    let positions = g.positions_out();
    for tap_h in 0..kernel_h {
        let (first_h, end_h) = g.valid_range(0, tap_h);
        if g.is_four_wide_stride_two() {
            let row = (channel * kernel_h + tap_h) * kernel_w;
            let [first, second, third, fourth] = &mut rows[row..row + 4] else {
                unreachable!("a 4-wide kernel has four taps per row")
            };
            let images = local * positions..(local + 1) * positions;
            let taps = [first, second, third, fourth].map(|tap| &mut tap[images.clone()]);
            let [first, second, third, fourth] = taps;
            for out_h in first_h..end_h {
                let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                let line = &map[in_h * width_in..(in_h + 1) * width_in];
                let range = out_h * width_out..(out_h + 1) * width_out;
                let segments = [
                    &mut first[range.clone()],
                    &mut second[range.clone()],
                    &mut third[range.clone()],
                    &mut fourth[range.clone()],
                ];
                gather_four_taps_stride_two(line, segments);
            }
            continue;
        }
        for tap_w in 0..kernel_w {
            let (first_w, end_w) = g.valid_range(1, tap_w);
            if first_w >= end_w {
                continue;
            }
            let in_w = first_w * g.stride[1] + tap_w - g.padding[1];
            let row = (channel * kernel_h + tap_h) * kernel_w + tap_w;
            let segment = &mut rows[row][local * positions..(local + 1) * positions];
            for out_h in first_h..end_h {
                let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                let line = &map[in_h * width_in..(in_h + 1) * width_in];
                let target = &mut segment[out_h * width_out + first_w..out_h * width_out + end_w];
                gather(target, line, in_w, g.stride[1]);
            }
        }
    }
}

/// The adjoint of [`im2col_into`]: adds every entry of `cols` ([channels·kh·kw, batch·positions]) into
/// the input position its tap reads, into `output` ([batch, channels, height, width], padding
/// dropped, zeros on entry), plus `bias[c]` in channel c (nothing where `bias` is shorter).
pub fn col2im_into(geometry: &PatchGeometry, cols: &[f32], bias: &[f32], output: &mut [f32]) {
    let g = *geometry;
    let plane = g.plane_in();
    if plane == 0 {
        return;
    }
    for (index, map) in output.chunks_mut(plane).enumerate() {
        let (image, channel) = (index / g.channels, index % g.channels);
        add_taps(&g, cols, image, channel, map);
        if let Some(&shift) = bias.get(channel) {
            map.iter_mut().for_each(|value| *value += shift);
        }
    }
}

/// Adds into `map` (channel `channel` of image `image`) every column-matrix entry that reads it.
fn add_taps(g: &PatchGeometry, cols: &[f32], image: usize, channel: usize, map: &mut [f32]) {
    let [kernel_h, kernel_w] = g.kernel;
    let [width_in, width_out] = [g.side_in[1], g.side_out[1]];
    let (columns, positions) = (g.columns(), g.positions_out());
    let segment = |tap_h: usize, tap_w: usize| {
        let row = ((channel * kernel_h + tap_h) * kernel_w + tap_w) * columns + image * positions;
        &cols[row..row + positions]
    };
    for tap_h in 0..kernel_h {
        let (first_h, end_h) = g.valid_range(0, tap_h);
        if g.is_three_wide_stride_two() {
            let taps = [segment(tap_h, 0), segment(tap_h, 1), segment(tap_h, 2)];
            for out_h in first_h..end_h {
                let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                let line = &mut map[in_h * width_in..(in_h + 1) * width_in];
                let range = out_h * width_out..(out_h + 1) * width_out;
                add_three_taps_stride_two(line, taps.map(|tap| &tap[range.clone()]));
            }
            continue;
        }
        if g.is_four_wide_stride_two() {
            let taps = [segment(tap_h, 0), segment(tap_h, 1), segment(tap_h, 2), segment(tap_h, 3)];
            for out_h in first_h..end_h {
                let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                let line = &mut map[in_h * width_in..(in_h + 1) * width_in];
                let range = out_h * width_out..(out_h + 1) * width_out;
                add_four_taps_stride_two(line, taps.map(|tap| &tap[range.clone()]));
            }
            continue;
        }
        for tap_w in 0..kernel_w {
            let (first_w, end_w) = g.valid_range(1, tap_w);
            if first_w >= end_w {
                continue;
            }
            let values = segment(tap_h, tap_w);
            let in_w = first_w * g.stride[1] + tap_w - g.padding[1];
            for out_h in first_h..end_h {
                let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                let line = &mut map[in_h * width_in..(in_h + 1) * width_in];
                let values = &values[out_h * width_out + first_w..out_h * width_out + end_w];
                scatter_add(line, in_w, g.stride[1], values);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made-up values in [-1, 1).
    fn made_up(count: usize, seed: usize) -> Vec<f32> {
        (0..count).map(|index| ((index * 7919 + seed * 104_729) % 2003) as f32 / 1001.5 - 1.0).collect()
    }

    fn geometry(batch: usize, channels: usize, side_in: [usize; 2], kernel: usize, stride: usize) -> PatchGeometry {
        let padding = (kernel - 1) / 2;
        let side_out = side_in.map(|side| (side + 2 * padding - kernel) / stride + 1);
        PatchGeometry {
            batch,
            channels,
            side_in,
            kernel: [kernel; 2],
            stride: [stride; 2],
            padding: [padding; 2],
            side_out,
        }
    }

    /// The input value tap (ki, kj) of output position (oh, ow) reads, 0 in the padding.
    fn tap_value(g: &PatchGeometry, input: &[f32], [image, channel]: [usize; 2], [ki, kj, oh, ow]: [usize; 4]) -> f32 {
        let h = (oh * g.stride[0] + ki).checked_sub(g.padding[0]).filter(|&h| h < g.side_in[0]);
        let w = (ow * g.stride[1] + kj).checked_sub(g.padding[1]).filter(|&w| w < g.side_in[1]);
        let (Some(h), Some(w)) = (h, w) else { return 0.0 };
        input[((image * g.channels + channel) * g.side_in[0] + h) * g.side_in[1] + w]
    }

    const GEOMETRIES: [(usize, usize, [usize; 2], usize, usize); 8] = [
        (1, 1, [5, 5], 3, 1),
        (3, 2, [8, 8], 4, 2),
        (2, 3, [6, 2], 4, 2),
        (11, 3, [7, 6], 3, 2),
        (9, 2, [6, 9], 3, 2),
        (3, 2, [1, 1], 3, 2),
        (2, 2, [8, 7], 5, 3),
        (4, 3, [4, 5], 1, 1),
    ];

    fn im2col(g: &PatchGeometry, input: &[f32]) -> Vec<f32> {
        let mut cols = vec![0.0; g.taps() * g.columns()];
        im2col_into(g, input, &mut cols);
        cols
    }

    fn col2im(g: &PatchGeometry, cols: &[f32], bias: &[f32]) -> Vec<f32> {
        let mut output = vec![0.0; g.batch * g.image_values_in()];
        col2im_into(g, cols, bias, &mut output);
        output
    }

    #[test]
    fn im2col_puts_every_tap_where_the_naive_loops_do() {
        for (seed, &(batch, channels, side, kernel, stride)) in GEOMETRIES.iter().enumerate() {
            let g = geometry(batch, channels, side, kernel, stride);
            let input = made_up(g.batch * g.image_values_in(), seed);
            let cols = im2col(&g, &input);
            assert_eq!(cols.len(), g.taps() * g.columns());
            for (index, value) in cols.iter().enumerate() {
                let (row, column) = (index / g.columns(), index % g.columns());
                let (channel, ki, kj) = (row / (kernel * kernel), row / kernel % kernel, row % kernel);
                let (image, position) = (column / g.positions_out(), column % g.positions_out());
                let (oh, ow) = (position / g.side_out[1], position % g.side_out[1]);
                let expected = tap_value(&g, &input, [image, channel], [ki, kj, oh, ow]);
                assert_eq!(*value, expected, "geometry {seed}, row {row}, column {column}");
            }
        }
    }

    #[test]
    fn col2im_is_the_adjoint_of_im2col_and_adds_the_bias() {
        for (seed, &(batch, channels, side, kernel, stride)) in GEOMETRIES.iter().enumerate() {
            let g = geometry(batch, channels, side, kernel, stride);
            let (input, cols) =
                (made_up(g.batch * g.image_values_in(), seed), made_up(g.taps() * g.columns(), seed + 50));
            // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for any x and c.
            let left: f64 = im2col(&g, &input).iter().zip(&cols).map(|(a, b)| f64::from(a * b)).sum();
            let back = col2im(&g, &cols, &[]);
            let right: f64 = input.iter().zip(&back).map(|(a, b)| f64::from(a * b)).sum();
            assert!((left - right).abs() <= 1e-4 * left.abs().max(1.0), "geometry {seed}: {left} against {right}");
            let bias: Vec<f32> = (0..channels).map(|channel| channel as f32 + 0.5).collect();
            let shifted = col2im(&g, &cols, &bias);
            for (index, (with, without)) in shifted.iter().zip(&back).enumerate() {
                let channel = index / g.plane_in() % channels;
                assert!((with - without - bias[channel]).abs() <= 1e-5, "geometry {seed}, value {index}");
            }
        }
    }
}
