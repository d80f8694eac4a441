//! Text drawn into exported pictures (the sweep figure's run names, the evolution GIF's epoch and
//! axes), with the Hack font egui ships, so every export labels itself the same way.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};

/// Where and how a line of text is drawn.
#[derive(Clone, Copy, Debug)]
pub struct TextStyle {
    /// Height of the text, in pixels.
    pub size_px: f32,
    /// Colour of the ink.
    pub ink: [u8; 3],
    /// Widest the text may be, in pixels; longer text is cut with "…".
    pub max_width_px: f32,
}

/// The Hack font, or `None` if its bytes do not parse (then no text is drawn).
pub fn hack_font() -> Option<FontRef<'static>> {
    FontRef::try_from_slice(epaint_default_fonts::HACK_REGULAR).ok()
}

/// The width of `text` in pixels at `size_px`.
pub fn text_width_px(font: &FontRef<'_>, text: &str, size_px: f32) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size_px));
    text.chars().map(|c| scaled.h_advance(scaled.glyph_id(c))).sum()
}

/// Draws `text` with its left edge at `left_px` and its baseline at `baseline_px`, blended over
/// what is there, cut to fit `style.max_width_px` with "…". Pixels off the canvas are skipped.
pub fn draw_text(
    canvas: &mut RgbImage,
    font: &FontRef<'_>,
    text: &str,
    [left_px, baseline_px]: [f32; 2],
    style: TextStyle,
) {
    let scale = PxScale::from(style.size_px);
    let scaled = font.as_scaled(scale);
    let mut kept: Vec<char> = text.chars().collect();
    let mut shown = text.to_string();
    while text_width_px(font, &shown, style.size_px) > style.max_width_px && !kept.is_empty() {
        kept.pop();
        shown = kept.iter().chain(['…'].iter()).collect();
    }
    let ink = style.ink;
    let mut caret = left_px;
    for character in shown.chars() {
        let id = scaled.glyph_id(character);
        let glyph = id.with_scale_and_position(scale, point(caret, baseline_px));
        caret += scaled.h_advance(id);
        let Some(outline) = font.outline_glyph(glyph) else { continue };
        let bounds = outline.px_bounds();
        outline.draw(|x, y, coverage| {
            let (px, py) = (bounds.min.x + x as f32, bounds.min.y + y as f32);
            if px < 0.0 || py < 0.0 || px >= canvas.width() as f32 || py >= canvas.height() as f32 {
                return;
            }
            let pixel = canvas.get_pixel_mut(px as u32, py as u32);
            let blend = |background: u8, ink: u8| {
                (f32::from(background) + (f32::from(ink) - f32::from(background)) * coverage.clamp(0.0, 1.0)).round()
                    as u8
            };
            *pixel = Rgb([blend(pixel[0], ink[0]), blend(pixel[1], ink[1]), blend(pixel[2], ink[2])]);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_where_asked_and_cut_to_its_width() {
        let font = hack_font().expect("egui's Hack font parses");
        let mut canvas = RgbImage::from_pixel(200, 40, Rgb([255, 255, 255]));
        let style = TextStyle { size_px: 16.0, ink: [0, 0, 0], max_width_px: 60.0 };
        draw_text(&mut canvas, &font, "a rather long run name", [10.0, 24.0], style);
        let inked = |x: u32| (0..40).any(|y| canvas.get_pixel(x, y)[0] < 128);
        assert!((10..70).any(inked), "ink inside the box");
        assert!(!(0..8).any(inked) && !(72..200).any(inked), "no ink outside the box");
        assert!(text_width_px(&font, "abc", 16.0) > text_width_px(&font, "a", 16.0));
    }
}
