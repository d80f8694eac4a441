//! `vae-explorer encode`: the encoder means of a dataset, as CSV.

use anyhow::{Context, Result, bail};

use super::EncodeArgs;
use super::args::model_source;
use super::data_args::open_data;
use crate::atomic_file::write_atomically;
use crate::data::ImageSet;
use crate::inference::{ModelSnapshot, encode_means};

/// Runs `vae-explorer encode`.
pub fn run_encode(args: &EncodeArgs) -> Result<()> {
    let snapshot = ModelSnapshot::load(&model_source(&args.model)).context("cannot open the model")?;
    let dataset = open_data(&args.data, &args.preprocessing, Some(&snapshot.info))?;
    let set = if args.train_set { &dataset.train } else { &dataset.heldout };
    ensure_data_fits_model(&snapshot, &dataset.name, set)?;
    let indices: Vec<usize> = (0..set.len()).collect();
    let means = encode_means(&snapshot.model, set, &indices);
    let latent_dim = snapshot.latent_dim();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["index".to_string(), "label".to_string(), "class".to_string()];
    header.extend((0..latent_dim).map(|dimension| format!("z{dimension}")));
    writer.write_record(&header)?;
    for (index, mean) in means.chunks_exact(latent_dim).enumerate() {
        let label = set.labels[index];
        let class = dataset.class_names.get(usize::from(label)).cloned().unwrap_or_else(|| label.to_string());
        let mut record = vec![index.to_string(), label.to_string(), class];
        record.extend(mean.iter().map(|value| value.to_string()));
        writer.write_record(&record)?;
    }
    let bytes = writer.into_inner().context("cannot format the CSV")?;
    write_atomically(&args.out, &bytes).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {} points of {} dimensions to {}", set.len(), latent_dim, args.out.display());
    Ok(())
}

/// Fails with one line when `set`'s images are not the size `snapshot` was trained on.
pub(super) fn ensure_data_fits_model(snapshot: &ModelSnapshot, dataset_name: &str, set: &ImageSet) -> Result<()> {
    let (model_shape, data_shape) = (snapshot.image_shape(), set.shape());
    if model_shape != data_shape {
        bail!(
            "the model expects {model_shape} images but {dataset_name} holds {data_shape} images; choose matching data"
        );
    }
    Ok(())
}
