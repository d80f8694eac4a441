//! What a folder's graphs leave open, each with the answers they allow: the window asks them in one
//! form (the command line names one flag at a time). The answers become [`OnnxChoices`], written to
//! the description file by [`super::OnnxVae::open`] as the flags are.

use std::path::{Path, PathBuf};

use super::OnnxError;
use super::choices::{DecoderOutput, Layout, OnnxChoices, read_choices};
use super::error::OpenChoice;
use super::files::{DECODER_FILE, ENCODER_FILE, read_graph};
use super::graph::inspect;
use super::runner::PreparedGraph;
use super::spec::{four_d_layout, image_input, name_kind, square_image};
use crate::image_shape::ImageShape;
use crate::model::{MAX_IMAGE_SIDE, MAX_LATENT_DIM};

/// Prior samples decoded to suggest what the decoder returns.
const RANGE_PROBES: usize = 8;
/// Longest text accepted in one of the form's C, H, W fields.
const MAX_FIELD_CHARS: usize = 6;

/// The image question: its size, and the values the encoder's input holds when it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeQuestion {
    /// C·H·W must be this many values (a flat input of known size).
    pub values: Option<usize>,
    /// The form's first answer.
    pub suggested: ImageShape,
}

/// Which encoder outputs are the mean and the log-variance: every output, and the suggested two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputsQuestion {
    /// The encoder's outputs, in order.
    pub names: Vec<String>,
    /// Index of the suggested mean.
    pub mean: usize,
    /// Index of the suggested log-variance.
    pub log_var: usize,
}

/// What the graphs in a folder leave open (`None`: they say, or it was answered before).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnnxQuestions {
    /// The model folder.
    pub dir: PathBuf,
    /// What the open said first (the command line's line), for the form's header.
    pub reason: String,
    /// Answers already given (the description file, earlier answers): kept.
    pub given: OnnxChoices,
    /// The encoder input's layout: the candidates, the first suggested.
    pub layout: Option<Vec<Layout>>,
    /// The image.
    pub image_shape: Option<ShapeQuestion>,
    /// The mean and log-variance outputs.
    pub outputs: Option<OutputsQuestion>,
    /// What the decoder returns, asked when its graph ends in no Sigmoid or Tanh: the suggestion
    /// (from the range of a few prior decodes, when they run).
    pub decoder_output: Option<DecoderOutput>,
}

/// The form's answers, one per question asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnnxAnswers {
    /// The layout chosen.
    pub layout: Option<Layout>,
    /// The image typed.
    pub image_shape: Option<ImageShape>,
    /// The mean output's index.
    pub mean: Option<usize>,
    /// The log-variance output's index.
    pub log_var: Option<usize>,
    /// What the decoder returns.
    pub decoder_output: Option<DecoderOutput>,
}

impl OnnxQuestions {
    /// True when nothing is asked.
    pub fn is_empty(&self) -> bool {
        self.layout.is_none() && self.image_shape.is_none() && self.outputs.is_none() && self.decoder_output.is_none()
    }

    /// The choices these answers make, with the ones given before; an error line when the outputs
    /// picked are not two different outputs.
    pub fn choices(&self, answers: &OnnxAnswers) -> Result<OnnxChoices, String> {
        let output = |index: Option<usize>| {
            self.outputs.as_ref().zip(index).and_then(|(outputs, index)| outputs.names.get(index).cloned())
        };
        if self.outputs.is_some() && (answers.mean == answers.log_var || output(answers.mean).is_none()) {
            return Err("choose two different outputs for the mean and the log-variance".to_string());
        }
        let answered = OnnxChoices {
            image_shape: self.image_shape.as_ref().and(answers.image_shape),
            layout: self.layout.as_ref().and(answers.layout),
            decoder_output: self.decoder_output.and(answers.decoder_output),
            mean_output: output(answers.mean),
            logvar_output: output(answers.log_var),
        };
        Ok(answered.or(self.given.clone()))
    }
}

/// The form's C, H and W fields as an image: whole numbers, 1 or 3 channels, sides 1 to
/// [`MAX_IMAGE_SIDE`], and `values` values in all when the graph says how many; else one line
/// saying what to type.
pub fn parse_shape(fields: [&str; 3], values: Option<usize>) -> Result<ImageShape, String> {
    let mut numbers = [0usize; 3];
    for ((number, text), name) in numbers.iter_mut().zip(fields).zip(["C", "H", "W"]) {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_FIELD_CHARS || !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("{name} must be a whole number"));
        }
        *number = text.parse().map_err(|_| format!("{name} must be a whole number"))?;
    }
    let [channels, height, width] = numbers;
    crate::data::check_channels(channels)?;
    if !(1..=MAX_IMAGE_SIDE).contains(&height) || !(1..=MAX_IMAGE_SIDE).contains(&width) {
        return Err(format!("H and W must be 1 to {MAX_IMAGE_SIDE}"));
    }
    let shape = ImageShape { channels, height, width };
    match values {
        Some(values) if shape.values() != values => {
            Err(format!("C·H·W is {}, but the encoder reads {values} values", shape.values()))
        }
        _ => Ok(shape),
    }
}

/// What `dir`'s graphs leave open once `given` and the folder's description file are applied;
/// `None` when nothing is (the open failed for another reason). Reads and runs the graphs: call it
/// off the UI thread.
pub fn open_questions(dir: &Path, given: &OnnxChoices, reason: String) -> Result<Option<OnnxQuestions>, OnnxError> {
    let chosen = given.clone().or(read_choices(dir)?);
    let (encoder_path, decoder_path) = (dir.join(ENCODER_FILE), dir.join(DECODER_FILE));
    let (encoder_proto, decoder_proto) = (read_graph(dir, ENCODER_FILE)?, read_graph(dir, DECODER_FILE)?);
    let (encoder, decoder) = (inspect(&encoder_proto, &encoder_path)?, inspect(&decoder_proto, &decoder_path)?);
    let [input] = encoder.inputs.as_slice() else { return Ok(None) };
    let layout = match (chosen.layout, input.dims.len()) {
        (Some(_), _) => None,
        (None, 0) => Some(vec![Layout::Nchw, Layout::Nhwc, Layout::Flat]),
        (None, 4) => {
            four_d_layout(&input.dims, chosen.image_shape, dir).err().map(|_| vec![Layout::Nchw, Layout::Nhwc])
        }
        (None, _) => None,
    };
    let trial =
        OnnxChoices { layout: chosen.layout.or(layout.as_ref().and_then(|l| l.first().copied())), ..chosen.clone() };
    let image_shape = match image_input(input, &trial, dir, &encoder_path, &mut Vec::new()) {
        Ok(_) => None,
        Err(OnnxError::NeedsChoice { about: OpenChoice::ImageShape, .. }) => {
            let values: Option<usize> = match input.dims.get(1..) {
                Some(dims) if !dims.is_empty() => {
                    dims.iter().copied().try_fold(1usize, |all, dim| all.checked_mul(dim?))
                }
                _ => None,
            };
            let suggested = values.and_then(near_square_image).unwrap_or(ImageShape::grey(28, 28));
            Some(ShapeQuestion { values, suggested })
        }
        Err(_) => None,
    };
    let outputs =
        outputs_question(&encoder.outputs.iter().map(|output| output.name.clone()).collect::<Vec<_>>(), &chosen);
    let decoder_output = (chosen.decoder_output.is_none() && decoder.final_activation.is_none()).then(|| {
        let latent_dim = match decoder.inputs.as_slice() {
            [input] => input.dims.get(1).copied().flatten(),
            _ => None,
        };
        latent_dim
            .filter(|dim| (1..=MAX_LATENT_DIM).contains(dim))
            .and_then(|latent_dim| {
                let graph = PreparedGraph::prepare(&decoder_proto, &[latent_dim], "decoder", &decoder_path).ok()?;
                let probes = crate::inference::prior_samples(RANGE_PROBES, latent_dim, 0);
                let decoded = graph.run(&probes, RANGE_PROBES).ok()?;
                let first = decoded.first()?;
                Some(super::model::decoder_output(&OnnxChoices::default(), None, &first.values, &mut Vec::new()))
            })
            .unwrap_or(DecoderOutput::Logits)
    });
    let questions =
        OnnxQuestions { dir: dir.to_path_buf(), reason, given: chosen, layout, image_shape, outputs, decoder_output };
    // The decoder's kind alone does not stop an open (it is then assumed): ask only with the rest.
    let only_decoder = questions.layout.is_none() && questions.image_shape.is_none() && questions.outputs.is_none();
    Ok((!only_decoder).then_some(questions))
}

/// The outputs question, unless the choices or the names say which is which (one output is split in
/// halves and asks nothing).
fn outputs_question(names: &[String], chosen: &OnnxChoices) -> Option<OutputsQuestion> {
    if names.len() < 2 {
        return None;
    }
    let find = |choice: &Option<String>, mean: bool| match choice {
        Some(wanted) => names.iter().position(|name| name == wanted),
        None => names.iter().position(|name| name_kind(name) == Some(mean)),
    };
    let (mean, log_var) = (find(&chosen.mean_output, true), find(&chosen.logvar_output, false));
    if let (Some(mean), Some(log_var)) = (mean, log_var)
        && mean != log_var
    {
        return None;
    }
    let mean = mean.unwrap_or(0);
    let log_var = log_var.filter(|&index| index != mean).unwrap_or(if mean == 0 { 1 } else { 0 });
    Some(OutputsQuestion { names: names.to_vec(), mean, log_var })
}

/// `values` as the most nearly square grey (else RGB) picture: 360 → 1×18×20.
fn near_square_image(values: usize) -> Option<ImageShape> {
    if let Some(square) = square_image(values) {
        return Some(square);
    }
    let sides = |pixels: usize| {
        (1..=pixels.min(MAX_IMAGE_SIDE))
            .take_while(|height| height * height <= pixels)
            .filter(|height| pixels.is_multiple_of(*height) && pixels / height <= MAX_IMAGE_SIDE)
            .last()
            .map(|height| (height, pixels / height))
    };
    let grey = sides(values).filter(|(height, _)| *height > 1).map(|(height, width)| ImageShape::grey(height, width));
    grey.or_else(|| {
        let (height, width) = sides(values.checked_div(3).filter(|_| values.is_multiple_of(3))?)?;
        (height > 1).then_some(ImageShape { channels: 3, height, width })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_count_suggests_the_most_nearly_square_picture() {
        assert_eq!(near_square_image(360), Some(ImageShape::grey(18, 20)));
        assert_eq!(near_square_image(784), Some(ImageShape::grey(28, 28)));
        assert_eq!(near_square_image(3 * 30 * 40), Some(ImageShape::grey(60, 60)));
        assert_eq!(near_square_image(3 * 7 * 11), Some(ImageShape::grey(11, 21)));
        assert_eq!(near_square_image(3 * 17 * 19), Some(ImageShape::grey(19, 51)));
        assert_eq!(near_square_image(3 * 2 * 17), Some(ImageShape::grey(6, 17)));
        assert_eq!(near_square_image(13), None);
    }

    #[test]
    fn the_typed_shape_is_checked_as_typed() {
        assert_eq!(parse_shape(["1", "18", "20"], Some(360)), Ok(ImageShape::grey(18, 20)));
        assert_eq!(parse_shape([" 3", "32 ", "32"], None), Ok(ImageShape { channels: 3, height: 32, width: 32 }));
        for (fields, values) in [
            (["", "18", "20"], Some(360)),
            (["1", "-18", "20"], None),
            (["1", "18", "99999999999999999999"], None),
            (["2", "18", "20"], None),
            (["1", "0", "20"], None),
            (["1", "5000", "20"], None),
            (["1", "20", "20"], Some(360)),
        ] {
            let error = parse_shape(fields, values).expect_err("refused");
            assert!(!error.is_empty() && !error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn outputs_are_asked_only_when_their_names_do_not_say() {
        let names = |list: &[&str]| list.iter().map(|name| name.to_string()).collect::<Vec<_>>();
        assert_eq!(outputs_question(&names(&["mu", "logvar"]), &OnnxChoices::default()), None);
        assert_eq!(outputs_question(&names(&["z"]), &OnnxChoices::default()), None);
        let asked = outputs_question(&names(&["12", "13"]), &OnnxChoices::default()).expect("asked");
        assert_eq!((asked.mean, asked.log_var), (0, 1));
        let asked = outputs_question(&names(&["a", "logvar", "c"]), &OnnxChoices::default()).expect("asked");
        assert_eq!((asked.mean, asked.log_var), (0, 1));
        let chosen = OnnxChoices {
            mean_output: Some("13".to_string()),
            logvar_output: Some("12".to_string()),
            ..OnnxChoices::default()
        };
        assert_eq!(outputs_question(&names(&["12", "13"]), &chosen), None);
    }

    #[test]
    fn answers_become_choices_and_refuse_one_output_for_both() {
        let questions = OnnxQuestions {
            dir: PathBuf::from("m"),
            reason: String::new(),
            given: OnnxChoices { layout: Some(Layout::Flat), ..OnnxChoices::default() },
            layout: None,
            image_shape: Some(ShapeQuestion { values: Some(360), suggested: ImageShape::grey(18, 20) }),
            outputs: Some(OutputsQuestion { names: vec!["a".into(), "b".into()], mean: 0, log_var: 1 }),
            decoder_output: Some(DecoderOutput::Logits),
        };
        let answers = OnnxAnswers {
            layout: Some(Layout::Nhwc),
            image_shape: Some(ImageShape::grey(18, 20)),
            mean: Some(1),
            log_var: Some(0),
            decoder_output: Some(DecoderOutput::Tanh),
        };
        let choices = questions.choices(&answers).expect("valid");
        assert_eq!(choices.layout, Some(Layout::Flat), "only what is asked is answered");
        assert_eq!((choices.mean_output.as_deref(), choices.logvar_output.as_deref()), (Some("b"), Some("a")));
        assert_eq!(choices.decoder_output, Some(DecoderOutput::Tanh));
        assert!(questions.choices(&OnnxAnswers { log_var: Some(1), ..answers }).is_err());
    }
}
