//! The drawing canvas's job on the inference thread: rasterise the strokes for the served model,
//! encode them and decode the mean.

use super::ModelSnapshot;
use super::compute::{decode, encode_pixels};
use super::messages::InferenceResult;
use crate::drawing::{Drawing, EncodedDrawing, drawing_input};

/// `drawing` as `model` reads it, its encoder mean and that mean decoded.
pub(super) fn encode_drawing(model: &ModelSnapshot, drawing: &Drawing) -> InferenceResult {
    let shape = model.image_shape();
    let encoded = drawing_input(drawing, &model.info).filter(|pixels| pixels.len() == shape.values()).map(|pixels| {
        let mean = encode_pixels(&model.model, &pixels, shape);
        let reconstruction = decode(&model.model, &mean, model.latent_dim());
        EncodedDrawing { pixels, mean, reconstruction }
    });
    InferenceResult::DrawingEncoded { drawing: drawing.clone(), encoded }
}
