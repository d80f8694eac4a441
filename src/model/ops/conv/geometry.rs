//! The sizes of one 2-D convolution as the host convolution lays it out: how many taps, positions
//! and columns its column matrix has, and which output positions each kernel tap reads inside the
//! map rather than in its padding.

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
    pub fn plane_in(&self) -> usize {
        self.side_in[0] * self.side_in[1]
    }

    /// Values of one image's input maps: channels · height · width.
    pub fn image_values_in(&self) -> usize {
        self.channels * self.plane_in()
    }

    /// The same convolution over `batch` images.
    pub fn with_batch(&self, batch: usize) -> Self {
        Self { batch, ..*self }
    }

    /// The output positions `[first, end)` along `axis` whose input index for kernel tap `tap`
    /// (position · stride + tap − padding) falls inside the map rather than in its padding.
    pub fn valid_range(&self, axis: usize, tap: usize) -> (usize, usize) {
        let (stride, padding) = (self.stride[axis], self.padding[axis]);
        let first = padding.saturating_sub(tap).div_ceil(stride);
        let end = (self.side_in[axis] + padding).saturating_sub(tap).div_ceil(stride).min(self.side_out[axis]);
        (first.min(end), end)
    }

    /// True when each row is read by a 3-wide kernel with stride 2 and padding 1 (every stride-2
    /// layer of the conv model), so the three taps of a row can be added back in one pass.
    pub fn is_three_wide_stride_two(&self) -> bool {
        let [width_in, width_out] = [self.side_in[1], self.side_out[1]];
        self.kernel[1] == 3
            && self.stride[1] == 2
            && self.padding[1] == 1
            && width_out > 0
            && (width_in == 2 * width_out - 1 || width_in == 2 * width_out)
    }

    /// True when each row is read by a 4-wide kernel with stride 2 and padding 1 (the direct
    /// layout's stages) and is twice as wide as the output's, so the four taps of a row can be added
    /// back in one pass.
    pub fn is_four_wide_stride_two(&self) -> bool {
        let [width_in, width_out] = [self.side_in[1], self.side_out[1]];
        self.kernel[1] == 4 && self.stride[1] == 2 && self.padding[1] == 1 && width_out > 0 && width_in == 2 * width_out
    }
}
