//! The Runs panel's table: a grid with one row per run, sorted by a clicked header (a second
//! click reverses the order; ^ marks ascending, v descending, as egui's fonts have no arrows),
//! a tick per run for the loss plot, "open" to explore it, and "rename…" and "delete…" for kept runs.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::{Color32, RichText};

use crate::checkpoint::runs_scan::{RunMetric, RunRecord};

/// A column the table can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortColumn {
    /// Run name.
    #[default]
    Name,
    /// Latent size.
    Latent,
    /// KL weight.
    Beta,
    /// Epochs trained.
    Epochs,
    /// Held-out −ELBO.
    NegElbo,
    /// Held-out MSE.
    Mse,
    /// Held-out PSNR.
    Psnr,
    /// Held-out SSIM.
    Ssim,
    /// Held-out LPIPS.
    Lpips,
    /// Active units.
    ActiveUnits,
    /// Training throughput.
    ImagesPerSec,
}

/// The headers, left to right, with the column each sorts by (`None`: not sortable).
const HEADERS: [(&str, Option<SortColumn>); 12] = [
    ("run", Some(SortColumn::Name)),
    ("arch", None),
    ("latent", Some(SortColumn::Latent)),
    ("β", Some(SortColumn::Beta)),
    ("epochs", Some(SortColumn::Epochs)),
    ("−ELBO", Some(SortColumn::NegElbo)),
    ("MSE", Some(SortColumn::Mse)),
    ("PSNR dB", Some(SortColumn::Psnr)),
    ("SSIM", Some(SortColumn::Ssim)),
    ("LPIPS", Some(SortColumn::Lpips)),
    ("active", Some(SortColumn::ActiveUnits)),
    ("images/s", Some(SortColumn::ImagesPerSec)),
];

/// Widest the run's name (with its colour and tick) is drawn, in points.
const NAME_WIDTH_POINTS: f32 = 190.0;

/// What the table asked for.
#[derive(Debug, Default)]
pub struct TableOutput {
    /// A run folder to open in the explorer.
    pub open: Option<PathBuf>,
    /// A kept run's folder to delete (once the user confirms).
    pub delete: Option<PathBuf>,
    /// A kept run's folder to rename (once the user names it).
    pub rename: Option<PathBuf>,
}

/// The value of `run` in `column`, for sorting (missing values sort last).
fn sort_key(run: &RunRecord, column: SortColumn) -> Option<f64> {
    let config = run.info.as_ref().map(|info| &info.training);
    match column {
        SortColumn::Name => None,
        SortColumn::Latent => config.map(|config| config.model.latent_dim as f64),
        SortColumn::Beta => config.map(|config| config.beta),
        SortColumn::Epochs => run.history.last().map(|report| report.epoch as f64),
        SortColumn::NegElbo => run.latest(RunMetric::NegElbo),
        SortColumn::Mse => run.latest_mse(),
        SortColumn::Psnr => run.latest(RunMetric::Psnr),
        SortColumn::Ssim => run.latest(RunMetric::Ssim),
        SortColumn::Lpips => run.latest(RunMetric::Lpips),
        SortColumn::ActiveUnits => run.latest(RunMetric::ActiveUnits),
        SortColumn::ImagesPerSec => run.images_per_sec(),
    }
}

/// Sorts `runs` by `column`, ascending or (`descending`) not; runs without the value go last
/// either way.
pub fn sort(runs: &mut [RunRecord], (column, descending): (SortColumn, bool)) {
    runs.sort_by(|a, b| {
        let order = if column == SortColumn::Name {
            a.name.cmp(&b.name)
        } else {
            match (sort_key(a, column), sort_key(b, column)) {
                (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        };
        if descending { order.reverse() } else { order }
    });
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_string(), |value| format!("{value:.decimals$}"))
}

/// Draws the grid; `colors` gives each run's colour by key; clicking a header sets `sort`
/// (column, descending); runs whose folder is `deletable` offer "rename…" and "delete…".
pub fn ui(
    ui: &mut egui::Ui,
    runs: &[RunRecord],
    colors: &[(String, Color32)],
    ticked: &mut BTreeSet<String>,
    sort: &mut (SortColumn, bool),
    deletable: &dyn Fn(&std::path::Path) -> bool,
) -> TableOutput {
    let mut output = TableOutput::default();
    egui::Grid::new("runs_table").striped(true).spacing([12.0, 2.0]).show(ui, |ui| {
        for (index, (title, column)) in HEADERS.into_iter().enumerate() {
            // open / delete… come right after the name, so a wide table never hides them.
            if index == 1 {
                ui.label("");
            }
            let Some(column) = column else {
                ui.strong(title);
                continue;
            };
            let arrow = match *sort {
                (current, false) if current == column => " ^",
                (current, true) if current == column => " v",
                _ => "",
            };
            if ui.button(RichText::new(format!("{title}{arrow}")).strong()).clicked() {
                *sort = if sort.0 == column { (column, !sort.1) } else { (column, false) };
            }
        }
        ui.end_row();
        for run in runs {
            let key = run.key();
            let color = colors.iter().find(|(k, _)| *k == key).map_or(Color32::GRAY, |(_, color)| *color);
            let mut is_ticked = ticked.contains(&key);
            ui.horizontal(|ui| {
                // A long name is cut short with "…" (the whole name shows when hovered), so the
                // metrics' columns stay in a narrow tile.
                ui.set_max_width(NAME_WIDTH_POINTS);
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, color);
                let hint = format!("{}: tick to overlay on the loss plot", run.name);
                if ui.checkbox(&mut is_ticked, &run.name).on_hover_text(hint).changed() {
                    if is_ticked {
                        ticked.insert(key.clone());
                    } else {
                        ticked.remove(&key);
                    }
                }
            });
            match run.folder() {
                Some(folder) => {
                    ui.horizontal(|ui| {
                        if ui.link("open").on_hover_text(format!("explore {}", folder.display())).clicked() {
                            output.open = Some(folder.to_path_buf());
                        }
                        if deletable(folder) {
                            if ui.link("rename…").on_hover_text(format!("rename {}", folder.display())).clicked() {
                                output.rename = Some(folder.to_path_buf());
                            }
                            if ui.link("delete…").on_hover_text(format!("delete {}", folder.display())).clicked() {
                                output.delete = Some(folder.to_path_buf());
                            }
                        }
                    });
                }
                None => {
                    ui.weak("shown");
                }
            }
            let config = run.info.as_ref().map(|info| &info.training);
            let arch = ui.label(config.map_or("–", |config| config.model.architecture.name()));
            if let Some(config) = config {
                arch.on_hover_text(format!("loss {}", config.describe_likelihood()));
            }
            ui.label(config.map_or_else(|| "–".to_string(), |config| config.model.latent_dim.to_string()));
            ui.label(config.map_or_else(|| "–".to_string(), |config| config.beta.to_string()));
            ui.label(run.history.last().map_or_else(|| "0".to_string(), |report| report.epoch.to_string()));
            ui.label(number(run.latest(RunMetric::NegElbo), 2));
            ui.label(number(run.latest_mse(), 4));
            ui.label(number(run.latest(RunMetric::Psnr), 2));
            ui.label(number(run.latest(RunMetric::Ssim), 3));
            ui.label(number(run.latest(RunMetric::Lpips), 3));
            ui.label(number(run.latest(RunMetric::ActiveUnits), 0));
            ui.label(number(run.images_per_sec(), 0));
            ui.end_row();
        }
    });
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::{EpochQuality, EpochReport, LossParts};

    fn run(name: &str, psnr_db: Option<f64>) -> RunRecord {
        let report = EpochReport {
            epoch: 1,
            global_step: 1,
            train: LossParts::default(),
            heldout: LossParts { reconstruction_nats: 100.0, kl_nats: 1.0 },
            images_per_sec: 1.0,
            train_secs: 1.0,
            quality: psnr_db.map(|psnr_db| EpochQuality { psnr_db, ..EpochQuality::default() }),
            learned_scale: None,
        };
        RunRecord { name: name.into(), ..RunRecord::current(&[report]) }
    }

    #[test]
    fn sorting_by_psnr_puts_missing_values_last_both_ways() {
        let mut runs = vec![run("a", Some(12.0)), run("b", None), run("c", Some(15.0))];
        sort(&mut runs, (SortColumn::Psnr, false));
        let names = |runs: &[RunRecord]| runs.iter().map(|run| run.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&runs), ["a", "c", "b"]);
        sort(&mut runs, (SortColumn::Psnr, true));
        assert_eq!(names(&runs), ["c", "a", "b"]);
        sort(&mut runs, (SortColumn::Name, true));
        assert_eq!(names(&runs), ["c", "b", "a"]);
    }
}
