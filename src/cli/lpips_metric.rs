//! The LPIPS network a command measures with, when its weights are there: without them (or for
//! images LPIPS does not take) the metric is left out with one line saying why, never an error;
//! a run with a perceptual weight needs it, and is refused in one line without it.

use std::path::Path;

use burn::prelude::Device;

use crate::image_shape::ImageShape;
use crate::lpips::Lpips;

/// The LPIPS network for images of `shape` from `explicit` (`--lpips-weights`) or where the app
/// looks, on the CPU device; `None`, after one line on stderr saying why and how to get it.
pub fn lpips_for_metric(explicit: Option<&Path>, shape: ImageShape) -> Option<Lpips> {
    let loaded = Lpips::check_shape(shape).and_then(|()| Lpips::load(explicit, &Device::flex()));
    match loaded {
        Ok(lpips) => Some(lpips),
        Err(error) => {
            eprintln!("LPIPS not measured: {error}");
            None
        }
    }
}

/// The LPIPS network of a run whose perceptual weight is `perceptual_weight`: required above 0
/// (`Err`: the line to show), else as [`lpips_for_metric`].
pub fn lpips_for_training(
    explicit: Option<&Path>,
    shape: ImageShape,
    perceptual_weight: f64,
) -> Result<Option<Lpips>, String> {
    if perceptual_weight <= 0.0 {
        return Ok(lpips_for_metric(explicit, shape));
    }
    Lpips::check_shape(shape)
        .and_then(|()| Lpips::load(explicit, &Device::flex()))
        .map(Some)
        .map_err(|error| format!("--perceptual-weight needs LPIPS: {error}"))
}
