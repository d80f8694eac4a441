//! From what the graphs declare (and the user's choices) to how to run them: the image shape and
//! layout from the encoder's input, which outputs hold the mean and log-variance, the latent size.

use std::path::Path;

use super::OnnxError;
use super::choices::{DESCRIPTION_FILE, Layout, OnnxChoices};
use super::error::OpenChoice;
use super::graph::DeclaredTensor;
use crate::image_shape::ImageShape;

/// One line of what was found or assumed about a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is about ("image", "layout", "mean", …).
    pub subject: &'static str,
    /// What it is.
    pub value: String,
    /// Where it comes from: the graph, a flag or the description file, or an assumption.
    pub source: String,
}

impl Finding {
    pub(super) fn new(subject: &'static str, value: impl Into<String>, source: impl Into<String>) -> Self {
        Self { subject, value: value.into(), source: source.into() }
    }
}

/// Where in the encoder's outputs a latent statistic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputPick {
    /// All of output `index`.
    Whole(usize),
    /// The first half of output `index` (`[N, 2d]` split in two).
    FirstHalf(usize),
    /// The second half of output `index`.
    SecondHalf(usize),
}

/// The image the encoder reads: its shape, its layout and the input's dims after the batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInput {
    /// The image.
    pub shape: ImageShape,
    /// How the graph lays it out.
    pub layout: Layout,
    /// The input's dims after the batch, in the graph's order.
    pub dims: Vec<usize>,
}

/// A flag's name and the description file, for questions the graph leaves open.
fn needs(dir: &Path, question: String, flag: &'static str, about: OpenChoice) -> OnnxError {
    OnnxError::NeedsChoice { dir: dir.to_path_buf(), question, flag, about, file: DESCRIPTION_FILE }
}

fn shown(tensor: &DeclaredTensor) -> String {
    let dims: Vec<String> = tensor.dims.iter().map(|dim| dim.map_or("N".to_string(), |dim| dim.to_string())).collect();
    format!("{} [{}]", tensor.name, dims.join(", "))
}

/// Reads the image from the encoder's input `input`, with `choices` deciding what it leaves open.
pub fn image_input(
    input: &DeclaredTensor,
    choices: &OnnxChoices,
    dir: &Path,
    path: &Path,
    findings: &mut Vec<Finding>,
) -> Result<ImageInput, OnnxError> {
    let source = format!("the encoder's input {}", shown(input));
    let known: Option<Vec<usize>> = input.dims.iter().skip(1).copied().collect();
    let layout = match (choices.layout, input.dims.len()) {
        (Some(layout), _) => layout,
        (None, 2) => Layout::Flat,
        (None, 3) => Layout::Nchw,
        (None, 4) => four_d_layout(&input.dims, choices.image_shape, dir)?,
        (None, 0) => {
            return Err(needs(
                dir,
                format!("the encoder's input {} declares no shape", input.name),
                "--layout",
                OpenChoice::Layout,
            ));
        }
        (None, rank) => {
            return Err(OnnxError::Shape {
                path: path.to_path_buf(),
                problem: format!(
                    "the encoder's input {} has rank {rank}; an encoder reads [N, C, H, W], [N, H, W, C] or [N, values]",
                    shown(input)
                ),
            });
        }
    };
    let from_choice = |shape: ImageShape| -> Result<ImageShape, OnnxError> {
        let dims = dims_of(shape, layout, input.dims.len());
        if known.as_ref().is_some_and(|known| *known != dims) {
            return Err(OnnxError::Shape {
                path: path.to_path_buf(),
                problem: format!("--image-shape {shape} does not fit the encoder's input {}", shown(input)),
            });
        }
        Ok(shape)
    };
    let shape = match (choices.image_shape, known.as_deref(), layout) {
        (Some(shape), _, _) => {
            findings.push(Finding::new("image", shape.to_string(), "chosen (flag or description file)"));
            from_choice(shape)?
        }
        (None, Some([values]), Layout::Flat) => {
            let shape = square_image(*values).ok_or_else(|| {
                needs(
                    dir,
                    format!("a flat input of {values} values is no square grey or RGB picture"),
                    "--image-shape C,H,W",
                    OpenChoice::ImageShape,
                )
            })?;
            findings.push(Finding::new(
                "image",
                shape.to_string(),
                format!("{source}: {values} values read as a square picture"),
            ));
            shape
        }
        (None, Some([height, width]), Layout::Nchw) => {
            findings.push(Finding::new("image", ImageShape::grey(*height, *width).to_string(), source.clone()));
            ImageShape::grey(*height, *width)
        }
        (None, Some([channels, height, width]), Layout::Nchw)
        | (None, Some([height, width, channels]), Layout::Nhwc) => {
            let shape = ImageShape { channels: *channels, height: *height, width: *width };
            findings.push(Finding::new("image", shape.to_string(), source.clone()));
            shape
        }
        _ => {
            return Err(needs(
                dir,
                format!("the encoder's input {} does not fix the image's size", shown(input)),
                "--image-shape C,H,W",
                OpenChoice::ImageShape,
            ));
        }
    };
    let layout_source = if choices.layout.is_some() { "chosen (flag or description file)".to_string() } else { source };
    findings.push(Finding::new("layout", format!("{layout:?}").to_uppercase(), layout_source));
    Ok(ImageInput { shape, layout, dims: dims_of(shape, layout, input.dims.len()) })
}

/// `[N, a, b, c]`: channels first when only `a` looks like a channel count, last when only `c` does.
pub(super) fn four_d_layout(
    dims: &[Option<usize>],
    shape: Option<ImageShape>,
    dir: &Path,
) -> Result<Layout, OnnxError> {
    let channel_like = |dim: Option<usize>| dim.is_some_and(|dim| (1..=4).contains(&dim));
    if let Some(shape) = shape {
        if dims.get(1).copied().flatten() == Some(shape.channels) {
            return Ok(Layout::Nchw);
        }
        return Ok(Layout::Nhwc);
    }
    match (channel_like(dims.get(1).copied().flatten()), channel_like(dims.get(3).copied().flatten())) {
        (true, false) => Ok(Layout::Nchw),
        (false, true) => Ok(Layout::Nhwc),
        _ => Err(needs(
            dir,
            "the encoder's input could hold its channels first or last".to_string(),
            "--layout nchw|nhwc",
            OpenChoice::Layout,
        )),
    }
}

/// The input dims after the batch for an image `shape` laid out as `layout` in a graph input of
/// rank `rank`.
pub fn dims_of(shape: ImageShape, layout: Layout, rank: usize) -> Vec<usize> {
    let ImageShape { channels, height, width } = shape;
    match layout {
        Layout::Flat => vec![shape.values()],
        Layout::Nchw if rank == 3 && channels == 1 => vec![height, width],
        Layout::Nchw => vec![channels, height, width],
        Layout::Nhwc => vec![height, width, channels],
    }
}

/// A flat count as a square picture: grey when it is a square, RGB when a third of it is.
pub fn square_image(values: usize) -> Option<ImageShape> {
    let side =
        |count: usize| (1..=count).take_while(|side| side * side <= count).last().filter(|side| side * side == count);
    if let Some(side) = side(values) {
        return Some(ImageShape::grey(side, side));
    }
    let side = side(values.checked_div(3).filter(|_| values.is_multiple_of(3))?)?;
    Some(ImageShape { channels: 3, height: side, width: side })
}

/// Whether an output's name says it is a mean or a log-variance.
pub(super) fn name_kind(name: &str) -> Option<bool> {
    let plain: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    if ["logvar", "logvariance", "logsigma2", "logsigmasq"].iter().any(|key| plain.contains(key)) {
        return Some(false);
    }
    let mean = plain.contains("mean") || plain == "mu" || plain.ends_with("mu") || plain == "loc";
    mean.then_some(true)
}

/// Picks the mean and log-variance among the encoder's `outputs` (their run-time shapes at batch 1).
pub fn pick_outputs(
    names: &[String],
    shapes: &[Vec<usize>],
    choices: &OnnxChoices,
    dir: &Path,
    path: &Path,
    findings: &mut Vec<Finding>,
) -> Result<(OutputPick, OutputPick, usize), OnnxError> {
    let index_of = |wanted: &str, flag: &'static str| -> Result<usize, OnnxError> {
        names.iter().position(|name| name == wanted).ok_or_else(|| {
            needs(
                dir,
                format!("the encoder has no output {wanted:?} (it has {})", names.join(", ")),
                flag,
                OpenChoice::Outputs,
            )
        })
    };
    let width = |index: usize| -> Result<usize, OnnxError> {
        match shapes.get(index).map(Vec::as_slice) {
            Some([1, width]) => Ok(*width),
            other => Err(OnnxError::Shape {
                path: path.to_path_buf(),
                problem: format!(
                    "the encoder's output {} has shape {:?} for one image; a mean or log-variance is [N, latent]",
                    names.get(index).map_or("?", String::as_str),
                    other.unwrap_or_default()
                ),
            }),
        }
    };
    let chosen = "chosen (flag or description file)";
    let mean = match &choices.mean_output {
        Some(name) => Some((index_of(name, "--mean-output NAME")?, chosen)),
        None => names.iter().position(|name| name_kind(name) == Some(true)).map(|index| (index, "its name")),
    };
    let log_var = match &choices.logvar_output {
        Some(name) => Some((index_of(name, "--logvar-output NAME")?, chosen)),
        None => names.iter().position(|name| name_kind(name) == Some(false)).map(|index| (index, "its name")),
    };
    let (mean, log_var) = match (mean, log_var) {
        (Some(mean), Some(log_var)) => (mean, log_var),
        _ if names.len() == 1 => {
            let width = width(0)?;
            if width % 2 != 0 {
                return Err(needs(
                    dir,
                    format!("the encoder's one output {} has {width} values, not a mean and a log-variance", names[0]),
                    "--mean-output NAME and --logvar-output NAME",
                    OpenChoice::Outputs,
                ));
            }
            findings.push(Finding::new(
                "mean",
                format!("{} [.., :{}]", names[0], width / 2),
                "assumed: the first half of the one [N, 2d] output",
            ));
            findings.push(Finding::new(
                "log-variance",
                format!("{} [.., {}:]", names[0], width / 2),
                "assumed: its second half",
            ));
            return Ok((OutputPick::FirstHalf(0), OutputPick::SecondHalf(0), width / 2));
        }
        _ => {
            return Err(needs(
                dir,
                format!(
                    "no encoder output is named as a mean and one as a log-variance (outputs: {})",
                    names.join(", ")
                ),
                "--mean-output NAME and --logvar-output NAME",
                OpenChoice::Outputs,
            ));
        }
    };
    let latent_dim = width(mean.0)?;
    if width(log_var.0)? != latent_dim || mean.0 == log_var.0 {
        return Err(OnnxError::Shape {
            path: path.to_path_buf(),
            problem: format!(
                "the mean output {} and the log-variance output {} must be two outputs of one width",
                names[mean.0], names[log_var.0]
            ),
        });
    }
    findings.push(Finding::new("mean", names[mean.0].clone(), mean.1));
    findings.push(Finding::new("log-variance", names[log_var.0].clone(), log_var.1));
    for (index, name) in names.iter().enumerate().filter(|(index, _)| ![mean.0, log_var.0].contains(index)) {
        findings.push(Finding::new(
            "ignored output",
            name.clone(),
            format!("output {index}: neither mean nor log-variance (a sample drawn in the graph, say)"),
        ));
    }
    Ok((OutputPick::Whole(mean.0), OutputPick::Whole(log_var.0), latent_dim))
}

/// The decoder output's layout, from its run-time shape at batch 1 and the image it must hold.
pub fn decoder_layout(
    shape: &[usize],
    image: ImageShape,
    encoder_layout: Layout,
    path: &Path,
) -> Result<Layout, OnnxError> {
    let ImageShape { channels, height, width } = image;
    let fits = |layout: Layout| shape.get(1..) == Some(dims_of(image, layout, shape.len()).as_slice());
    let candidates: Vec<Layout> =
        [Layout::Flat, Layout::Nchw, Layout::Nhwc].into_iter().filter(|&layout| fits(layout)).collect();
    if shape.first() == Some(&1) && !candidates.is_empty() {
        return Ok(if candidates.contains(&encoder_layout) { encoder_layout } else { candidates[0] });
    }
    Err(OnnxError::Shape {
        path: path.to_path_buf(),
        problem: format!(
            "the decoder's output has shape {shape:?} for one latent point; it must hold one {channels}×{height}×{width} image as the encoder reads it"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_counts_read_as_square_pictures() {
        assert_eq!(square_image(784), Some(ImageShape::grey(28, 28)));
        assert_eq!(square_image(12_288), Some(ImageShape { channels: 3, height: 64, width: 64 }));
        assert_eq!(square_image(1000), None);
    }

    #[test]
    fn names_say_mean_or_log_variance() {
        for name in ["mu", "mean", "z_mean", "encoder/mu", "loc"] {
            assert_eq!(name_kind(name), Some(true), "{name}");
        }
        for name in ["logvar", "log_var", "z_log_var", "logVariance"] {
            assert_eq!(name_kind(name), Some(false), "{name}");
        }
        assert_eq!(name_kind("z"), None);
        assert_eq!(name_kind("23"), None);
    }
}
