//! LPIPS ready to use: the located, checked network on a device, distances of planar images given
//! as plain slices (the metric) or as tensors (the loss term). Grey images are repeated to three
//! channels, as the package expects RGB.

use std::path::{Path, PathBuf};

use burn::prelude::*;

use super::network::LpipsNetwork;
use super::{LpipsError, load_network, locate};
use crate::image_shape::ImageShape;

/// The smallest height and width the shift-tolerant AlexNet takes: below it a blur-pool's
/// reflection padding of 2 meets a map of 2 pixels or fewer, and the package fails
/// ("Padding size should be less than the corresponding input dimension"). Checked against
/// `stlpips-pytorch` 0.0.2: 20×20 fails, 21×21 works.
pub const MIN_SIDE_PX: usize = 21;
/// Images per forward pass of the metric: bounds the feature maps held at once (about 8 MB per
/// 64×64 pair).
const METRIC_BATCH: usize = 16;

/// The shift-tolerant LPIPS network on a device, and the file it came from.
#[derive(Debug, Clone)]
pub struct Lpips {
    network: LpipsNetwork,
    device: Device,
    path: PathBuf,
}

impl Lpips {
    /// The network from the weights file `explicit`, else from where the app looks
    /// (see [`locate`]).
    pub fn load(explicit: Option<&Path>, device: &Device) -> Result<Self, LpipsError> {
        let path = locate(explicit)?;
        let network = load_network(&path, device)?;
        Ok(Self { network, device: device.clone(), path })
    }

    /// The weights file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The frozen network (for a loss term on another device, move it with `to_device`).
    pub fn network(&self) -> &LpipsNetwork {
        &self.network
    }

    /// `Ok` when LPIPS can compare images of `shape`.
    pub fn check_shape(shape: ImageShape) -> Result<(), LpipsError> {
        if shape.channels != 1 && shape.channels != 3 {
            return Err(LpipsError::Channels { channels: shape.channels });
        }
        if shape.height < MIN_SIDE_PX || shape.width < MIN_SIDE_PX {
            return Err(LpipsError::TooSmall { height: shape.height, width: shape.width, min_side_px: MIN_SIDE_PX });
        }
        Ok(())
    }

    /// One LPIPS distance per image pair of `a` and `b`: planar images of `shape`, values in [0, 1],
    /// one after another.
    pub fn distances(&self, a: &[f32], b: &[f32], shape: ImageShape) -> Result<Vec<f32>, LpipsError> {
        Self::check_shape(shape)?;
        let image_values = shape.values();
        if a.len() != b.len() || image_values == 0 || !a.len().is_multiple_of(image_values) {
            return Err(LpipsError::Lengths { a_values: a.len(), b_values: b.len(), image_values });
        }
        let mut distances = Vec::with_capacity(a.len() / image_values);
        for (chunk_a, chunk_b) in a.chunks(image_values * METRIC_BATCH).zip(b.chunks(image_values * METRIC_BATCH)) {
            let count = chunk_a.len() / image_values;
            let dims = [count, shape.channels, shape.height, shape.width];
            let tensor = |values: &[f32]| Tensor::<4>::from_data(TensorData::new(values.to_vec(), dims), &self.device);
            let batch = self.network.distance(as_rgb(tensor(chunk_a)), as_rgb(tensor(chunk_b)));
            distances.extend(batch.into_data().iter::<f32>());
        }
        Ok(distances)
    }
}

/// Grey images repeated to three channels; RGB images as they are.
/// x: [batch, 1 or 3, h, w] → [batch, 3, h, w]
pub fn as_rgb(x: Tensor<4>) -> Tensor<4> {
    if x.dims()[1] == 1 { x.repeat_dim(1, 3) } else { x }
}

impl LpipsNetwork {
    /// LPIPS of images of 1 or 3 channels, grey ones repeated to RGB.
    /// a, b: [batch, 1 or 3, h, w] in [0, 1] → [batch]
    pub fn distance_any_channels(&self, a: Tensor<4>, b: Tensor<4>) -> Tensor<1> {
        self.distance(as_rgb(a), as_rgb(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_and_four_channel_images_are_refused_in_one_line() {
        let small = Lpips::check_shape(ImageShape { channels: 1, height: 20, width: 64 }).expect_err("too small");
        assert!(small.to_string().contains("at least 21×21"), "{small}");
        let rgba = Lpips::check_shape(ImageShape { channels: 4, height: 64, width: 64 }).expect_err("rgba");
        assert!(rgba.to_string().contains("4 channels"), "{rgba}");
        assert!(Lpips::check_shape(ImageShape::grey(28, 28)).is_ok());
        assert!(Lpips::check_shape(ImageShape { channels: 3, height: 21, width: 21 }).is_ok());
    }
}
