//! The window's views as tiles (egui_tiles): which views there are (`view_pane.rs`), the layout
//! the user arranged, maximised or reset, remembered with the settings (`view_layout.rs`), how
//! the tiles draw their tab bars (`tiles_behavior.rs`) and what each view's tile draws
//! (`panes.rs`).

pub mod panes;
pub mod tiles_behavior;
pub mod view_layout;
pub mod view_pane;
