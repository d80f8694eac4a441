//! What the threads report, folded into the window's state at the start of each frame: worker
//! events, inference results, file-thread events and dialog answers (which become actions).

use crate::app::actions::AppAction;
use crate::app::background::dataset_loading::{LoadedDataset, loaded_summary};
use crate::app::background::dialogs::DialogOutcome;
use crate::app::background::file_jobs::{FileEvent, FileJobs};
use crate::app::explorer::state::MorphEnd;
use crate::app::layout::view_pane::ViewPane;
use crate::app::panels::onnx_questions::{self, OnnxQuestionsForm};
use crate::app::vae_app::VaeApp;
use crate::data::DataSource;
use crate::inference::{InferenceError, InferenceRequest, InferenceResult, InferenceService};
use crate::worker::{Event, Worker};

impl VaeApp {
    /// Folds in what the threads reported; dialog answers become actions to apply.
    pub(super) fn poll_threads(&mut self, actions: &mut Vec<AppAction>) {
        let events = self.worker.as_ref().map(Worker::drain_events).unwrap_or_default();
        for event in events {
            match event {
                Event::Model(snapshot) => self.request(InferenceRequest::SetModel(snapshot)),
                other => self.progress.apply(other),
            }
        }
        let results = self.inference.as_ref().map(InferenceService::drain_results).unwrap_or_default();
        for result in results {
            match &result {
                InferenceResult::Failed(InferenceError::ChoicesNeeded(questions)) => {
                    let form = OnnxQuestionsForm::new((**questions).clone());
                    self.notice = Some(onnx_questions::asking_line(&form));
                    self.progress.last_error = None;
                    self.answered_onnx = None;
                    self.onnx_form = Some(form);
                }
                InferenceResult::Failed(error) => {
                    self.progress.last_error = Some(error.to_string());
                    self.answered_onnx = None;
                }
                InferenceResult::Saved(dir) => self.notice = Some(format!("saved the model into {}", dir.display())),
                InferenceResult::ModelReady(model) => {
                    self.progress.show_history(&model.info.history);
                    self.note_answered(model);
                }
                _ => {}
            }
            self.explorer.apply(result);
        }
        let file_events = self.files.as_mut().map(FileJobs::drain).unwrap_or_default();
        for event in file_events {
            self.apply_file_event(event);
        }
        match self.dialogs.poll(&self.ctx) {
            Some(DialogOutcome::Chosen(action)) => actions.push(action),
            Some(DialogOutcome::Failed(error)) => self.progress.last_error = Some(error.to_string()),
            Some(DialogOutcome::Cancelled) | None => {}
        }
    }

    fn apply_file_event(&mut self, event: FileEvent) {
        match event {
            FileEvent::Exported { path } => {
                self.notice = Some(format!("exported {}", path.display()));
                self.progress.last_error = None;
            }
            FileEvent::ExportFailed(error) => self.progress.last_error = Some(format!("export failed: {error}")),
            FileEvent::Imported { slot, name, pixels } => {
                self.explorer.set_end(slot, MorphEnd { name, pixels, mean: None, point: None });
                self.settings.layout.show(ViewPane::Morph);
                self.progress.last_error = None;
            }
            FileEvent::ImportFailed(error) => self.progress.last_error = Some(error.to_string()),
            FileEvent::LoadProgress { source, status } => {
                if let Some((loading, shown)) = &mut self.dataset_loading
                    && *loading == source
                {
                    *shown = status;
                }
            }
            FileEvent::DatasetLoaded(loaded) => {
                // Announced when the user opened it, or when files were skipped (a stored folder).
                let asked = self.opening.as_ref() == Some(&loaded.source);
                if asked || loaded.skipped_files > 0 {
                    self.notice = Some(loaded_summary(&loaded));
                }
                let LoadedDataset { source, dataset, .. } = *loaded;
                self.data_read = Some(dataset.read_line());
                self.finish_loading(&source);
                if asked {
                    self.opening = None;
                    self.settings.add_source(source);
                }
                self.request(InferenceRequest::SetDataset(std::sync::Arc::new(dataset)));
            }
            FileEvent::LoadFailed(message) => {
                self.dataset_loading = None;
                self.opening = None;
                self.progress.last_error = Some(message);
            }
            FileEvent::Panicked(error) => self.progress.last_error = Some(error.to_string()),
            FileEvent::RunsScanned(scan) => {
                self.kept.note_scan(&scan);
                self.runs.finish_scan(scan);
            }
            FileEvent::RunDeleted(Ok(dir)) => {
                self.notice = Some(format!("deleted the run {}", dir.display()));
                self.apply(AppAction::ScanRuns(None));
            }
            FileEvent::RunDeleted(Err(error)) => self.progress.last_error = Some(error.to_string()),
            FileEvent::RunRenamed { from, result: Ok(to) } => {
                let name = |dir: &std::path::Path| crate::display_name::escaped(dir.file_name().unwrap_or_default());
                self.notice = Some(format!("renamed the run {} to {}", name(&from), name(&to)));
                self.kept.renamed(&from, &to);
                self.runs.renamed(&from, &to);
                self.apply(AppAction::ScanRuns(None));
            }
            FileEvent::RunRenamed { result: Err(error), .. } => self.progress.last_error = Some(error.to_string()),
        }
    }

    /// Once a model opened with the form's answers is in: where the answers were kept.
    fn note_answered(&mut self, model: &crate::inference::ModelSnapshot) {
        let Some(info) = model.model.onnx() else { return };
        if self.answered_onnx.as_ref() != Some(&info.dir) {
            return;
        }
        self.answered_onnx = None;
        let dir = crate::display_name::escaped_path(&info.dir);
        self.notice = Some(match &info.kept_in {
            Some(file) => format!("opened {dir}; the answers are kept in {}", crate::display_name::escaped_path(file)),
            None => format!("opened {dir}; the answers could not be written there, so the next open asks again"),
        });
    }

    /// Forgets the load of `source` (a newer load of another source stays shown).
    fn finish_loading(&mut self, source: &DataSource) {
        if self.dataset_loading.as_ref().is_some_and(|(loading, _)| loading == source) {
            self.dataset_loading = None;
        }
    }
}
