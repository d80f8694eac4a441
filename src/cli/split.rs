//! `vae-explorer split`: a dataset's training and held-out images, exactly as the app splits them,
//! written as IDX files so another program (the PyTorch reference in `benches/recipe/`) can train on
//! the same images and be scored on the same held-out ones.
//!
//! The held-out set goes under MNIST's test-file names (`t10k-…`), so `--data DIR` loads a grey
//! split back with the same split. Colour sets (a picture folder) are written as 4-dimensional IDX
//! files, `[n, channels, height, width]`, for the PyTorch reference in `benches/colour/`.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::SplitArgs;
use crate::atomic_file::write_atomically;
use crate::data::ImageSet;
use crate::data::idx::{IMAGES_MAGIC, LABELS_MAGIC};

/// The files written for a grey set, in order: (images, labels) of the training and of the held-out set.
pub const SPLIT_FILES: [&str; 4] =
    ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
/// The files written for a colour set: its images carry a channel dimension (idx4).
pub const COLOUR_SPLIT_FILES: [&str; 4] =
    ["train-images-idx4-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx4-ubyte", "t10k-labels-idx1-ubyte"];
/// IDX magic of unsigned bytes in four dimensions.
const COLOUR_IMAGES_MAGIC: u32 = 0x0804;

/// Runs `vae-explorer split`.
///
/// Refuses a folder that already holds any of the files (grey or colour names), so nothing it did
/// not write is replaced.
pub fn run_split(args: &SplitArgs) -> Result<()> {
    let dataset = args.input.open(None).context("cannot load the data")?;
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    if let Some(existing) = SPLIT_FILES
        .iter()
        .chain(&COLOUR_SPLIT_FILES)
        .map(|name| args.out.join(name))
        .find(|path| std::fs::symlink_metadata(path).is_ok())
    {
        bail!("{} already exists; choose an empty folder for --out", existing.display());
    }
    let names = if dataset.train.channels == 1 { SPLIT_FILES } else { COLOUR_SPLIT_FILES };
    let [train_images, train_labels, heldout_images, heldout_labels] = names;
    for (set, images_name, labels_name) in
        [(&dataset.train, train_images, train_labels), (&dataset.heldout, heldout_images, heldout_labels)]
    {
        write(&args.out.join(images_name), &images_file(set)?)?;
        write(&args.out.join(labels_name), &labels_file(set)?)?;
    }
    println!(
        "wrote {} training and {} held-out images of {} to {}",
        dataset.train.len(),
        dataset.heldout.len(),
        dataset.name,
        args.out.display()
    );
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// An IDX file of `set`'s images: magic, count, (channels,) height, width (big-endian u32), then
/// the pixels, one byte each, image after image, each planar. Grey sets give the idx3 layout of
/// MNIST; colour sets an idx4 one.
fn images_file(set: &ImageSet) -> Result<Vec<u8>> {
    let mut bytes = if set.channels == 1 {
        header(IMAGES_MAGIC, &[set.len(), set.height, set.width])?
    } else {
        header(COLOUR_IMAGES_MAGIC, &[set.len(), set.channels, set.height, set.width])?
    };
    bytes.extend_from_slice(&set.pixels);
    Ok(bytes)
}

/// An idx1-ubyte file of `set`'s labels: magic, count, then one byte per label.
fn labels_file(set: &ImageSet) -> Result<Vec<u8>> {
    let mut bytes = header(LABELS_MAGIC, &[set.labels.len()])?;
    bytes.extend_from_slice(&set.labels);
    Ok(bytes)
}

fn header(magic: u32, sizes: &[usize]) -> Result<Vec<u8>> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for &size in sizes {
        let size = u32::try_from(size).context("a size does not fit an IDX header")?;
        bytes.extend_from_slice(&size.to_be_bytes());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_have_the_idx_layout() {
        let set = ImageSet { channels: 1, height: 1, width: 2, pixels: vec![1, 2, 3, 4], labels: vec![7, 9] };
        let images = images_file(&set).expect("fits");
        assert_eq!(&images[..16], &[0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(&images[16..], &[1, 2, 3, 4]);
        assert_eq!(labels_file(&set).expect("fits"), vec![0, 0, 8, 1, 0, 0, 0, 2, 7, 9]);
    }

    #[test]
    fn colour_files_carry_their_channels_in_a_fourth_dimension() {
        let set = ImageSet { channels: 3, height: 1, width: 1, pixels: vec![1, 2, 3], labels: vec![4] };
        let images = images_file(&set).expect("fits");
        assert_eq!(&images[..20], &[0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(&images[20..], &[1, 2, 3]);
    }
}
