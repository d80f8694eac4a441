//! Grayscale images as egui textures, uploaded again only when their pixels change.

use egui::{ColorImage, TextureHandle, TextureOptions};

/// Converts [height, width] floats in [0, 1] into an egui image (NaN shows as black).
pub fn gray_image(pixels: &[f32], height: usize, width: usize) -> ColorImage {
    let bytes: Vec<u8> = pixels
        .iter()
        .take(height * width)
        .map(|&value| if value.is_finite() { (value.clamp(0.0, 1.0) * 255.0).round() as u8 } else { 0 })
        .collect();
    if bytes.len() < height * width {
        return ColorImage::filled([width, height], egui::Color32::BLACK);
    }
    ColorImage::from_gray([width, height], &bytes)
}

/// Tiles `count` images of [height, width] into `cols` columns with a one-pixel grey gutter.
pub fn tiled_image(images: &[f32], count: usize, cols: usize, height: usize, width: usize) -> ColorImage {
    let cols = cols.max(1);
    let rows = count.div_ceil(cols).max(1);
    let gutter = 1;
    let size = [cols * (width + gutter) - gutter, rows * (height + gutter) - gutter];
    let mut canvas = ColorImage::filled(size, egui::Color32::from_gray(70));
    let pixels = height * width;
    for index in 0..count.min(images.len() / pixels.max(1)) {
        let (row, col) = (index / cols, index % cols);
        for y in 0..height {
            for x in 0..width {
                let value = images[index * pixels + y * width + x];
                let gray = if value.is_finite() { (value.clamp(0.0, 1.0) * 255.0).round() as u8 } else { 0 };
                let canvas_x = col * (width + gutter) + x;
                let canvas_y = row * (height + gutter) + y;
                canvas.pixels[canvas_y * size[0] + canvas_x] = egui::Color32::from_gray(gray);
            }
        }
    }
    canvas
}

/// A texture that remembers which data it shows.
#[derive(Default)]
pub struct CachedTexture {
    handle: Option<TextureHandle>,
    key: u64,
}

impl CachedTexture {
    /// The texture for `key`, built with `make` when the key changed since the last call.
    pub fn get(
        &mut self,
        ctx: &egui::Context,
        name: &str,
        key: u64,
        make: impl FnOnce() -> ColorImage,
    ) -> &TextureHandle {
        let stale = self.handle.is_none() || self.key != key;
        if stale {
            self.key = key;
            let image = make();
            match &mut self.handle {
                Some(handle) => handle.set(image, TextureOptions::NEAREST),
                None => self.handle = Some(ctx.load_texture(name, image, TextureOptions::NEAREST)),
            }
        }
        self.handle.get_or_insert_with(|| ctx.load_texture(name, ColorImage::default(), TextureOptions::NEAREST))
    }
}

/// A key that changes with the content of a small image (for textures of morph ends).
pub fn content_key(pixels: &[f32]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for value in pixels {
        value.to_bits().hash(&mut hasher);
    }
    hasher.finish()
}
