//! Pictures of images as egui textures, uploaded again only when their pixels change. Every
//! picture is drawn by [`crate::render`], the same code that draws the exports.

use egui::{ColorImage, TextureHandle, TextureOptions};

use crate::render::{ImageGrid, WINDOW_STYLE};

/// Renders `grid` as the window shows it (one pixel per image pixel, one-pixel gutters) into an
/// egui image. A grid that cannot be drawn (its data is for another model, or it is too large)
/// shows as one black pixel; the view's controls stay usable.
pub fn texture_image(grid: &ImageGrid) -> ColorImage {
    match grid.to_rgb_image(&WINDOW_STYLE) {
        Ok(image) => {
            let size = [image.width() as usize, image.height() as usize];
            ColorImage::from_rgb(size, image.as_raw())
        }
        Err(error) => {
            log::debug!("not drawn: {error}");
            ColorImage::filled([1, 1], egui::Color32::BLACK)
        }
    }
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
