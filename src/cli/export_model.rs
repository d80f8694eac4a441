//! `vae-explorer export-model`: one of our models for other tools: ONNX (`encoder.onnx` and
//! `decoder.onnx` in a folder) or safetensors in PyTorch's layout (one file), each written
//! atomically; optionally a JSON of fixed inputs and our outputs to check the export against.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use super::source_args::{BUNDLED, model_source};
use crate::atomic_file::{is_our_temp_name, write_atomically};
use crate::display_name::escaped_path;
use crate::inference::ModelSnapshot;
use crate::interop::{DECODER_FILE, ENCODER_FILE, onnx_models, reference_outputs, safetensors_bytes};

/// Files an ONNX export folder may already hold (an earlier export's), besides our temporary files.
const ONNX_FOLDER_FILES: [&str; 2] = [ENCODER_FILE, DECODER_FILE];

/// The formats `export-model` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelFormat {
    /// `encoder.onnx` (image [batch, C, H, W] → mean, log_var) and `decoder.onnx` (z →
    /// image probabilities) in the --out folder.
    Onnx,
    /// One file of weights under the names of the PyTorch modules in scripts/torch_modules.py.
    Safetensors,
}

/// `vae-explorer export-model`.
#[derive(Debug, Args)]
pub struct ExportModelArgs {
    /// `bundled` for the model shipped with the app, or a model folder.
    #[arg(long, default_value = BUNDLED)]
    pub model: String,
    /// What to write.
    #[arg(long, value_enum)]
    pub format: ModelFormat,
    /// onnx: the folder for encoder.onnx and decoder.onnx (created if missing; must be empty or
    /// hold an earlier export). safetensors: the file to write (an existing one is replaced only
    /// when it is an export of ours).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write fixed inputs and this model's outputs for them as JSON, to check the export in
    /// another runtime (scripts/check_exported_model.py).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
}

/// Runs `vae-explorer export-model`.
pub fn run_export_model(args: &ExportModelArgs) -> Result<()> {
    let snapshot = ModelSnapshot::load(&model_source(&args.model)).context("cannot open the model")?;
    let config = &snapshot.info.training.model;
    let Some(model) = snapshot.burn() else {
        bail!("{} holds ONNX graphs trained elsewhere; export-model writes models trained here", args.model);
    };
    match args.format {
        ModelFormat::Onnx => {
            check_onnx_folder(&args.out)?;
            let models = onnx_models(model, config)?;
            for (name, bytes) in [(ENCODER_FILE, &models.encoder), (DECODER_FILE, &models.decoder)] {
                let path = args.out.join(name);
                write_atomically(&path, bytes).with_context(|| format!("cannot write {}", escaped_path(&path)))?;
            }
            println!("wrote {ENCODER_FILE} and {DECODER_FILE} to {}", escaped_path(&args.out));
        }
        ModelFormat::Safetensors => {
            check_safetensors_target(&args.out)?;
            let bytes = safetensors_bytes(model, config)?;
            write_atomically(&args.out, &bytes).with_context(|| format!("cannot write {}", escaped_path(&args.out)))?;
            println!("wrote {}", escaped_path(&args.out));
        }
    }
    if let Some(path) = &args.reference {
        let reference = serde_json::to_vec(&reference_outputs(model, config))?;
        write_atomically(path, &reference).with_context(|| format!("cannot write {}", escaped_path(path)))?;
        println!("wrote the reference outputs to {}", escaped_path(path));
    }
    Ok(())
}

/// Creates `dir` when missing; refuses a path that is no folder, or a folder holding anything but
/// an earlier export's files and our temporary files.
fn check_onnx_folder(dir: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", escaped_path(dir)));
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", escaped_path(dir))),
        Ok(metadata) if !metadata.is_dir() => {
            bail!("{} is not a folder; choose a folder for the ONNX files", escaped_path(dir))
        }
        Ok(_) => {}
    }
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", escaped_path(dir)))?;
    let mut foreign = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", escaped_path(dir)))?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        let ours = name.to_str().is_some_and(|name| ONNX_FOLDER_FILES.contains(&name) || is_our_temp_name(name));
        if !(is_file && ours) {
            foreign.push(crate::display_name::escaped(&name));
        }
    }
    if !foreign.is_empty() {
        bail!(
            "{} holds {}, which an ONNX export does not write; choose an empty or new folder",
            escaped_path(dir),
            crate::interop::listed(&foreign)
        );
    }
    Ok(())
}

/// Refuses to replace anything at `path` but a regular file holding a safetensors export of ours.
fn check_safetensors_target(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", escaped_path(path))),
        Ok(_) if crate::interop::is_our_safetensors(path) => Ok(()),
        Ok(_) => bail!(
            "{} exists and is not a safetensors export of vae-explorer; choose a new file name",
            escaped_path(path)
        ),
    }
}
