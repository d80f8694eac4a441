//! The host convolution's data movement: the im2col gather that lays every kernel tap's inputs out
//! as one row of a matrix, its col2im scatter-add back, and the batch-major ↔ channel-major copies
//! around the matrix products. Plain slices in, plain slices out: no tensors here.

use rayon::prelude::*;

/// A 2-D convolution's sizes: maps `[batch, channels, side_in]` read by a kernel of `kernel` taps
/// moved by `stride` over the maps zero-padded by `padding` on each side, giving `side_out`
/// positions. The transposed convolution uses the same geometry with input and output swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatchGeometry {
    /// Images.
    pub batch: usize,
    /// Channels of the maps the kernel reads.
    pub channels: usize,
    /// [height, width] of the maps the kernel reads.
    pub side_in: [usize; 2],
    /// [height, width] of the kernel.
    pub kernel: [usize; 2],
    /// Step between neighbouring positions, [vertical, horizontal].
    pub stride: [usize; 2],
    /// Zeros added on each side, [vertical, horizontal].
    pub padding: [usize; 2],
    /// [height, width] of the positions the kernel visits.
    pub side_out: [usize; 2],
}

impl PatchGeometry {
    /// Taps per position: channels · kernel height · kernel width (rows of the column matrix).
    pub fn taps(&self) -> usize {
        self.channels * self.kernel[0] * self.kernel[1]
    }

    /// Positions of one image's output map.
    pub fn positions_out(&self) -> usize {
        self.side_out[0] * self.side_out[1]
    }

    /// Positions of the whole batch (columns of the column matrix).
    pub fn columns(&self) -> usize {
        self.batch * self.positions_out()
    }

    /// Values of one input map.
    fn plane_in(&self) -> usize {
        self.side_in[0] * self.side_in[1]
    }

    /// Values of the whole input: batch · channels · height · width.
    pub fn values_in(&self) -> usize {
        self.batch * self.channels * self.plane_in()
    }

    /// The output positions `[first, end)` along `axis` whose input index for kernel tap `tap`
    /// (position · stride + tap − padding) falls inside the map rather than in its padding.
    fn valid_range(&self, axis: usize, tap: usize) -> (usize, usize) {
        let (stride, padding) = (self.stride[axis], self.padding[axis]);
        let first = padding.saturating_sub(tap).div_ceil(stride);
        let end = (self.side_in[axis] + padding).saturating_sub(tap).div_ceil(stride).min(self.side_out[axis]);
        (first.min(end), end)
    }
}

/// Gathers `input` ([batch, channels, height, width]) into the column matrix
/// [channels·kh·kw, batch·positions]: row (c, ki, kj) holds, for every image and output position,
/// the input value that kernel tap reads (0 in the padding).
pub fn im2col(geometry: &PatchGeometry, input: &[f32]) -> Vec<f32> {
    let g = *geometry;
    let (columns, positions, plane) = (g.columns(), g.positions_out(), g.plane_in());
    let [kernel_h, kernel_w] = g.kernel;
    let [width_out, width_in] = [g.side_out[1], g.side_in[1]];
    let mut cols = vec![0.0f32; g.taps() * columns];
    if cols.is_empty() {
        return cols;
    }
    cols.par_chunks_mut(kernel_h * kernel_w * columns).enumerate().for_each(|(channel, rows)| {
        for image in 0..g.batch {
            let start = (image * g.channels + channel) * plane;
            let source = &input[start..start + plane];
            for tap_h in 0..kernel_h {
                let (first_h, end_h) = g.valid_range(0, tap_h);
                for tap_w in 0..kernel_w {
                    let (first_w, end_w) = g.valid_range(1, tap_w);
                    let row = (tap_h * kernel_w + tap_w) * columns + image * positions;
                    let segment = &mut rows[row..row + positions];
                    // The rest of the segment stays 0: the padding.
                    for out_h in first_h..end_h {
                        let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                        let line = &source[in_h * width_in..(in_h + 1) * width_in];
                        let target = &mut segment[out_h * width_out..(out_h + 1) * width_out];
                        if first_w >= end_w {
                            continue;
                        }
                        let in_w = first_w * g.stride[1] + tap_w - g.padding[1];
                        let target = &mut target[first_w..end_w];
                        if g.stride[1] == 1 {
                            target.copy_from_slice(&line[in_w..in_w + target.len()]);
                        } else {
                            target.iter_mut().zip(line[in_w..].iter().step_by(g.stride[1])).for_each(|(t, s)| *t = *s);
                        }
                    }
                }
            }
        }
    });
    cols
}

/// The adjoint of [`im2col`]: adds every entry of `cols` ([channels·kh·kw, batch·positions]) into
/// the input position its tap reads, giving [batch, channels, height, width] (padding dropped).
pub fn col2im(geometry: &PatchGeometry, cols: &[f32]) -> Vec<f32> {
    let g = *geometry;
    let (columns, positions, plane) = (g.columns(), g.positions_out(), g.plane_in());
    let [kernel_h, kernel_w] = g.kernel;
    let [width_out, width_in] = [g.side_out[1], g.side_in[1]];
    let mut output = vec![0.0f32; g.values_in()];
    if output.is_empty() {
        return output;
    }
    output.par_chunks_mut(g.channels * plane).enumerate().for_each(|(image, maps)| {
        for (channel, map) in maps.chunks_mut(plane).enumerate() {
            for tap_h in 0..kernel_h {
                let (first_h, end_h) = g.valid_range(0, tap_h);
                for tap_w in 0..kernel_w {
                    let (first_w, end_w) = g.valid_range(1, tap_w);
                    if first_w >= end_w {
                        continue;
                    }
                    let row = ((channel * kernel_h + tap_h) * kernel_w + tap_w) * columns + image * positions;
                    let segment = &cols[row..row + positions];
                    for out_h in first_h..end_h {
                        let in_h = out_h * g.stride[0] + tap_h - g.padding[0];
                        let line = &mut map[in_h * width_in..(in_h + 1) * width_in];
                        let values = &segment[out_h * width_out + first_w..out_h * width_out + end_w];
                        let in_w = first_w * g.stride[1] + tap_w - g.padding[1];
                        if g.stride[1] == 1 {
                            line[in_w..in_w + values.len()].iter_mut().zip(values).for_each(|(t, v)| *t += v);
                        } else {
                            line[in_w..].iter_mut().step_by(g.stride[1]).zip(values).for_each(|(t, v)| *t += v);
                        }
                    }
                }
            }
        }
    });
    output
}

/// [channels, batch·positions] → [batch, channels, positions], adding `bias[c]` to channel c.
pub fn to_batch_major(values: &[f32], batch: usize, channels: usize, positions: usize, bias: &[f32]) -> Vec<f32> {
    let mut output = vec![0.0f32; batch * channels * positions];
    if output.is_empty() {
        return output;
    }
    let columns = batch * positions;
    output.par_chunks_mut(channels * positions).enumerate().for_each(|(image, maps)| {
        for (channel, map) in maps.chunks_mut(positions).enumerate() {
            let start = channel * columns + image * positions;
            let shift = bias.get(channel).copied().unwrap_or(0.0);
            map.iter_mut().zip(&values[start..start + positions]).for_each(|(t, v)| *t = v + shift);
        }
    });
    output
}

/// [batch, channels, positions] → [channels, batch·positions], and each channel's sum.
pub fn to_channel_major(values: &[f32], batch: usize, channels: usize, positions: usize) -> (Vec<f32>, Vec<f32>) {
    let columns = batch * positions;
    let mut output = vec![0.0f32; channels * columns];
    let mut sums = vec![0.0f32; channels];
    if output.is_empty() {
        return (output, sums);
    }
    output.par_chunks_mut(columns).zip(sums.par_iter_mut()).enumerate().for_each(|(channel, (row, sum))| {
        let mut total = 0.0f64;
        for (image, target) in row.chunks_mut(positions).enumerate() {
            let start = (image * channels + channel) * positions;
            let source = &values[start..start + positions];
            target.copy_from_slice(source);
            total += source.iter().map(|&v| f64::from(v)).sum::<f64>();
        }
        *sum = total as f32;
    });
    (output, sums)
}
