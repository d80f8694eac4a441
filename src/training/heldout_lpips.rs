//! LPIPS of a model's reconstructions on held-out images (decoded from the encoder means, as for
//! MSE, PSNR and SSIM), on a bounded number of images: the shift-tolerant AlexNet costs about a
//! thousand times a pixel metric.

use crate::data::ImageSet;
use crate::lpips::{Lpips, LpipsError};
use crate::model::LatentModel;

/// Held-out images whose LPIPS is measured (the first ones) at the end of a run and in `eval`.
pub const LPIPS_IMAGES: usize = 256;
/// Held-out images whose LPIPS is measured at each epoch end: fewer, as the network costs about
/// 27 ms a 64 × 64 pair on two cores (256 would add 7 s to every epoch of a 9-s emoji epoch).
pub const LPIPS_IMAGES_PER_EPOCH: usize = 64;
/// Images encoded, decoded and compared at once.
const LPIPS_BATCH: usize = 64;

/// Mean LPIPS between the first `max_images` images of `set` and their reconstructions; `Err` when
/// LPIPS cannot compare images of the set's shape.
pub fn heldout_lpips_of_first(
    model: &impl LatentModel,
    set: &ImageSet,
    lpips: &Lpips,
    max_images: usize,
) -> Result<Option<f64>, LpipsError> {
    Lpips::check_shape(set.shape())?;
    let measured = set.len().min(max_images);
    let indices: Vec<usize> = (0..measured).collect();
    let (mut originals, mut sum) = (Vec::new(), 0.0);
    for batch in indices.chunks(LPIPS_BATCH) {
        set.write_batch(batch, &mut originals);
        let (means, _) = model.encode_planar(&originals, batch.len());
        let latent_dim = means.len() / batch.len();
        let reconstructions = model.decode_planar(&means, batch.len(), latent_dim);
        sum += lpips.distances(&originals, &reconstructions, set.shape())?.iter().map(|&d| f64::from(d)).sum::<f64>();
    }
    Ok((measured > 0 && sum.is_finite()).then(|| sum / measured as f64))
}
