//! The Runs panel: every run the window kept (one folder per Train or Continue), the runs under
//! a chosen folder (a sweep's, saved models) and the run being trained, with their settings and
//! metrics in a sortable table. Ticked runs are overlaid on the loss plot, one colour each;
//! "open" shows a run in the explorer; "rename…" and "delete…" rename or remove a kept run after asking. Folders are
//! read and deleted on the file thread (`AppAction::ScanRuns`, `AppAction::DeleteRun`); this
//! view only draws.

use std::collections::BTreeSet;
use std::path::PathBuf;

use egui::Color32;

use crate::app::actions::{AppAction, DialogRequest};
use crate::app::palette::run_color;
use crate::app::panels::runs::kept_runs::KeptRuns;
use crate::app::panels::runs::run_questions::{RunQuestion, question_ui};
use crate::app::panels::runs::runs_table::{self, SortColumn};
use crate::app::training_progress::{RunState, TrainingProgress};
use crate::checkpoint::CheckpointInfo;
use crate::checkpoint::runs_scan::{CURRENT_RUN_NAME, RunMetric, RunOrigin, RunRecord, RunsScan};

/// One ticked run's curve on the loss plot.
#[derive(Clone, Debug, PartialEq)]
pub struct OverlayCurve {
    /// The run's name (the legend's entry).
    pub name: String,
    /// Its colour.
    pub color: Color32,
    /// [epoch, value] of the chosen metric.
    pub points: Vec<[f64; 2]>,
}

/// What the loss plot draws besides the current run's loss curves.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunsOverlay {
    /// The metric chosen for the plot; for anything but −ELBO the plot shows only that metric.
    pub metric: RunMetric,
    /// One curve per ticked run.
    pub curves: Vec<OverlayCurve>,
}

/// The panel's state.
#[derive(Debug, Default)]
pub struct RunsPanel {
    /// The folder listed (besides the last session), once chosen.
    pub folder: Option<PathBuf>,
    /// The runs of the last scan.
    scanned: Vec<RunRecord>,
    /// Folders the last scan left out, and why the folder could not be listed.
    skipped: usize,
    error: Option<String>,
    /// True from asking for a scan until its answer.
    scanning: bool,
    /// True once a scan was asked for (the first one is asked for on the first frame).
    asked: bool,
    /// Keys of the ticked runs ([`RunRecord::key`]).
    ticked: BTreeSet<String>,
    /// The table's order: column, and true for descending.
    sort: (SortColumn, bool),
    /// What the plot shows of the ticked runs.
    pub metric: RunMetric,
    /// Whether the last frame saw a run under way (a rescan follows its end).
    was_active: bool,
    /// The folder and settings of the run trained in this window last, once one started.
    current: Option<(Option<PathBuf>, CheckpointInfo)>,
    /// The question asked about a kept run (delete it? its new name?), until answered.
    question: Option<RunQuestion>,
}

impl RunsPanel {
    /// A panel listing `folder` (the one chosen in an earlier session) beside the kept runs.
    pub fn with_folder(folder: Option<PathBuf>) -> RunsPanel {
        RunsPanel { folder, ..RunsPanel::default() }
    }

    /// Notes the run about to be trained: its folder (none when runs are not kept) and settings.
    pub fn set_current(&mut self, folder: Option<PathBuf>, info: CheckpointInfo) {
        self.current = Some((folder, info));
    }

    /// Follows a kept run renamed from `from` to `to`: its tick and the run being trained.
    pub fn renamed(&mut self, from: &std::path::Path, to: &std::path::Path) {
        if self.ticked.remove(&from.display().to_string()) {
            self.ticked.insert(to.display().to_string());
        }
        if let Some((Some(dir), _)) = &mut self.current
            && dir == from
        {
            *dir = to.to_path_buf();
        }
    }

    /// Notes that a scan of `folder` was asked of the file thread.
    pub fn begin_scan(&mut self, folder: Option<PathBuf>) {
        if folder.is_some() {
            self.folder = folder;
        }
        self.scanning = true;
        self.asked = true;
    }

    /// Takes the file thread's answer; ticks are kept for runs still listed.
    pub fn finish_scan(&mut self, scan: RunsScan) {
        self.scanning = false;
        self.scanned = scan.runs;
        self.skipped = scan.skipped;
        self.error = scan.error;
    }

    /// Every listed run: the scanned ones, then the run being trained (once one has started,
    /// until it ended and its folder is listed).
    pub fn runs(&self, progress: &TrainingProgress) -> Vec<RunRecord> {
        let mut runs = self.scanned.clone();
        let folder = self.current.as_ref().and_then(|(folder, _)| folder.as_ref());
        let listed = folder.is_some_and(|folder| {
            runs.iter().any(|run| matches!(&run.origin, RunOrigin::Folder(dir) if dir == folder))
        });
        if progress.state != RunState::Idle && (progress.state.is_active() || !listed) {
            let info = self.current.as_ref().map(|(_, info)| info.clone());
            runs.push(RunRecord { info, ..RunRecord::current(&progress.epochs) });
        }
        runs
    }

    /// Ticks or unticks the run named `name`; false when no such run is listed.
    pub fn set_ticked(&mut self, progress: &TrainingProgress, name: &str, ticked: bool) -> bool {
        let Some(run) = self.runs(progress).into_iter().find(|run| run.name == name) else { return false };
        if ticked {
            self.ticked.insert(run.key());
        } else {
            self.ticked.remove(&run.key());
        }
        true
    }

    /// The curves of the ticked runs for the chosen metric, in the table's colours.
    pub fn overlay(&self, progress: &TrainingProgress) -> RunsOverlay {
        let curves = self
            .runs(progress)
            .iter()
            .enumerate()
            .filter(|(_, run)| self.ticked.contains(&run.key()))
            .map(|(index, run)| OverlayCurve {
                name: run.name.clone(),
                color: run_color(index),
                points: run.series(self.metric),
            })
            .collect();
        RunsOverlay { metric: self.metric, curves }
    }

    /// The metric chooser, for the loss plot's header.
    pub fn metric_chooser_ui(&mut self, ui: &mut egui::Ui) {
        egui::ComboBox::from_label("plotted").selected_text(self.metric.label()).show_ui(ui, |ui| {
            for metric in RunMetric::ALL {
                ui.selectable_value(&mut self.metric, metric, metric.label());
            }
        });
    }

    /// Draws the panel; returns the scans, opens and deletions asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui, progress: &TrainingProgress, kept: &KeptRuns) -> Vec<AppAction> {
        let mut actions = Vec::new();
        let active = progress.state.is_active();
        // The first frame lists the last session; a run's end updates its autosave.
        if !self.asked || (self.was_active && !active) {
            actions.push(AppAction::ScanRuns(self.folder.clone()));
        }
        self.was_active = active;
        // The tile's tab says "Runs"; the header wraps rather than running out of a narrow tile.
        ui.horizontal_wrapped(|ui| {
            if ui.button("Choose folder…").clicked() {
                actions.push(AppAction::Ask(DialogRequest::RunsFolder));
            }
            if ui.button("Rescan").clicked() {
                actions.push(AppAction::ScanRuns(self.folder.clone()));
            }
            let kept_in = kept.runs_dir.as_ref().map(|dir| format!("kept in {}", dir.display()));
            let chosen = self.folder.as_ref().map(|folder| format!("and {}", folder.display()));
            let listed: Vec<String> = kept_in.into_iter().chain(chosen).collect();
            ui.weak(if listed.is_empty() { "no folder chosen".to_string() } else { listed.join(" ") });
            if self.scanning {
                ui.spinner();
            }
            if self.skipped > 0 {
                ui.weak(format!("({} folders left out)", self.skipped));
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        actions.extend(question_ui(ui, &mut self.question));
        let mut runs = self.runs(progress);
        let colors: Vec<(String, Color32)> =
            runs.iter().enumerate().map(|(index, run)| (run.key(), run_color(index))).collect();
        runs_table::sort(&mut runs, self.sort);
        // The metrics' columns may lie right of a narrow tile: a solid scroll bar stays in sight to
        // say so (egui's floating ones show only under the pointer).
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        let scroll_bars = egui::scroll_area::ScrollBarVisibility::AlwaysVisible;
        egui::ScrollArea::both().auto_shrink([false, true]).scroll_bar_visibility(scroll_bars).show(ui, |ui| {
            let deletable = |dir: &std::path::Path| kept.is_kept(dir) && !(active && kept.current() == Some(dir));
            let table = runs_table::ui(ui, &runs, &colors, &mut self.ticked, &mut self.sort, &deletable);
            actions.extend(table.open.map(AppAction::OpenModel));
            if let Some(dir) = table.delete {
                self.question = Some(RunQuestion::Delete(dir));
            }
            if let Some(dir) = table.rename {
                self.question = Some(RunQuestion::Rename { dir, name: String::new() });
            }
        });
        if runs.is_empty() {
            ui.weak(format!(
                "No runs yet: each Train keeps its run here; choose a folder to list saved models or a sweep's output too; \"{CURRENT_RUN_NAME}\" appears once you train."
            ));
        }
        actions
    }
}
