//! An in-memory set of labelled images (grey or colour, planar), and its deterministic stratified split.

use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::image_shape::ImageShape;

/// Labelled images held as bytes, each planar: `[channels, height, width]`.
#[derive(Clone, Debug, Default)]
pub struct ImageSet {
    /// Colour channels per image (1 grey, 3 RGB).
    pub channels: usize,
    /// Rows per image.
    pub height: usize,
    /// Columns per image.
    pub width: usize,
    /// [len, channels, height, width] bytes; for grey digits 0 = background.
    pub pixels: Vec<u8>,
    /// One class index per image.
    pub labels: Vec<u8>,
}

impl ImageSet {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when the set holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The shape of every image.
    pub fn shape(&self) -> ImageShape {
        ImageShape { channels: self.channels, height: self.height, width: self.width }
    }

    /// Values (bytes) per image: channels × height × width.
    pub fn values_per_image(&self) -> usize {
        self.shape().values()
    }

    /// The bytes of image `index`: [channels, height, width].
    pub fn image(&self, index: usize) -> &[u8] {
        let size = self.values_per_image();
        &self.pixels[index * size..(index + 1) * size]
    }

    /// A new set of the images at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Self {
        let mut pixels = Vec::with_capacity(indices.len() * self.values_per_image());
        for &index in indices {
            pixels.extend_from_slice(self.image(index));
        }
        Self {
            channels: self.channels,
            height: self.height,
            width: self.width,
            pixels,
            labels: indices.iter().map(|&index| self.labels[index]).collect(),
        }
    }

    /// Writes images `indices` as floats in [0, 1] into `out`: [indices.len(), values per image].
    pub fn write_batch(&self, indices: &[usize], out: &mut Vec<f32>) {
        out.clear();
        out.reserve(indices.len() * self.values_per_image());
        for &index in indices {
            out.extend(self.image(index).iter().map(|&byte| f32::from(byte) / 255.0));
        }
    }

    /// Images `indices` as a tensor of floats in [0, 1]: [indices.len(), values per image].
    pub fn batch_tensor(&self, indices: &[usize], device: &Device) -> Tensor<2> {
        let mut pixels = Vec::new();
        self.write_batch(indices, &mut pixels);
        Tensor::from_data(TensorData::new(pixels, [indices.len(), self.values_per_image()]), device)
    }

    /// Splits into (train, held-out) with `heldout_fraction` of every class held out.
    ///
    /// The same seed always gives the same split.
    pub fn stratified_split(&self, heldout_fraction: f64, seed: u64) -> (Self, Self) {
        let (train, heldout) = self.split_indices(heldout_fraction, seed);
        (self.select(&train), self.select(&heldout))
    }

    /// The split of [`Self::stratified_split`], made without copying the training images: they are
    /// moved down within this set's own buffer, so the peak is this set plus the held-out images.
    pub fn into_stratified_split(mut self, heldout_fraction: f64, seed: u64) -> (Self, Self) {
        let (train, heldout_indices) = self.split_indices(heldout_fraction, seed);
        let heldout = self.select(&heldout_indices);
        let values = self.values_per_image();
        // Ascending indices: every image moves down (or stays), never over one still to move.
        for (slot, &index) in train.iter().enumerate() {
            if slot != index {
                self.pixels.copy_within(index * values..(index + 1) * values, slot * values);
                self.labels[slot] = self.labels[index];
            }
        }
        self.pixels.truncate(train.len() * values);
        self.pixels.shrink_to_fit();
        self.labels.truncate(train.len());
        (self, heldout)
    }

    /// The sorted (train, held-out) indices of the stratified split.
    pub fn split_indices(&self, heldout_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
        let mut rng = StdRng::seed_from_u64(seed);
        let classes = self.labels.iter().copied().max().map_or(0, |max| usize::from(max) + 1);
        let (mut train, mut heldout) = (Vec::new(), Vec::new());
        for class in 0..classes {
            let mut members: Vec<usize> =
                (0..self.len()).filter(|&index| usize::from(self.labels[index]) == class).collect();
            members.shuffle(&mut rng);
            let held = (members.len() as f64 * heldout_fraction).round() as usize;
            heldout.extend_from_slice(&members[..held]);
            train.extend_from_slice(&members[held..]);
        }
        train.sort_unstable();
        heldout.sort_unstable();
        (train, heldout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy_set(len: usize) -> ImageSet {
        ImageSet {
            channels: 1,
            height: 1,
            width: 2,
            pixels: (0..len * 2).map(|value| (value % 256) as u8).collect(),
            labels: (0..len).map(|index| (index % 10) as u8).collect(),
        }
    }

    #[test]
    fn split_is_stratified_disjoint_and_deterministic() {
        let set = toy_set(1000);
        let (train, heldout) = set.stratified_split(0.1, 7);
        assert_eq!((train.len(), heldout.len()), (900, 100));
        for class in 0..10u8 {
            assert_eq!(heldout.labels.iter().filter(|&&label| label == class).count(), 10);
        }
        let (_, again) = set.stratified_split(0.1, 7);
        assert_eq!(heldout.pixels, again.pixels);
        let (moved_train, moved_heldout) = set.clone().into_stratified_split(0.1, 7);
        assert_eq!((moved_train.pixels, moved_train.labels), (train.pixels, train.labels));
        assert_eq!((moved_heldout.pixels, moved_heldout.labels), (heldout.pixels, heldout.labels));
    }

    #[test]
    fn batches_are_scaled_to_unit_range() {
        let set = ImageSet { channels: 1, height: 1, width: 2, pixels: vec![0, 255, 51, 102], labels: vec![0, 1] };
        let mut batch = Vec::new();
        set.write_batch(&[1, 0], &mut batch);
        assert_eq!(batch, vec![0.2, 0.4, 0.0, 1.0]);
    }
}
