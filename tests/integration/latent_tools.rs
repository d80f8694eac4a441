//! Issue 14's model-side tools end to end: posterior log-variances and plane coordinates from
//! `encode`, grid spacings, class traversals, nearest training images, and a t-SNE plane that
//! keeps the digits' classes together.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use burn::prelude::Device;
use vae_explorer::data::DataSource;
use vae_explorer::inference::{ModelSnapshot, ModelSource, decode, encode_means};
use vae_explorer::latent::{Direction, PlaneMethod, class_mean, embed_plane, knn_graph, knn_label_agreement};
use vae_explorer::model::VaeConfig;
use vae_explorer::training::{Trainer, TrainingConfig};

use crate::support::Quiet;

fn run(args: &[&str], out: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

fn succeeds(args: &[&str], out: &Path) -> String {
    let output = run(args, out);
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fails(args: &[&str], out: &Path) -> String {
    let output = run(args, out);
    assert!(!output.status.success(), "{args:?} succeeded");
    assert!(!out.exists(), "{args:?} wrote {}", out.display());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn encode_writes_log_variances_and_plane_coordinates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("latents.csv");
    succeeds(&["encode", "--with-variance", "--projection", "umap", "--seed", "3"], &out);
    let mut reader = csv::Reader::from_path(&out).expect("csv");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(header, ["index", "label", "class", "z0", "z1", "logvar0", "logvar1", "umap_x", "umap_y"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("row")).collect();
    assert_eq!(rows.len(), 999);
    for row in &rows {
        for value in row.iter().skip(3) {
            assert!(value.parse::<f32>().expect("number").is_finite(), "{row:?}");
        }
        // A trained encoder is more certain than the prior: σ² < 1 on every dimension.
        assert!(row[5].parse::<f32>().expect("number") < 0.0, "{row:?}");
    }
    // Same seed, same coordinates.
    let again = dir.path().join("again.csv");
    succeeds(&["encode", "--projection", "umap", "--seed", "3"], &again);
    let columns = |path: &Path, skip: usize| -> Vec<String> {
        csv::Reader::from_path(path)
            .expect("csv")
            .records()
            .map(|row| row.expect("row").iter().skip(skip).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(columns(&out, 7), columns(&again, 5));
}

#[test]
fn grid_spacings_change_where_the_cells_sit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut pictures = Vec::new();
    for spacing in ["linear", "quantile", "data"] {
        let out = dir.path().join(format!("{spacing}.png"));
        succeeds(&["export", "grid", "--size", "6", "--scale", "1", "--gutter", "0", "--spacing", spacing], &out);
        let image = image::open(&out).expect("png").to_luma8();
        assert_eq!(image.dimensions(), (6 * 28, 6 * 28));
        pictures.push(image.into_raw());
    }
    assert_ne!(pictures[0], pictures[1]);
    assert_ne!(pictures[1], pictures[2]);
    let error = fails(&["export", "grid", "--spacing", "sideways"], &dir.path().join("x.png"));
    assert!(error.contains("sideways"), "{error}");
}

#[test]
fn a_traversal_runs_between_the_class_means() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("traversal.png");
    let stdout = succeeds(
        &[
            "export",
            "traversal",
            "--from-class",
            "3",
            "--to-class",
            "8",
            "--steps",
            "5",
            "--scale",
            "1",
            "--gutter",
            "0",
        ],
        &out,
    );
    assert!(stdout.contains("class 3 → class 8"), "{stdout}");
    let strip = image::open(&out).expect("png").to_luma8();
    assert_eq!(strip.dimensions(), (5 * 28, 28));
    // Its ends are the decoded class means.
    let snapshot = ModelSnapshot::load(&ModelSource::Bundled).expect("bundled model");
    let dataset = DataSource::Bundled.load().expect("bundled data");
    let indices: Vec<usize> = (0..dataset.heldout.len()).collect();
    let means = encode_means(&snapshot.model, &dataset.heldout, &indices);
    let direction = Direction {
        from: class_mean(&means, &dataset.heldout.labels, 2, 3).expect("class 3"),
        to: class_mean(&means, &dataset.heldout.labels, 2, 8).expect("class 8"),
    };
    let path = direction.traversal(5);
    assert_eq!(&path[..2], direction.from.as_slice());
    assert_eq!(&path[8..], direction.to.as_slice());
    let ends = decode(&snapshot.model, &[direction.from.clone(), direction.to.clone()].concat(), 2);
    for (cell, end) in [(0u32, &ends[..784]), (4, &ends[784..])] {
        for (pixel, &value) in end.iter().enumerate() {
            let (x, y) = (cell * 28 + (pixel % 28) as u32, (pixel / 28) as u32);
            let expected = (value.clamp(0.0, 1.0) * 255.0).round();
            assert!((f32::from(strip.get_pixel(x, y)[0]) - expected).abs() <= 1.0, "cell {cell} pixel {pixel}");
        }
    }
    let error = fails(&["export", "traversal", "--from-class", "three", "--to-class", "8"], &dir.path().join("y.png"));
    assert!(error.contains("no class \"three\"") && error.contains("0, 1, 2"), "{error}");
    let error = fails(&["export", "traversal", "--to-class", "8"], &dir.path().join("z.png"));
    assert!(error.contains("--from-class"), "{error}");
}

#[test]
fn neighbours_show_the_query_and_k_training_images_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("neighbours.png");
    let stdout =
        succeeds(&["export", "neighbours", "--latent=-0.5,1", "--k", "4", "--scale", "1", "--gutter", "0"], &out);
    assert!(stdout.contains("pixel space") && stdout.contains("latent space"), "{stdout}");
    assert_eq!(stdout.matches('#').count(), 8, "{stdout}");
    let image = image::open(&out).expect("png").to_luma8();
    assert_eq!(image.dimensions(), (5 * 28, 2 * 28));
    let cell = dir.path().join("cell.png");
    succeeds(&["export", "neighbours", "--grid-cell", "0,19", "--k", "3"], &cell);
    for (args, message) in [
        (vec!["export", "neighbours", "--latent", "1,2,3"], "2 finite numbers"),
        (vec!["export", "neighbours", "--grid-cell", "20,0"], "outside the 20 × 20 sweep"),
        (vec!["export", "neighbours", "--latent", "0,0", "--k", "0"], "--k must be 1 to 64"),
        (vec!["export", "neighbours"], "--latent X,Y"),
    ] {
        let error = fails(&args, &dir.path().join("bad.png"));
        assert!(error.contains(message), "{args:?}: {error}");
    }
}

/// A latent-8 model trained for 4 epochs on the bundled digits: its t-SNE plane keeps the
/// classes together as well as the 8-D latent space itself does (k = 10 nearest-neighbour label
/// agreement; chance is about 0.1). Measured (seed 42, CPU): 6 epochs give 0.751 in the latent
/// space and 0.768 in the t-SNE plane; the bundled latent-2 model gives 0.657 and 0.664, so the
/// classes' own overlap in the latent space, not t-SNE, sets the figure.
#[test]
fn the_tsne_plane_of_a_latent_8_model_keeps_classes_together() {
    let dataset = Arc::new(DataSource::Bundled.load().expect("bundled data"));
    let config = TrainingConfig { epochs: 4, model: VaeConfig::new().with_latent_dim(8), ..TrainingConfig::default() };
    let mut trainer = Trainer::new(config, Arc::clone(&dataset), &Device::flex()).expect("valid config");
    trainer.run(&mut Quiet).expect("no divergence");
    let snapshot = ModelSnapshot::from_training(trainer.model(), trainer.checkpoint_info());
    let indices: Vec<usize> = (0..dataset.heldout.len()).collect();
    let means = encode_means(&snapshot.model, &dataset.heldout, &indices);
    let labels = &dataset.heldout.labels;
    let plane = embed_plane(PlaneMethod::Tsne, &means, 8, 1, &mut |_| true).expect("t-SNE");
    let plane_agreement = knn_label_agreement(&plane, labels, 10);
    let latent_agreement = {
        let graph = knn_graph(&means, 8, 10);
        let same: usize =
            graph.iter().enumerate().map(|(i, row)| row.iter().filter(|(j, _)| labels[*j] == labels[i]).count()).sum();
        same as f64 / (10 * labels.len()) as f64
    };
    let pca = embed_plane(PlaneMethod::Pca, &means, 8, 1, &mut |_| true).expect("PCA");
    let pca_agreement = knn_label_agreement(&pca, labels, 10);
    eprintln!(
        "k = 10 label agreement: t-SNE {plane_agreement:.3}, PCA {pca_agreement:.3}, 8-D latent {latent_agreement:.3}"
    );
    assert!(plane_agreement > 0.6, "t-SNE k-NN label agreement {plane_agreement:.3}");
    assert!(plane_agreement > latent_agreement - 0.03, "t-SNE {plane_agreement:.3} vs latent {latent_agreement:.3}");
    assert!(plane_agreement > pca_agreement + 0.1, "t-SNE {plane_agreement:.3} vs PCA {pca_agreement:.3}");
}

#[test]
fn eval_orders_the_dimensions_by_kl() {
    let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer")).arg("eval").output().expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    let line = text.lines().find(|line| line.starts_with("dimensions by KL: ")).expect("a KL order line");
    assert!(line.contains("z0") && line.contains("z1") && line.ends_with("collapsed (KL < 0.01 nats): 0"), "{line}");
}

#[test]
fn eval_with_a_seed_repeats_to_the_bit() {
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_vae-explorer"))
            .args(["eval", "--seed", "1", "--iw-samples", "2"])
            .output()
            .expect("runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = run();
    for _ in 0..2 {
        assert_eq!(run(), first, "eval --seed 1 printed other figures");
    }
}
