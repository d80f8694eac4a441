//! The views the window lays out as tiles.

use serde::{Deserialize, Serialize};

/// One view of the window, drawn in its own tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ViewPane {
    /// The loss curves of the run and of the ticked runs.
    Loss,
    /// The Runs table.
    Runs,
    /// The latent space's scatter.
    Scatter,
    /// The decoder sweep over the scatter's plane.
    DecoderGrid,
    /// Prior samples.
    Samples,
    /// Held-out originals and their reconstructions.
    Reconstructions,
    /// Morph between two images.
    Morph,
    /// Draw an input and see it encoded.
    Draw,
    /// The latent point's sliders and its decoded image.
    LatentPoint,
    /// The direction and nearest-images panels.
    Directions,
}

impl ViewPane {
    /// Every view, each once: a layout holds exactly these.
    pub const ALL: [Self; 10] = [
        Self::Loss,
        Self::Runs,
        Self::Scatter,
        Self::DecoderGrid,
        Self::Samples,
        Self::Reconstructions,
        Self::Morph,
        Self::Draw,
        Self::LatentPoint,
        Self::Directions,
    ];

    /// The view's tab title: short, so a tab group's titles fit its tile at 1280×800 (the
    /// full [`Self::title`] shows when the tab is hovered and over a maximised view).
    pub fn tab_title(self) -> &'static str {
        match self {
            Self::DecoderGrid => "Grid",
            Self::Samples => "Samples",
            _ => self.title(),
        }
    }

    /// The view's full name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Loss => "Loss",
            Self::Runs => "Runs",
            Self::Scatter => "Latent space",
            Self::DecoderGrid => "Decoder grid",
            Self::Samples => "Prior samples",
            Self::Reconstructions => "Reconstructions",
            Self::Morph => "Morph",
            Self::Draw => "Draw",
            Self::LatentPoint => "Latent point",
            Self::Directions => "Directions",
        }
    }
}
