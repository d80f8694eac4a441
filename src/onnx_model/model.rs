//! An encoder/decoder pair of ONNX graphs opened from a folder: what was found and assumed about
//! them, and encoding and decoding on plain floats in the app's own image layout.

use std::path::{Path, PathBuf};

use super::OnnxError;
use super::choices::{DecoderOutput, Layout, OnnxChoices, read_choices, write_choices};
use super::files::{DECODER_FILE, ENCODER_FILE, read_graph};
use super::graph::inspect;
use super::runner::PreparedGraph;
use super::spec::{Finding, OutputPick, decoder_layout, image_input, pick_outputs};
use crate::image_shape::ImageShape;
use crate::model::{MAX_CHANNELS, MAX_IMAGE_SIDE, MAX_LATENT_DIM};

/// Prior samples decoded to judge the decoder's range when the graph ends in no activation.
const RANGE_PROBES: usize = 8;

/// What an ONNX model is, as the app and `inspect` show it.
#[derive(Clone, Debug, PartialEq)]
pub struct OnnxModelInfo {
    /// The folder it was opened from.
    pub dir: PathBuf,
    /// The image it reads and writes.
    pub image_shape: ImageShape,
    /// The encoder input's layout.
    pub layout: Layout,
    /// The decoder output's layout.
    pub decoder_layout: Layout,
    /// Size of the latent space.
    pub latent_dim: usize,
    /// What the decoder's values are.
    pub decoder_output: DecoderOutput,
    /// What was found in the graphs and what was chosen or assumed, one line each.
    pub findings: Vec<Finding>,
    /// Where the choices given at open were kept (`None`: none given, or the folder is not writable).
    pub kept_in: Option<PathBuf>,
}

/// An ONNX encoder/decoder pair, ready to run.
#[derive(Debug)]
pub struct OnnxVae {
    encoder: PreparedGraph,
    decoder: PreparedGraph,
    mean: OutputPick,
    log_var: OutputPick,
    /// What it is.
    pub info: OnnxModelInfo,
}

impl OnnxVae {
    /// Opens `dir`'s `encoder.onnx` and `decoder.onnx`; `choices` (flags) decide what the graphs and
    /// the folder's description file leave open, and are written to that file when given.
    pub fn open(dir: &Path, choices: &OnnxChoices) -> Result<Self, OnnxError> {
        let chosen = choices.clone().or(read_choices(dir)?);
        let (encoder_path, decoder_path) = (dir.join(ENCODER_FILE), dir.join(DECODER_FILE));
        let (encoder_proto, decoder_proto) = (read_graph(dir, ENCODER_FILE)?, read_graph(dir, DECODER_FILE)?);
        let (encoder_facts, decoder_facts) =
            (inspect(&encoder_proto, &encoder_path)?, inspect(&decoder_proto, &decoder_path)?);
        let mut findings = Vec::new();
        let single_input = |facts: &super::graph::GraphFacts, path: &Path, role: &str| match facts.inputs.as_slice() {
            [input] => Ok(input.clone()),
            inputs => Err(OnnxError::Shape {
                path: path.to_path_buf(),
                problem: format!("the {role} has {} inputs; vae-explorer feeds it exactly one", inputs.len()),
            }),
        };
        let encoder_input = single_input(&encoder_facts, &encoder_path, "encoder")?;
        let image = image_input(&encoder_input, &chosen, dir, &encoder_path, &mut findings)?;
        check_image(image.shape, &encoder_path)?;
        let encoder = PreparedGraph::prepare(&encoder_proto, &image.dims, "encoder", &encoder_path)?;
        let outputs = encoder.run(&vec![0.0; encoder.item_values()], 1)?;
        let names: Vec<String> = encoder_facts.outputs.iter().map(|output| output.name.clone()).collect();
        let shapes: Vec<Vec<usize>> = outputs.iter().map(|output| output.shape.clone()).collect();
        let (mean, log_var, latent_dim) = pick_outputs(&names, &shapes, &chosen, dir, &encoder_path, &mut findings)?;
        if let Some(sampler) = &encoder_facts.sampler {
            findings.push(Finding::new(
                "sampling",
                sampler.clone(),
                "in the encoder graph: its sampled output is not used",
            ));
        }
        if !(1..=MAX_LATENT_DIM).contains(&latent_dim) {
            return Err(OnnxError::Shape {
                path: encoder_path,
                problem: format!("a latent of {latent_dim} dimensions; vae-explorer explores 1 to {MAX_LATENT_DIM}"),
            });
        }
        let decoder_input = single_input(&decoder_facts, &decoder_path, "decoder")?;
        match decoder_input.dims.as_slice() {
            [_, Some(width)] if *width == latent_dim => {}
            [_, None] => {}
            dims => {
                return Err(OnnxError::Shape {
                    path: decoder_path,
                    problem: format!(
                        "the decoder's input {} has dims {dims:?}; it must read [N, {latent_dim}] latent points as the encoder writes them",
                        decoder_input.name
                    ),
                });
            }
        }
        findings.push(Finding::new(
            "latent size",
            latent_dim.to_string(),
            format!("the decoder's input {} and the encoder's mean", decoder_input.name),
        ));
        let decoder = PreparedGraph::prepare(&decoder_proto, &[latent_dim], "decoder", &decoder_path)?;
        let probes = crate::inference::prior_samples(RANGE_PROBES, latent_dim, 0);
        let decoded = decoder.run(&probes, RANGE_PROBES)?;
        let Some(first) = decoded.first() else {
            return Err(OnnxError::Shape { path: decoder_path, problem: "the decoder has no output".to_string() });
        };
        let mut one_shape = first.shape.clone();
        if let Some(batch) = one_shape.first_mut() {
            *batch = if *batch == RANGE_PROBES { 1 } else { *batch };
        }
        let decoder_layout = decoder_layout(&one_shape, image.shape, image.layout, &decoder_path)?;
        let decoder_output = decoder_output(&chosen, decoder_facts.final_activation, &first.values, &mut findings);
        let kept_in = if choices.is_empty() {
            None
        } else {
            write_choices(dir, &chosen).ok().map(|()| dir.join(super::choices::DESCRIPTION_FILE))
        };
        let info = OnnxModelInfo {
            dir: dir.to_path_buf(),
            image_shape: image.shape,
            layout: image.layout,
            decoder_layout,
            latent_dim,
            decoder_output,
            findings,
            kept_in,
        };
        Ok(Self { encoder, decoder, mean, log_var, info })
    }

    /// Encodes `count` images given planar (`[count, c·h·w]`, values in [0, 1]): their means and
    /// log-variances, each `[count, latent]` row-major.
    pub fn encode(&self, images: &[f32], count: usize) -> Result<(Vec<f32>, Vec<f32>), OnnxError> {
        let values = self.info.image_shape.values().max(1);
        let images = &images[..count.min(images.len() / values) * values];
        let (mut means, mut log_vars) = (Vec::new(), Vec::new());
        for chunk in images.chunks(self.encoder.batch_size() * values) {
            let batch = chunk.len() / values;
            let input = to_graph_layout(chunk, self.info.image_shape, self.info.layout, self.info.decoder_output);
            let outputs = self.encoder.run(&input, batch)?;
            means.extend(self.picked(&outputs, self.mean, batch)?);
            log_vars.extend(self.picked(&outputs, self.log_var, batch)?);
        }
        Ok((means, log_vars))
    }

    /// Decodes `count` latent points (`[count, latent]` row-major) into planar images in [0, 1].
    pub fn decode(&self, latents: &[f32], count: usize) -> Result<Vec<f32>, OnnxError> {
        let latent_dim = self.info.latent_dim;
        let mut images = Vec::with_capacity(count.saturating_mul(self.info.image_shape.values()));
        let latents = &latents[..count.min(latents.len() / latent_dim.max(1)) * latent_dim];
        for chunk in latents.chunks(self.decoder.batch_size() * latent_dim.max(1)) {
            let batch = chunk.len() / latent_dim;
            let outputs = self.decoder.run(chunk, batch)?;
            let Some(first) = outputs.first() else {
                return Err(OnnxError::Run { graph: "decoder", reason: "it returned no output".to_string() });
            };
            if first.values.len() != batch * self.info.image_shape.values() {
                return Err(OnnxError::Run {
                    graph: "decoder",
                    reason: format!("its output has shape {:?} for {batch} points", first.shape),
                });
            }
            images.extend(from_graph_layout(
                &first.values,
                self.info.image_shape,
                self.info.decoder_layout,
                self.info.decoder_output,
            ));
        }
        Ok(images)
    }

    /// The `pick` of a run's outputs for `batch` items: `[batch, latent]`.
    fn picked(
        &self,
        outputs: &[super::runner::RunOutput],
        pick: OutputPick,
        batch: usize,
    ) -> Result<Vec<f32>, OnnxError> {
        let latent_dim = self.info.latent_dim;
        let (index, offset, width) = match pick {
            OutputPick::Whole(index) => (index, 0, latent_dim),
            OutputPick::FirstHalf(index) => (index, 0, 2 * latent_dim),
            OutputPick::SecondHalf(index) => (index, latent_dim, 2 * latent_dim),
        };
        let output =
            outputs.get(index).filter(|output| output.values.len() == batch * width).ok_or_else(|| OnnxError::Run {
                graph: "encoder",
                reason: format!("output {index} does not hold {width} values for each of {batch} images"),
            })?;
        Ok(output.values.chunks_exact(width).flat_map(|row| row[offset..offset + latent_dim].iter().copied()).collect())
    }
}

fn check_image(shape: ImageShape, path: &Path) -> Result<(), OnnxError> {
    let fits = (1..=MAX_CHANNELS).contains(&shape.channels)
        && (1..=MAX_IMAGE_SIDE).contains(&shape.height)
        && (1..=MAX_IMAGE_SIDE).contains(&shape.width);
    if fits && crate::data::check_channels(shape.channels).is_ok() {
        return Ok(());
    }
    Err(OnnxError::Shape {
        path: path.to_path_buf(),
        problem: format!(
            "it reads {shape} images; vae-explorer opens grey or RGB images up to {MAX_IMAGE_SIDE} pixels a side"
        ),
    })
}

/// The decoder's kind: chosen, else its final activation, else the range of `probe` decodes.
pub(super) fn decoder_output(
    chosen: &OnnxChoices,
    activation: Option<&str>,
    probe: &[f32],
    findings: &mut Vec<Finding>,
) -> DecoderOutput {
    let (kind, source) = match (chosen.decoder_output, activation) {
        (Some(kind), _) => (kind, "chosen (flag or description file)".to_string()),
        (None, Some("Sigmoid")) => (DecoderOutput::Probabilities, "the Sigmoid at the decoder's end".to_string()),
        (None, Some(_)) => (DecoderOutput::Tanh, "the Tanh at the decoder's end".to_string()),
        (None, None) => {
            let (low, high) = probe
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(low, high), &value| (low.min(value), high.max(value)));
            let kind = if low >= 0.0 && high <= 1.0 {
                DecoderOutput::Probabilities
            } else if low >= -1.0 && high <= 1.0 {
                DecoderOutput::Tanh
            } else {
                DecoderOutput::Logits
            };
            (
                kind,
                format!(
                    "assumed from the range [{low:.3}, {high:.3}] of {RANGE_PROBES} prior decodes (no Sigmoid or Tanh at the end); --decoder-output decides"
                ),
            )
        }
    };
    findings.push(Finding::new("decoder output", kind.name(), source));
    kind
}

/// Planar images in [0, 1] → the encoder's layout and range.
fn to_graph_layout(planar: &[f32], shape: ImageShape, layout: Layout, kind: DecoderOutput) -> Vec<f32> {
    let scale = |value: f32| if kind == DecoderOutput::Tanh { value * 2.0 - 1.0 } else { value };
    if layout != Layout::Nhwc {
        return planar.iter().map(|&value| scale(value)).collect();
    }
    let (channels, pixels) = (shape.channels, shape.pixels());
    let mut out = Vec::with_capacity(planar.len());
    for image in planar.chunks_exact(shape.values().max(1)) {
        for pixel in 0..pixels {
            out.extend((0..channels).map(|channel| scale(image[channel * pixels + pixel])));
        }
    }
    out
}

/// The decoder's values in its layout → planar images in [0, 1].
fn from_graph_layout(values: &[f32], shape: ImageShape, layout: Layout, kind: DecoderOutput) -> Vec<f32> {
    let shown = |value: f32| match kind {
        DecoderOutput::Probabilities => value.clamp(0.0, 1.0),
        DecoderOutput::Logits => 1.0 / (1.0 + (-value).exp()),
        DecoderOutput::Tanh => ((value + 1.0) / 2.0).clamp(0.0, 1.0),
    };
    if layout != Layout::Nhwc {
        return values.iter().map(|&value| shown(value)).collect();
    }
    let (channels, pixels) = (shape.channels, shape.pixels());
    let mut out = Vec::with_capacity(values.len());
    for image in values.chunks_exact(shape.values().max(1)) {
        for channel in 0..channels {
            out.extend((0..pixels).map(|pixel| shown(image[pixel * channels + channel])));
        }
    }
    out
}
