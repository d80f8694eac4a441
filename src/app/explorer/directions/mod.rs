//! The direction between two means and the nearest training images, in a strip below the sliders.

pub mod direction_panel;
pub mod neighbour_panel;
pub mod requests;
pub mod strip;
