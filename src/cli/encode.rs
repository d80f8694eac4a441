//! `vae-explorer encode`: the encoder means of a dataset's held-out, training or all images, as
//! CSV; optionally the log-variances and a plane's coordinates (PCA, t-SNE or UMAP).

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::{EncodeArgs, EncodeSplit};
use crate::atomic_file::write_atomically;
use crate::data::{Dataset, ImageSet};
use crate::inference::encode_posteriors;
use crate::latent::{PlaneMethod, embed_plane};

/// One part of the dataset to encode: its name, images and each image's file (empty for IDX data).
struct Part<'a> {
    name: &'static str,
    set: &'a ImageSet,
    paths: &'a [String],
}

/// The parts `split` names, in the order their rows are written.
fn parts(dataset: &Dataset, split: EncodeSplit) -> Vec<Part<'_>> {
    let train = Part { name: "train", set: &dataset.train, paths: &dataset.paths.train };
    let heldout = Part { name: "heldout", set: &dataset.heldout, paths: &dataset.paths.heldout };
    match split {
        EncodeSplit::Train => vec![train],
        EncodeSplit::Heldout => vec![heldout],
        EncodeSplit::All => vec![train, heldout],
    }
}

/// Runs `vae-explorer encode`.
pub fn run_encode(args: &EncodeArgs) -> Result<()> {
    let (snapshot, dataset) = args.source.open()?;
    let split = args.chosen_split();
    let parts = parts(&dataset, split);
    let latent_dim = snapshot.latent_dim();
    let (mut means, mut log_vars) = (Vec::new(), Vec::new());
    for part in &parts {
        let indices: Vec<usize> = (0..part.set.len()).collect();
        let (part_means, part_log_vars) = encode_posteriors(&snapshot.model, part.set, &indices);
        means.extend(part_means);
        log_vars.extend(part_log_vars);
    }
    let plane = match args.projection {
        Some(method) => Some((method, plane_of(method, &means, latent_dim, args.seed)?)),
        None => None,
    };
    let with_split = split == EncodeSplit::All;
    let with_path = parts.iter().any(|part| !part.paths.is_empty());
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["index".to_string(), "label".to_string(), "class".to_string()];
    header.extend(with_split.then(|| "split".to_string()));
    header.extend(with_path.then(|| "path".to_string()));
    header.extend((0..latent_dim).map(|dimension| format!("z{dimension}")));
    if args.with_variance {
        header.extend((0..latent_dim).map(|dimension| format!("logvar{dimension}")));
    }
    if let Some((method, _)) = &plane {
        let name = format!("{method:?}").to_lowercase();
        header.extend([format!("{name}_x"), format!("{name}_y")]);
    }
    writer.write_record(&header)?;
    let rows = parts.iter().flat_map(|part| (0..part.set.len()).map(move |index| (part, index)));
    let latents = means.chunks_exact(latent_dim).zip(log_vars.chunks_exact(latent_dim));
    for (row, ((part, index), (mean, log_var))) in rows.zip(latents).enumerate() {
        let label = part.set.labels[index];
        let class = dataset.class_names.get(usize::from(label)).cloned().unwrap_or_else(|| label.to_string());
        let mut record = vec![row.to_string(), label.to_string(), class];
        record.extend(with_split.then(|| part.name.to_string()));
        record.extend(with_path.then(|| part.paths.get(index).cloned().unwrap_or_default()));
        record.extend(mean.iter().map(|value| value.to_string()));
        if args.with_variance {
            record.extend(log_var.iter().map(|value| value.to_string()));
        }
        if let Some((_, points)) = &plane {
            record.extend(points[row].iter().map(|value| value.to_string()));
        }
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().context("cannot format the CSV")?;
    write_atomically(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    let count: usize = parts.iter().map(|part| part.set.len()).sum();
    println!("wrote {count} points of {latent_dim} dimensions to {}", args.out.display());
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, CliCommand, EncodeSplit};

    fn split_of(args: &[&str]) -> Result<EncodeSplit, clap::Error> {
        let all = ["vae-explorer", "encode", "--out", "z.csv"].into_iter().chain(args.iter().copied());
        match Cli::try_parse_from(all)?.command {
            Some(CliCommand::Encode(encode)) => Ok(encode.chosen_split()),
            other => panic!("not encode: {other:?}"),
        }
    }

    #[test]
    fn the_split_is_heldout_unless_chosen_and_train_set_means_train() {
        assert_eq!(split_of(&[]).expect("parses"), EncodeSplit::Heldout);
        assert_eq!(split_of(&["--split", "all"]).expect("parses"), EncodeSplit::All);
        assert_eq!(split_of(&["--split", "train"]).expect("parses"), EncodeSplit::Train);
        assert_eq!(split_of(&["--train-set"]).expect("parses"), EncodeSplit::Train);
        assert!(split_of(&["--train-set", "--split", "heldout"]).is_err(), "two choices of the split");
    }
}
