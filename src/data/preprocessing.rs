//! How the pictures of an image folder become model inputs: square size, channels, fit and background.
//!
//! Chosen when the data is opened ([`PreprocessingChoice`], every field optional) and resolved against
//! the folder ([`Preprocessing`], every field fixed); the resolved one is stored in the checkpoint so a
//! model reopens with its own.

use serde::{Deserialize, Serialize};

use super::MAX_IMAGE_PIXELS;
use crate::image_shape::ImageShape;

/// Smallest accepted side of the square model input, in pixels.
pub const MIN_IMAGE_SIZE_PX: usize = 4;
/// Largest accepted side of the square model input, in pixels: the largest square within
/// [`MAX_IMAGE_PIXELS`] (256 × 256).
pub const MAX_IMAGE_SIZE_PX: usize = 256;
/// Side used when the pictures do not all share one square size.
pub const DEFAULT_IMAGE_SIZE_PX: usize = 64;
/// Colour transparent pixels are composited on unless another is chosen: white paper.
pub const DEFAULT_BACKGROUND: [u8; 3] = [255, 255, 255];

const _: () = assert!(MAX_IMAGE_SIZE_PX * MAX_IMAGE_SIZE_PX <= MAX_IMAGE_PIXELS);

/// How a picture that is not square is made square.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Fit {
    /// Scale the shorter side to the target and cut the centre square out.
    #[default]
    CentreCrop,
    /// Scale the longer side to the target and pad the rest with the background colour.
    Pad,
}

impl Fit {
    /// The word the command line uses: `crop` or `pad`.
    pub fn name(self) -> &'static str {
        match self {
            Self::CentreCrop => "crop",
            Self::Pad => "pad",
        }
    }
}

/// The fixed recipe that turns any picture into a `[channels, size, size]` model input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Preprocessing {
    /// Side of the square model input, in pixels.
    pub image_size_px: usize,
    /// 1 (grey) or 3 (RGB).
    pub channels: usize,
    /// How non-square pictures are made square.
    pub fit: Fit,
    /// RGB colour transparent pixels (and padding) are composited on.
    pub background: [u8; 3],
}

impl Default for Preprocessing {
    fn default() -> Self {
        Self { image_size_px: DEFAULT_IMAGE_SIZE_PX, channels: 3, fit: Fit::CentreCrop, background: DEFAULT_BACKGROUND }
    }
}

impl Preprocessing {
    /// The shape of every image this recipe produces.
    pub fn shape(&self) -> ImageShape {
        ImageShape { channels: self.channels, height: self.image_size_px, width: self.image_size_px }
    }

    /// Checks the size and channel count against the caps; the message says what is accepted.
    pub fn validate(&self) -> Result<(), String> {
        check_image_size(self.image_size_px)?;
        check_channels(self.channels)
    }

    /// One line for people: `64×64 RGB, crop, background #ffffff`.
    pub fn describe(&self) -> String {
        let [red, green, blue] = self.background;
        format!("{}, {}, background #{red:02x}{green:02x}{blue:02x}", self.shape(), self.fit.name())
    }
}

/// Fails unless `size_px` is an accepted side of the model input.
pub fn check_image_size(size_px: usize) -> Result<(), String> {
    if (MIN_IMAGE_SIZE_PX..=MAX_IMAGE_SIZE_PX).contains(&size_px) {
        Ok(())
    } else {
        Err(format!(
            "an image size of {size_px} pixels is refused: choose {MIN_IMAGE_SIZE_PX} to {MAX_IMAGE_SIZE_PX} \
             (at most {MAX_IMAGE_PIXELS} pixels per image)"
        ))
    }
}

/// Fails unless `channels` is 1 (grey) or 3 (RGB).
pub fn check_channels(channels: usize) -> Result<(), String> {
    if channels == 1 || channels == 3 {
        Ok(())
    } else {
        Err(format!("{channels} channels are refused: choose 1 (grey) or 3 (colour)"))
    }
}

/// What the folder's pictures say about the defaults: measured from their headers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FolderMeasure {
    /// The side every readable picture shares, when they are all square and of one size.
    pub common_square_side_px: Option<usize>,
    /// True when any readable picture is stored in colour.
    pub any_colour: bool,
}

/// A preprocessing as asked for: each field left `None` takes its default from the folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PreprocessingChoice {
    /// Side of the square model input; default: the pictures' own when they share one square size
    /// (and it is accepted), else [`DEFAULT_IMAGE_SIZE_PX`].
    pub image_size_px: Option<usize>,
    /// 1 or 3; default: 3 when any picture is stored in colour, else 1.
    pub channels: Option<usize>,
    /// Default: [`Fit::CentreCrop`].
    pub fit: Option<Fit>,
    /// Default: [`DEFAULT_BACKGROUND`].
    pub background: Option<[u8; 3]>,
}

impl From<Preprocessing> for PreprocessingChoice {
    fn from(fixed: Preprocessing) -> Self {
        Self {
            image_size_px: Some(fixed.image_size_px),
            channels: Some(fixed.channels),
            fit: Some(fixed.fit),
            background: Some(fixed.background),
        }
    }
}

impl PreprocessingChoice {
    /// True when the size or channels must be measured from the pictures.
    pub fn needs_measuring(&self) -> bool {
        self.image_size_px.is_none() || self.channels.is_none()
    }

    /// This choice with `fallback`'s fields wherever this one leaves them open.
    pub fn or(self, fallback: Self) -> Self {
        Self {
            image_size_px: self.image_size_px.or(fallback.image_size_px),
            channels: self.channels.or(fallback.channels),
            fit: self.fit.or(fallback.fit),
            background: self.background.or(fallback.background),
        }
    }

    /// Checks the fields that are set.
    pub fn validate(&self) -> Result<(), String> {
        self.image_size_px.map_or(Ok(()), check_image_size)?;
        self.channels.map_or(Ok(()), check_channels)
    }

    /// The fixed preprocessing, open fields filled from `measure`.
    pub fn resolve(&self, measure: &FolderMeasure) -> Preprocessing {
        let own_size = measure.common_square_side_px.filter(|&side| check_image_size(side).is_ok());
        Preprocessing {
            image_size_px: self.image_size_px.or(own_size).unwrap_or(DEFAULT_IMAGE_SIZE_PX),
            channels: self.channels.unwrap_or(if measure.any_colour { 3 } else { 1 }),
            fit: self.fit.unwrap_or_default(),
            background: self.background.unwrap_or(DEFAULT_BACKGROUND),
        }
    }

    /// True when `fixed` agrees with every field this choice sets.
    pub fn admits(&self, fixed: &Preprocessing) -> bool {
        self.image_size_px.is_none_or(|size| size == fixed.image_size_px)
            && self.channels.is_none_or(|channels| channels == fixed.channels)
            && self.fit.is_none_or(|fit| fit == fixed.fit)
            && self.background.is_none_or(|background| background == fixed.background)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_pictures() {
        let open = PreprocessingChoice::default();
        let shared = FolderMeasure { common_square_side_px: Some(32), any_colour: false };
        assert_eq!(open.resolve(&shared).shape(), ImageShape::grey(32, 32));
        let mixed = FolderMeasure { common_square_side_px: None, any_colour: true };
        assert_eq!(open.resolve(&mixed).shape().to_string(), "64×64 RGB");
        let huge = FolderMeasure { common_square_side_px: Some(1024), any_colour: true };
        assert_eq!(open.resolve(&huge).image_size_px, DEFAULT_IMAGE_SIZE_PX);
        let asked = PreprocessingChoice { image_size_px: Some(16), channels: Some(1), ..Default::default() };
        let fixed = asked.resolve(&mixed);
        assert_eq!((fixed.image_size_px, fixed.channels, fixed.fit), (16, 1, Fit::CentreCrop));
        assert!(asked.admits(&fixed) && !asked.admits(&Preprocessing { channels: 3, ..fixed }));
        assert!(!asked.needs_measuring() && open.needs_measuring());
    }

    #[test]
    fn sizes_and_channels_are_checked() {
        for bad in [0, 3, 257, 512, usize::MAX] {
            assert!(check_image_size(bad).is_err(), "{bad}");
        }
        assert!(check_image_size(4).is_ok() && check_image_size(256).is_ok());
        assert!(check_channels(2).is_err() && check_channels(0).is_err() && check_channels(3).is_ok());
        let bad = Preprocessing { image_size_px: 100_000, ..Default::default() };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn survives_a_json_round_trip() {
        let fixed = Preprocessing { fit: Fit::Pad, background: [1, 2, 3], ..Default::default() };
        let text = serde_json::to_string(&fixed).expect("json");
        assert_eq!(serde_json::from_str::<Preprocessing>(&text).expect("parse"), fixed);
        assert_eq!(fixed.describe(), "64×64 RGB, pad, background #010203");
    }
}
