//! A sweep's results: one row per run, read back from the run's `metrics.json` (what `train`
//! wrote), and written as `results.csv` and `results.md`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::plan::PlannedRun;
use crate::checkpoint;
use crate::safe_read::read_inside;

/// The table files inside the sweep's folder.
pub const CSV_FILE: &str = "results.csv";
/// The Markdown table inside the sweep's folder.
pub const MARKDOWN_FILE: &str = "results.md";
/// Largest `metrics.json` read (it holds one entry per epoch).
const MAX_METRICS_BYTES: u64 = 64 << 20;

/// How a run of this sweep went.
#[derive(Clone, Debug, PartialEq)]
pub enum RunStatus {
    /// Trained now.
    Trained,
    /// Found finished in its folder.
    Skipped,
    /// Training failed; the message says why.
    Failed(String),
}

impl RunStatus {
    /// One word (and the reason), for the tables.
    fn describe(&self) -> String {
        match self {
            Self::Trained => "trained".to_string(),
            Self::Skipped => "done earlier".to_string(),
            Self::Failed(reason) => format!("failed: {reason}"),
        }
    }
}

/// One row of the results.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    /// The run.
    pub run: PlannedRun,
    /// How it went.
    pub status: RunStatus,
    /// Epochs its model has trained (0 when nothing was saved).
    pub epochs: usize,
    /// Held-out −ELBO of its last epoch, nats per image.
    pub neg_elbo_nats: Option<f64>,
    /// Held-out MSE per pixel of the final model.
    pub mse: Option<f64>,
    /// Held-out PSNR of the final model, dB.
    pub psnr_db: Option<f64>,
    /// Held-out SSIM of the final model.
    pub ssim: Option<f64>,
    /// Held-out LPIPS of the final model (`None` without the weights).
    pub lpips: Option<f64>,
    /// Active latent units of the final model.
    pub active_units: Option<usize>,
    /// Training throughput.
    pub images_per_sec: Option<f64>,
    /// Wall time of the run that wrote the metrics, in minutes.
    pub minutes: Option<f64>,
}

/// The parts of `metrics.json` the table uses.
#[derive(Deserialize)]
struct MetricsFile {
    images_per_sec: f64,
    #[serde(default)]
    wall_secs: Option<f64>,
    #[serde(rename = "final")]
    final_metrics: FinalMetrics,
}

#[derive(Deserialize)]
struct FinalMetrics {
    heldout_neg_elbo_nats: f64,
    heldout_mse: Option<f64>,
    heldout_psnr_db: Option<f64>,
    heldout_ssim: Option<f64>,
    #[serde(default)]
    heldout_lpips: Option<f64>,
    active_units: Option<usize>,
}

fn read_metrics(dir: &Path) -> Option<MetricsFile> {
    let bytes = read_inside(dir, "metrics.json", MAX_METRICS_BYTES).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// True when `dir/metrics.json` holds the final model's quality (a finished, not diverged, run).
pub fn has_final_quality(dir: &Path) -> bool {
    read_metrics(dir).is_some_and(|metrics| metrics.final_metrics.heldout_mse.is_some())
}

/// The row of `run`, read from its folder inside `sweep_dir`.
pub fn collect_row(sweep_dir: &Path, run: &PlannedRun, status: RunStatus) -> ResultRow {
    let dir = run.dir(sweep_dir);
    let epochs = checkpoint::read_info(&dir).map_or(0, |info| info.epochs_done);
    let metrics = if matches!(status, RunStatus::Failed(_)) { None } else { read_metrics(&dir) };
    let Some(metrics) = metrics else {
        return ResultRow {
            run: run.clone(),
            status,
            epochs,
            neg_elbo_nats: None,
            mse: None,
            psnr_db: None,
            ssim: None,
            lpips: None,
            active_units: None,
            images_per_sec: None,
            minutes: None,
        };
    };
    let last = metrics.final_metrics;
    ResultRow {
        run: run.clone(),
        status,
        epochs,
        neg_elbo_nats: Some(last.heldout_neg_elbo_nats),
        mse: last.heldout_mse,
        psnr_db: last.heldout_psnr_db,
        ssim: last.heldout_ssim,
        lpips: last.heldout_lpips,
        active_units: last.active_units,
        images_per_sec: Some(metrics.images_per_sec),
        minutes: metrics.wall_secs.map(|secs| secs / 60.0),
    }
}

/// Column names of `results.csv`.
pub const CSV_HEADER: [&str; 14] = [
    "run",
    "status",
    "architecture",
    "latent_dim",
    "beta",
    "epochs",
    "heldout_neg_elbo_nats",
    "heldout_mse",
    "heldout_psnr_db",
    "heldout_ssim",
    "heldout_lpips",
    "active_units",
    "images_per_sec",
    "minutes",
];

fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(String::new, |value| format!("{value:.decimals$}"))
}

/// The cells of one row, in [`CSV_HEADER`] order; active units as a count, or (`of_latent`)
/// as "count/latent size".
fn cells(row: &ResultRow, of_latent: bool) -> [String; 14] {
    [
        row.run.name.clone(),
        row.status.describe(),
        row.run.architecture.name().to_string(),
        row.run.latent_dim.to_string(),
        row.run.beta.to_string(),
        row.epochs.to_string(),
        cell(row.neg_elbo_nats, 2),
        cell(row.mse, 5),
        cell(row.psnr_db, 2),
        cell(row.ssim, 4),
        cell(row.lpips, 4),
        row.active_units.map_or_else(String::new, |units| {
            if of_latent { format!("{units}/{}", row.run.latent_dim) } else { units.to_string() }
        }),
        cell(row.images_per_sec, 0),
        cell(row.minutes, 2),
    ]
}

/// The rows as CSV, header first.
pub fn to_csv(rows: &[ResultRow]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for row in rows {
        writer.write_record(cells(row, false))?;
    }
    writer.into_inner().context("cannot finish the CSV table")
}

/// The rows as a Markdown table.
pub fn to_markdown(rows: &[ResultRow]) -> String {
    let mut text = String::from(
        "| run | arch | latent | β | epochs | held-out −ELBO (nats) | MSE | PSNR (dB) | SSIM | LPIPS | active units | images/s | minutes | status |\n",
    );
    text.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for row in rows {
        let cells = cells(row, true);
        let [name, status, architecture, latent, beta, epochs, rest @ ..] = cells;
        let status = status.replace('|', "/").replace('\n', " ");
        let _infallible = writeln!(
            text,
            "| {name} | {architecture} | {latent} | {beta} | {epochs} | {} | {status} |",
            rest.join(" | ")
        );
    }
    text
}

/// Writes `results.csv` and `results.md` into `sweep_dir`, atomically.
pub fn write_tables(sweep_dir: &Path, rows: &[ResultRow]) -> Result<()> {
    checkpoint::write_atomically(&sweep_dir.join(CSV_FILE), &to_csv(rows)?)?;
    checkpoint::write_atomically(&sweep_dir.join(MARKDOWN_FILE), to_markdown(rows).as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Architecture;

    fn row(status: RunStatus) -> ResultRow {
        ResultRow {
            run: PlannedRun {
                name: "mlp-latent2-beta1".into(),
                architecture: Architecture::Mlp,
                latent_dim: 2,
                beta: 1.0,
            },
            status,
            epochs: 10,
            neg_elbo_nats: Some(158.31),
            mse: Some(0.04),
            psnr_db: Some(13.98),
            ssim: Some(0.5),
            lpips: Some(0.125),
            active_units: Some(2),
            images_per_sec: Some(15000.0),
            minutes: Some(0.25),
        }
    }

    #[test]
    fn csv_and_markdown_hold_every_column() {
        let csv = String::from_utf8(to_csv(&[row(RunStatus::Trained)]).expect("csv")).expect("utf-8");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER.join(","));
        assert_eq!(lines[1], "mlp-latent2-beta1,trained,mlp,2,1,10,158.31,0.04000,13.98,0.5000,0.1250,2,15000,0.25");
        let markdown = to_markdown(&[row(RunStatus::Failed("a | b\nc".into()))]);
        assert!(markdown.contains("| mlp-latent2-beta1 | mlp | 2 | 1 | 10 | 158.31 |"), "{markdown}");
        assert!(markdown.contains("| 2/2 |"), "{markdown}");
        assert!(markdown.trim_end().ends_with("| failed: a / b c |"), "{markdown}");
    }
}
