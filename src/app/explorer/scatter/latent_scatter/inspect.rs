//! What the scatter drew, for tests and tools: ellipses, the σ scale, each point's position and
//! colour, and where a point sits on screen.

use egui::Color32;
use egui_plot::PlotPoint;

use super::LatentScatter;
use crate::latent::Ellipse;

impl LatentScatter {
    /// Number of 1-σ ellipses drawn (hidden classes included).
    pub fn ellipse_count(&self) -> usize {
        self.by_class.iter().map(|class| class.ellipses.len()).sum()
    }

    /// The 1-σ ellipse drawn for dataset image `index`, if ellipses are drawn.
    pub fn ellipse_of(&self, index: usize) -> Option<Ellipse> {
        self.by_class.iter().find_map(|class| {
            let position = class.indices.iter().position(|&shown| shown == index)?;
            class.ellipses.get(position).copied()
        })
    }

    /// The σ colour scale's ends, when the points are coloured by mean σ.
    pub fn sigma_range(&self) -> Option<[f32; 2]> {
        self.sigma_range
    }

    /// The plane position and colour drawn for dataset image `index`.
    pub fn drawn_point(&self, index: usize) -> Option<([f64; 2], Color32)> {
        self.by_class.iter().find_map(|class| {
            let position = class.indices.iter().position(|&shown| shown == index)?;
            Some(([class.points[position].x, class.points[position].y], class.colours[position]))
        })
    }

    /// The plot's frame on screen last frame (the area the points are drawn in).
    pub fn plot_frame(&self) -> Option<egui::Rect> {
        Some(*self.last_transform?.frame())
    }

    /// Where dataset image `index` was drawn on screen last frame.
    pub fn screen_position(&self, index: usize) -> Option<egui::Pos2> {
        let ([x, y], _) = self.drawn_point(index)?;
        Some(self.last_transform?.position_from_point(&PlotPoint::new(x, y)))
    }
}
