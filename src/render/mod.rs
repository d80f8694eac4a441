//! One rendering path for every picture of images: the window's textures and every PNG and GIF
//! export (window and command line) turn planar float images into RGB grids here.
//!
//! Input images are planar (`[channels, height, width]`, see [`crate::image_shape::ImageShape`]),
//! values in `[0, 1]`; one channel renders grey, three (or more) render as red, green and blue.
//! No egui and no tensors: plain floats in, [`image::RgbImage`] out.

mod error;
mod grid;
mod limits;
mod text;
mod views;

#[cfg(test)]
mod tests;

pub use error::RenderError;
pub use grid::ImageGrid;
pub use limits::{
    GUTTER_GRAY, GridStyle, MAX_ANIMATION_PIXELS, MAX_EXPORT_PIXELS, MAX_EXPORT_SIDE_PX, MAX_SCALE, MIN_SCALE,
    WINDOW_STYLE, check_animation_size, check_output_size, rendered_size,
};
pub use text::{TextStyle, draw_text, hack_font, text_width_px};
pub use views::{
    PAIRS_PER_ROW, decoder_grid, exported_strip, image_pair, morph_frames, morph_strip, neighbour_rows, prior_samples,
    reconstruction_rows, reconstructions, single_image, strip_columns, thumbnail_row,
};
