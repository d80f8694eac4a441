//! Convolutional encoder and decoder that scale with the image: stride-2 stages down to about 4×4,
//! channels doubling per stage, optional residual blocks, and the same stages mirrored back.

mod blocks;
mod decoder;
mod encoder;
mod init;
mod layout;
mod legacy;
#[cfg(test)]
mod tests;

pub use decoder::ConvDecoder;
pub use encoder::ConvEncoder;
pub use layout::{ConvPlan, MAX_STAGE_CHANNELS, Stage};
pub use legacy::load_two_stage_record;
