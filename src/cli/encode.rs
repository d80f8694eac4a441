//! `vae-explorer encode`: the encoder means of a dataset, as CSV; optionally the log-variances
//! and a plane's coordinates (PCA, t-SNE or UMAP).

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::EncodeArgs;
use crate::atomic_file::write_atomically;
use crate::inference::encode_posteriors;
use crate::latent::{PlaneMethod, embed_plane};

/// Runs `vae-explorer encode`.
pub fn run_encode(args: &EncodeArgs) -> Result<()> {
    let (snapshot, dataset) = args.source.open()?;
    let set = if args.train_set { &dataset.train } else { &dataset.heldout };
    let indices: Vec<usize> = (0..set.len()).collect();
    let (means, log_vars) = encode_posteriors(&snapshot.model, set, &indices);
    let latent_dim = snapshot.latent_dim();
    let plane = match args.projection {
        Some(method) => Some((method, plane_of(method, &means, latent_dim, args.seed)?)),
        None => None,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["index".to_string(), "label".to_string(), "class".to_string()];
    header.extend((0..latent_dim).map(|dimension| format!("z{dimension}")));
    if args.with_variance {
        header.extend((0..latent_dim).map(|dimension| format!("logvar{dimension}")));
    }
    if let Some((method, _)) = &plane {
        let name = format!("{method:?}").to_lowercase();
        header.extend([format!("{name}_x"), format!("{name}_y")]);
    }
    writer.write_record(&header)?;
    let rows = means.chunks_exact(latent_dim).zip(log_vars.chunks_exact(latent_dim));
    for (index, (mean, log_var)) in rows.enumerate() {
        let label = set.labels[index];
        let class = dataset.class_names.get(usize::from(label)).cloned().unwrap_or_else(|| label.to_string());
        let mut record = vec![index.to_string(), label.to_string(), class];
        record.extend(mean.iter().map(|value| value.to_string()));
        if args.with_variance {
            record.extend(log_var.iter().map(|value| value.to_string()));
        }
        if let Some((_, points)) = &plane {
            record.extend(points[index].iter().map(|value| value.to_string()));
        }
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().context("cannot format the CSV")?;
    write_atomically(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {} points of {} dimensions to {}", set.len(), latent_dim, args.out.display());
    Ok(())
}

/// The plane coordinates of `means` under `method`, with a progress bar on standard error.
fn plane_of(method: PlaneMethod, means: &[f32], latent_dim: usize, seed: u64) -> Result<Vec<[f32; 2]>> {
    let bar = ProgressBar::new(100);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {percent}%") {
        bar.set_style(style);
    }
    bar.set_message(format!("{method:?}").to_lowercase());
    let plane = embed_plane(method, means, latent_dim, seed, &mut |fraction| {
        bar.set_position((fraction * 100.0) as u64);
        true
    });
    bar.finish_and_clear();
    plane.context("cannot lay the points out on a plane")
}
