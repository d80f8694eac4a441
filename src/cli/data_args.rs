//! Opening `--data` on the command line: the picture-folder flags (part of
//! [`super::source_args::DataArgs`]), a progress bar while a folder decodes, and the skipped files
//! afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::checkpoint::CheckpointInfo;
use crate::data::{
    DataSource, Dataset, Fit, LoadPhase, LoadProgress, PreprocessingChoice, check_channels, check_image_size,
};
use crate::image_shape::ImageShape;

/// Skipped files named on the console; the rest are counted.
const SKIPS_SHOWN: usize = 5;

/// How the pictures of a folder given to `--data` become model inputs.
#[derive(Debug, Args, Clone, Default)]
pub struct PreprocessingArgs {
    /// Side of the square model input a picture folder is scaled to, in pixels (4 to 256). Default: a
    /// saved model's own; else the pictures' own size when they all share one square size, else 64.
    #[arg(long, value_name = "PX", value_parser = parse_image_size)]
    pub image_size: Option<usize>,
    /// 1 (grey) or 3 (colour). Default: a saved model's own; else 3 when any picture shows colour.
    #[arg(long, value_name = "1|3", value_parser = parse_channels)]
    pub channels: Option<usize>,
    /// How a picture that is not square is made square (default: crop).
    #[arg(long, value_enum)]
    pub fit: Option<FitArg>,
    /// Colour transparent pixels and padding are laid on, as RRGGBB (default: ffffff, white).
    #[arg(long, value_name = "RRGGBB", value_parser = parse_background)]
    pub background: Option<[u8; 3]>,
}

/// `--fit` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FitArg {
    /// Scale the shorter side to the size and cut out the centre square.
    Crop,
    /// Scale the longer side to the size and pad with the background.
    Pad,
}

impl PreprocessingArgs {
    /// The preprocessing these flags ask for; open where no flag was given.
    pub fn choice(&self) -> PreprocessingChoice {
        PreprocessingChoice {
            image_size_px: self.image_size,
            channels: self.channels,
            fit: self.fit.map(|fit| match fit {
                FitArg::Crop => Fit::CentreCrop,
                FitArg::Pad => Fit::Pad,
            }),
            background: self.background,
        }
    }
}

fn parse_image_size(text: &str) -> Result<usize, String> {
    let size: usize = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number of pixels"))?;
    check_image_size(size).map(|()| size)
}

fn parse_channels(text: &str) -> Result<usize, String> {
    let channels: usize = text.trim().parse().map_err(|_| format!("{text:?} is not 1 or 3"))?;
    check_channels(channels).map(|()| channels)
}

fn parse_background(text: &str) -> Result<[u8; 3], String> {
    let hex = text.trim();
    let hex = hex.strip_prefix('#').unwrap_or(hex);
    let bad = || format!("{text:?} is no colour: give six hex digits RRGGBB, such as ffffff or 000000");
    if hex.len() != 6 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).map_err(|_| bad());
    Ok([channel(0)?, channel(2)?, channel(4)?])
}

/// Loads `--data` with a progress bar; for a picture folder the flags win over `model`'s preprocessing.
/// IDX digits are brought to `fit_to` (the image a model trained elsewhere reads) when given and
/// of another size. Prints what was read, as the model receives it, and the skipped files, if any.
pub fn open_data(
    data: &str,
    flags: &PreprocessingArgs,
    model: Option<&CheckpointInfo>,
    fit_to: Option<ImageShape>,
) -> Result<Dataset> {
    let given = flags.choice();
    let source = match DataSource::from_arg(data) {
        folder @ DataSource::ImageFolder { .. } => {
            let fallback = model.map(CheckpointInfo::implied_preprocessing).unwrap_or_default();
            folder.with_preprocessing(given.or(fallback))
        }
        other if given != PreprocessingChoice::default() => {
            bail!("--image-size, --channels, --fit and --background apply to folders of pictures, not to {other}")
        }
        other => other,
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let decoded = AtomicBool::new(false);
    let started = Instant::now();
    let show = |progress: LoadProgress| {
        if progress.phase == LoadPhase::Decoding {
            decoded.store(true, Ordering::Relaxed);
        }
        bar.set_message(match progress.phase {
            LoadPhase::Listing => "listing",
            LoadPhase::Measuring => "measuring",
            LoadPhase::Decoding => "decoding",
            LoadPhase::ReadingCache => "reading the cache",
        });
        bar.set_length(progress.total as u64);
        bar.set_position(progress.done as u64);
    };
    let loaded = source.load_with_progress(&show);
    bar.finish_and_clear();
    let mut dataset = loaded.context("cannot load the data")?;
    if let Some(preprocessing) = &dataset.preprocessing {
        let classes = if dataset.has_classes {
            format!("{} classes", dataset.class_names.len())
        } else {
            "no classes".to_string()
        };
        let how = if decoded.load(Ordering::Relaxed) { "decoded" } else { "read from the cache" };
        eprintln!(
            "read {}: {} pictures as {}, {classes} ({how} in {:.2} s)",
            dataset.name,
            dataset.train.len() + dataset.heldout.len(),
            preprocessing.describe(),
            started.elapsed().as_secs_f64()
        );
    } else {
        let read = dataset.read_line();
        match fit_to.filter(|shape| *shape != dataset.heldout.shape()).and_then(|shape| dataset.brought_to(shape)) {
            Some(fitted) => {
                let how = crate::data::fitting_words(dataset.heldout.shape(), fitted.heldout.shape());
                eprintln!("{read}, brought to {} for the model ({how})", fitted.heldout.shape());
                dataset = fitted;
            }
            None => eprintln!("{read}"),
        }
    }
    if !dataset.skipped.is_empty() {
        eprintln!("{}", dataset.skipped.summary(SKIPS_SHOWN));
    }
    Ok(dataset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_checked_when_parsed() {
        assert_eq!(parse_background("#00ff7F"), Ok([0, 255, 127]));
        for bad in ["fff", "gggggg", "1234567", "ééé", "", "+1+1+1", "#+1+1+1", "-1-1-1", "##ffffff"] {
            assert!(parse_background(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_image_size("64"), Ok(64));
        for bad in ["3", "257", "-1", "1e3", "99999999999999999999999"] {
            assert!(parse_image_size(bad).is_err(), "{bad}");
        }
        assert!(parse_channels("2").is_err() && parse_channels("3") == Ok(3));
    }
}
