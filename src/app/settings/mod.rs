//! What the window remembers between runs, and the check that resets stored values it would not offer.

pub mod check;
pub mod exploration_settings;
pub mod stored;
pub mod view_settings;
