//! The latent views: the scatter, the sliders, the image views (sweep, samples, reconstructions,
//! morph, drawing) and the direction and nearest-images panels, over one [`state::ExplorerState`]
//! built from inference results, with the requests they need in [`requests`].

pub mod directions;
pub mod image_views;
pub mod images;
pub mod requests;
pub mod scatter;
pub mod sliders;
pub mod state;
pub mod views;
