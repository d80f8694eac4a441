//! The data section's choices for a folder of pictures: image size, grey or colour, fit and
//! background (the window's twin of `--image-size/--channels/--fit/--background`). Changing one
//! returns the new choice; the app reloads the folder with it on the file thread.

use egui::ComboBox;

use crate::data::{DEFAULT_BACKGROUND, Fit, PreprocessingChoice};

/// Sides offered for the square model input, in pixels (the stored choice may hold another
/// accepted side; it is shown as well).
pub const IMAGE_SIZE_CHOICES_PX: [usize; 8] = [16, 28, 32, 48, 64, 96, 128, 256];

/// Backgrounds offered for transparent pixels and padding, with their names.
pub const BACKGROUND_CHOICES: [([u8; 3], &str); 3] =
    [([255, 255, 255], "white"), ([0, 0, 0], "black"), ([128, 128, 128], "grey 50 %")];

/// Draws the four choices for `current`; returns the changed choice when the user picked another.
pub fn ui(ui: &mut egui::Ui, current: &PreprocessingChoice) -> Option<PreprocessingChoice> {
    let mut choice = *current;
    ComboBox::from_label("image size").selected_text(size_text(choice.image_size_px)).show_ui(ui, |ui| {
        ui.selectable_value(&mut choice.image_size_px, None, size_text(None))
            .on_hover_text("the pictures' own size when they all share one square size, else 64");
        let stored = choice.image_size_px.filter(|side| !IMAGE_SIZE_CHOICES_PX.contains(side));
        for side in IMAGE_SIZE_CHOICES_PX.into_iter().chain(stored) {
            ui.selectable_value(&mut choice.image_size_px, Some(side), size_text(Some(side)));
        }
    });
    ComboBox::from_label("channels").selected_text(channels_text(choice.channels)).show_ui(ui, |ui| {
        for channels in [None, Some(1), Some(3)] {
            ui.selectable_value(&mut choice.channels, channels, channels_text(channels));
        }
    });
    let mut fit = choice.fit.unwrap_or_default();
    ComboBox::from_label("fit")
        .selected_text(fit_text(fit))
        .show_ui(ui, |ui| {
            for offered in [Fit::CentreCrop, Fit::Pad] {
                ui.selectable_value(&mut fit, offered, fit_text(offered));
            }
        })
        .response
        .on_hover_text("how a picture that is not square is made square");
    if fit != choice.fit.unwrap_or_default() {
        choice.fit = Some(fit);
    }
    let mut background = choice.background.unwrap_or(DEFAULT_BACKGROUND);
    ComboBox::from_label("background")
        .selected_text(background_text(background))
        .show_ui(ui, |ui| {
            for (colour, _) in BACKGROUND_CHOICES {
                ui.selectable_value(&mut background, colour, background_text(colour));
            }
        })
        .response
        .on_hover_text("the colour transparent pixels and padding are laid on");
    if background != choice.background.unwrap_or(DEFAULT_BACKGROUND) {
        choice.background = Some(background);
    }
    (choice != *current).then_some(choice)
}

/// "auto" or "32 px".
fn size_text(side: Option<usize>) -> String {
    side.map_or_else(|| "auto".to_string(), |side| format!("{side} px"))
}

/// "auto", "grey" or "RGB colour".
fn channels_text(channels: Option<usize>) -> String {
    match channels {
        None => "auto".to_string(),
        Some(1) => "grey".to_string(),
        Some(3) => "RGB colour".to_string(),
        Some(other) => format!("{other} channels"),
    }
}

fn fit_text(fit: Fit) -> &'static str {
    match fit {
        Fit::CentreCrop => "centre crop",
        Fit::Pad => "pad",
    }
}

/// A preset's name, else `#rrggbb`.
fn background_text(colour: [u8; 3]) -> String {
    BACKGROUND_CHOICES.iter().find(|(preset, _)| *preset == colour).map_or_else(
        || {
            let [red, green, blue] = colour;
            format!("#{red:02x}{green:02x}{blue:02x}")
        },
        |(_, name)| (*name).to_string(),
    )
}

/// `choice` with every field the window would not offer opened to "auto": sizes and channels
/// outside the accepted ranges. Returns the names of the fields opened.
pub fn sanitized(choice: &PreprocessingChoice) -> (PreprocessingChoice, Vec<&'static str>) {
    let mut clean = *choice;
    let mut opened = Vec::new();
    if clean.image_size_px.is_some_and(|side| crate::data::check_image_size(side).is_err()) {
        clean.image_size_px = None;
        opened.push("image size");
    }
    if clean.channels.is_some_and(|channels| crate::data::check_channels(channels).is_err()) {
        clean.channels = None;
        opened.push("channels");
    }
    (clean, opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_for_people() {
        assert_eq!(size_text(None), "auto");
        assert_eq!(size_text(Some(16)), "16 px");
        assert_eq!(channels_text(Some(1)), "grey");
        assert_eq!(background_text([255, 255, 255]), "white");
        assert_eq!(background_text([1, 2, 255]), "#0102ff");
    }

    #[test]
    fn refused_sizes_and_channels_become_auto() {
        let bad = PreprocessingChoice {
            image_size_px: Some(100_000),
            channels: Some(2),
            fit: Some(Fit::Pad),
            background: Some([1, 2, 3]),
        };
        let (clean, opened) = sanitized(&bad);
        assert_eq!(opened, ["image size", "channels"]);
        assert_eq!(clean, PreprocessingChoice { image_size_px: None, channels: None, ..bad });
        let good = PreprocessingChoice { image_size_px: Some(16), channels: Some(1), ..Default::default() };
        assert_eq!(sanitized(&good), (good, Vec::new()));
    }
}
