//! What a command opens: `--model`, `--data` and the picture-folder flags, flattened into every
//! subcommand that takes them, and the one loader of the model and its data.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::data_args::{PreprocessingArgs, open_data};
use crate::checkpoint::CheckpointInfo;
use crate::data::{DataSource, Dataset, ImageSet, check_channels};
use crate::image_shape::ImageShape;
use crate::inference::{ModelSnapshot, ModelSource};
use crate::model::MAX_IMAGE_SIDE;
use crate::onnx_model::{DecoderOutput, Layout, OnnxChoices};

/// The `--model` and `--data` value that names what ships with the app.
pub const BUNDLED: &str = "bundled";

/// `--data` and how a folder of pictures is read (`train`, `sweep`, `encode`, `eval`, `export`).
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// `bundled` for the built-in MNIST digits, or a folder of IDX files or of pictures (one
    /// subfolder per class).
    // Always `Some` unless a command takes the default away (`export`); then `None` stands for the
    // folder the model was trained on (see `name`). A second doc paragraph would show in `--help`.
    #[arg(long, default_value = BUNDLED)]
    pub data: Option<String>,
    /// How a folder of pictures is read (size, channels, fit, background).
    #[command(flatten)]
    pub preprocessing: PreprocessingArgs,
}

/// A saved model and the data it is run on (`encode`, `eval`, `export`).
#[derive(Debug, Args)]
pub struct ModelDataArgs {
    /// `bundled` for the model shipped with the app, a folder saved by `train`, or a folder holding
    /// `encoder.onnx` and `decoder.onnx` trained elsewhere.
    #[arg(long, default_value = BUNDLED)]
    pub model: String,
    /// The data and how a folder of pictures is read; default: the model's own.
    #[command(flatten)]
    pub input: DataArgs,
    /// What an ONNX model's graphs leave open.
    #[command(flatten)]
    pub onnx: OnnxArgs,
}

/// For a folder of ONNX graphs (`encoder.onnx`, `decoder.onnx`): answers to what the graphs do not
/// say. Given answers are kept in the folder's `vae-explorer-onnx.json` for the next open.
#[derive(Debug, Args, Clone, Default)]
pub struct OnnxArgs {
    /// ONNX only: the image the encoder reads, as channels,height,width (e.g. 1,28,28 or 3,64,64).
    #[arg(long, value_name = "C,H,W", value_parser = parse_image_shape)]
    pub image_shape: Option<ImageShape>,
    /// ONNX only: how the encoder's input holds the image.
    #[arg(long, value_enum)]
    pub layout: Option<Layout>,
    /// ONNX only: what the decoder returns.
    #[arg(long, value_enum)]
    pub decoder_output: Option<DecoderOutput>,
    /// ONNX only: the encoder output that holds the means.
    #[arg(long, value_name = "NAME")]
    pub mean_output: Option<String>,
    /// ONNX only: the encoder output that holds the log-variances.
    #[arg(long, value_name = "NAME")]
    pub logvar_output: Option<String>,
}

impl OnnxArgs {
    /// The flags as choices for the loader.
    pub fn choices(&self) -> OnnxChoices {
        OnnxChoices {
            image_shape: self.image_shape,
            layout: self.layout,
            decoder_output: self.decoder_output,
            mean_output: self.mean_output.clone(),
            logvar_output: self.logvar_output.clone(),
        }
    }
}

/// Parses `C,H,W` (channels 1 or 3, sides 1 to the largest the app builds).
pub(super) fn parse_image_shape(text: &str) -> Result<ImageShape, String> {
    let parts: Vec<usize> = text
        .split(',')
        .map(|part| part.trim().parse::<usize>().map_err(|_| format!("{part:?} is not a whole number; write C,H,W")))
        .collect::<Result<_, _>>()?;
    let [channels, height, width] = parts[..] else {
        return Err(format!("{text:?} is not three numbers; write C,H,W such as 1,28,28"));
    };
    check_channels(channels)?;
    if !(1..=MAX_IMAGE_SIDE).contains(&height) || !(1..=MAX_IMAGE_SIDE).contains(&width) {
        return Err(format!("sides must be 1 to {MAX_IMAGE_SIDE} pixels"));
    }
    Ok(ImageShape { channels, height, width })
}

impl DataArgs {
    /// The `--data` value: as given, else `bundled` when there is no model or it was trained on the
    /// bundled digits. A folder named in a model's description never chooses what is read (a
    /// downloaded model could name private pictures): it must be given with `--data`.
    pub fn name(&self, model: Option<&CheckpointInfo>) -> Result<String> {
        match (&self.data, model) {
            (Some(data), _) => Ok(data.clone()),
            (None, Some(info)) if info.dataset != DataSource::Bundled.to_string() => bail!(
                "the model names {} as its data, but a folder stored in a model never chooses what is read; pass --data with the folder to read (the same, or another)",
                crate::display_name::escaped(info.dataset.as_ref())
            ),
            (None, _) => Ok(BUNDLED.to_string()),
        }
    }

    /// The channels the data will have where the flags alone say so: 1 for the bundled digits,
    /// `--channels` where given; `None` until a folder is read.
    pub fn declared_channels(&self) -> Option<usize> {
        match self.data.as_deref() {
            Some(BUNDLED) | None => Some(1),
            Some(_) => self.preprocessing.channels,
        }
    }

    /// Loads the data with a progress bar; for a picture folder the flags win over `model`'s
    /// preprocessing. Prints the skipped files, if any.
    pub fn open(&self, model: Option<&CheckpointInfo>) -> Result<Dataset> {
        open_data(&self.name(model)?, &self.preprocessing, model, None)
    }
}

impl ModelDataArgs {
    /// Loads `--model`.
    pub fn open_model(&self) -> Result<ModelSnapshot> {
        ModelSnapshot::load_with(&model_source(&self.model), &self.onnx.choices()).context("cannot open the model")
    }

    /// Loads `--data` for `snapshot` (a picture folder read with the model's own preprocessing
    /// unless flags say otherwise), checked against the model's image size.
    pub fn open_data_for(&self, snapshot: &ModelSnapshot) -> Result<Dataset> {
        // IDX digits are padded or resampled to the image a model trained elsewhere reads.
        let fit_to = snapshot.model.onnx().map(|_| snapshot.image_shape());
        let input = &self.input;
        let dataset =
            open_data(&input.name(Some(&snapshot.info))?, &input.preprocessing, Some(&snapshot.info), fit_to)?;
        ensure_data_fits_model(snapshot, &dataset.name, &dataset.heldout)?;
        Ok(dataset)
    }

    /// Loads `--model`, then `--data` checked against it: what `encode` and `eval` run on.
    pub fn open(&self) -> Result<(ModelSnapshot, Dataset)> {
        let snapshot = self.open_model()?;
        let dataset = self.open_data_for(&snapshot)?;
        Ok((snapshot, dataset))
    }
}

/// Parses a `--model` value: `bundled` or a checkpoint folder.
pub fn model_source(arg: &str) -> ModelSource {
    if arg == BUNDLED { ModelSource::Bundled } else { ModelSource::Folder(PathBuf::from(arg)) }
}

/// Fails with one line when `set`'s images are not the size `snapshot` was trained on.
fn ensure_data_fits_model(snapshot: &ModelSnapshot, dataset_name: &str, set: &ImageSet) -> Result<()> {
    let (model_shape, data_shape) = (snapshot.image_shape(), set.shape());
    if model_shape != data_shape {
        bail!(
            "the model expects {model_shape} images but {dataset_name} holds {data_shape} images; choose matching data"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use crate::cli::{Cli, CliCommand};

    fn parse(args: &[&str]) -> CliCommand {
        let all = std::iter::once("vae-explorer").chain(args.iter().copied());
        Cli::try_parse_from(all).expect("parses").command.expect("a subcommand")
    }

    #[test]
    fn the_commands_are_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn data_is_bundled_unless_given_except_for_export() {
        let CliCommand::Encode(encode) = parse(&["encode", "--out", "z.csv"]) else { panic!("not encode") };
        assert_eq!((encode.source.model.as_str(), encode.source.input.data.as_deref()), ("bundled", Some("bundled")));
        let CliCommand::Export(export) = parse(&["export", "samples", "--out", "s.png"]) else { panic!("not export") };
        let source = &export.kind.picture().source;
        assert_eq!(source.input.data, None);
        assert_eq!(source.input.name(None).expect("bundled"), "bundled");
        let CliCommand::Eval(eval) = parse(&["eval", "--data", "/digits", "--fit", "pad"]) else { panic!("not eval") };
        assert_eq!(eval.source.input.name(None).expect("given"), "/digits");
        assert!(eval.source.input.preprocessing.fit.is_some());
        let CliCommand::Train(train) = parse(&["train", "--out", "run"]) else { panic!("not train") };
        assert_eq!(train.input.data.as_deref(), Some("bundled"));
    }

    #[test]
    fn a_hostile_image_shape_is_refused_in_one_line() {
        let shape = super::parse_image_shape(" 3, 32 ,24").expect("parses");
        assert_eq!((shape.channels, shape.height, shape.width), (3, 32, 24));
        for text in [
            "",
            ",,",
            "1,28",
            "1,28,28,28",
            "a,b,c",
            "-1,28,28",
            "2,28,28",
            "1,0,28",
            "1,28,0",
            "1,28,99999999999999999999999",
            "1,100000,28",
            "1;28;28",
            "\u{0}",
        ] {
            let error = super::parse_image_shape(text).expect_err(text);
            assert!(!error.is_empty() && !error.contains('\n'), "{text:?}: {error}");
        }
    }
}
