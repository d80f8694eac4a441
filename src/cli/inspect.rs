//! `vae-explorer inspect`: what a model folder holds, and for ONNX graphs what was read from them
//! and what was chosen or assumed.

use anyhow::{Context, Result};
use clap::Args;

use super::source_args::{OnnxArgs, model_source};
use crate::inference::ModelSnapshot;

/// `vae-explorer inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// `bundled`, a folder saved by `train`, or a folder holding `encoder.onnx` and `decoder.onnx`.
    #[arg(long)]
    pub model: String,
    /// What an ONNX model's graphs leave open.
    #[command(flatten)]
    pub onnx: OnnxArgs,
}

/// Runs `vae-explorer inspect`.
pub fn run_inspect(args: &InspectArgs) -> Result<()> {
    let snapshot =
        ModelSnapshot::load_with(&model_source(&args.model), &args.onnx.choices()).context("cannot open the model")?;
    let shape = snapshot.image_shape();
    println!("model: {}, latent {}, {shape} images", snapshot.architecture_name(), snapshot.latent_dim());
    let Some(onnx) = snapshot.model.onnx() else {
        println!("trained here: {} epochs on {}", snapshot.info.epochs_done, snapshot.info.dataset);
        return Ok(());
    };
    let width = onnx.findings.iter().map(|finding| finding.subject.len()).max().unwrap_or(0);
    for finding in &onnx.findings {
        println!("{:width$}  {}  ({})", finding.subject, finding.value, finding.source);
    }
    if let Some(kept) = &onnx.kept_in {
        println!("choices kept in {}", crate::display_name::escaped_path(kept));
    }
    println!("inference only: it cannot be trained on here");
    Ok(())
}
