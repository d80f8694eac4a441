//! The image tabs: decoder grid, prior samples and reconstructions, the morph, the drawing canvas,
//! and the textures they are drawn into.

pub mod decoder_grid;
pub mod drawing_canvas;
pub mod image_grids;
pub mod morph_view;
pub mod strip;
pub mod texture;
