//! One colour per class, the same in every view.

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
