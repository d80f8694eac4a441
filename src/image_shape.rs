//! The layout every image has in memory: `channels` planes of `height × width` values, row-major.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The shape of one image stored planar (channel-first): `[channels, height, width]`, flattened.
///
/// Grey images have one channel; colour images three (red, green, blue planes in that order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImageShape {
    /// Colour channels (1 grey, 3 RGB).
    pub channels: usize,
    /// Rows.
    pub height: usize,
    /// Columns.
    pub width: usize,
}

impl ImageShape {
    /// A one-channel (grey) image shape.
    pub fn grey(height: usize, width: usize) -> Self {
        Self { channels: 1, height, width }
    }

    /// Pixels of one plane: `height × width` (saturating; shapes that passed validation never saturate).
    pub fn pixels(&self) -> usize {
        self.height.saturating_mul(self.width)
    }

    /// Values of one image: `channels × height × width` (saturating).
    pub fn values(&self) -> usize {
        self.channels.saturating_mul(self.pixels())
    }

    /// Values of one image, or `None` when the product overflows.
    pub fn checked_values(&self) -> Option<usize> {
        self.channels.checked_mul(self.height)?.checked_mul(self.width)
    }
}

impl fmt::Display for ImageShape {
    /// `28×28 grey`, `64×64 RGB` or `8×8×2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.channels {
            1 => write!(f, "{}×{} grey", self.height, self.width),
            3 => write!(f, "{}×{} RGB", self.height, self.width),
            channels => write!(f, "{}×{}×{channels}", self.height, self.width),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_count_every_channel() {
        let shape = ImageShape { channels: 3, height: 4, width: 5 };
        assert_eq!((shape.pixels(), shape.values(), shape.checked_values()), (20, 60, Some(60)));
        assert_eq!(ImageShape { channels: 3, height: usize::MAX, width: 2 }.checked_values(), None);
        assert_eq!(shape.to_string(), "4×5 RGB");
        assert_eq!(ImageShape::grey(28, 28).to_string(), "28×28 grey");
    }
}
