//! Every colour that means something: one per class (the same in every view), the loss plot's
//! three terms, and the runs overlaid on it (never one of the terms' colours).

use egui::Color32;

/// Tableau-10 colours, distinct on dark and light backgrounds.
const CLASS_COLORS: [Color32; 10] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
];

/// The colour of class `label`.
pub fn class_color(label: u8) -> Color32 {
    CLASS_COLORS[usize::from(label) % CLASS_COLORS.len()]
}

/// The loss plot's KL term.
pub const KL_COLOR: Color32 = Color32::from_rgb(110, 210, 110);
/// The loss plot's reconstruction term.
pub const RECONSTRUCTION_COLOR: Color32 = Color32::from_rgb(255, 160, 60);
/// The loss plot's −ELBO (and the shown model's curve of a quality measure).
pub const NEG_ELBO_COLOR: Color32 = Color32::from_rgb(120, 170, 255);

/// Runs overlaid on the loss plot: hues away from the three terms' green, orange and blue.
const RUN_COLORS: [Color32; 8] = [
    Color32::from_rgb(235, 80, 190),
    Color32::from_rgb(255, 255, 120),
    Color32::from_rgb(70, 225, 225),
    Color32::from_rgb(190, 120, 255),
    Color32::from_rgb(240, 80, 80),
    Color32::from_rgb(225, 225, 225),
    Color32::from_rgb(175, 130, 85),
    Color32::from_rgb(255, 150, 210),
];

/// The colour of the overlaid run at `index`.
pub fn run_color(index: usize) -> Color32 {
    RUN_COLORS[index % RUN_COLORS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: Color32, b: Color32) -> f32 {
        let channel = |x: u8, y: u8| (f32::from(x) - f32::from(y)).powi(2);
        (channel(a.r(), b.r()) + channel(a.g(), b.g()) + channel(a.b(), b.b())).sqrt()
    }

    #[test]
    fn run_overlays_never_look_like_a_loss_term() {
        for index in 0..RUN_COLORS.len() {
            for term in [KL_COLOR, RECONSTRUCTION_COLOR, NEG_ELBO_COLOR] {
                let apart = distance(run_color(index), term);
                assert!(apart > 80.0, "run {index} is {apart:.0} from {term:?}");
            }
        }
    }
}
