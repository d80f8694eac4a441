//! Tests of the file thread: submit never waits, answers come later, and a dataset load reports
//! progress before its answer.

use super::*;
use std::time::{Duration, Instant};

fn wait_for_event(jobs: &mut FileJobs) -> FileEvent {
    let started = Instant::now();
    loop {
        if let Some(event) = jobs.drain().into_iter().next() {
            return event;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no answer from the file thread");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn submit_returns_while_the_thread_is_busy_and_the_answer_comes_later() {
    let mut jobs = FileJobs::spawn(|| {}).expect("file thread");
    let (release, hold) = std::sync::mpsc::channel();
    jobs.jobs.as_ref().expect("sender").send(Work::Hold(hold)).expect("queued");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing.png");
    // The thread is held: the import cannot have run when submit returns.
    let bundled = crate::inference::ModelSnapshot::load(&crate::inference::ModelSource::Bundled).expect("bundled");
    let model = Box::new(bundled.info.clone());
    assert!(jobs.submit(FileJob::Import { slot: 1, path: path.clone(), model }));
    assert_eq!(jobs.in_flight(), 1);
    assert!(jobs.drain().is_empty());
    release.send(()).expect("release");
    match wait_for_event(&mut jobs) {
        FileEvent::ImportFailed(error) => assert!(error.to_string().contains("missing.png"), "{error}"),
        other => panic!("expected an import failure, got {other:?}"),
    }
    assert_eq!(jobs.in_flight(), 0);
}

/// Every event up to and including the answer to the one job in flight.
fn events_until_answer(jobs: &mut FileJobs) -> Vec<FileEvent> {
    let started = Instant::now();
    let mut events = Vec::new();
    loop {
        events.extend(jobs.drain());
        if events.last().is_some_and(FileEvent::answers_a_job) {
            return events;
        }
        assert!(jobs.in_flight() == 1, "progress is no answer");
        assert!(started.elapsed() < Duration::from_secs(60), "no answer from the file thread");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_dataset_loads_on_the_file_thread_with_progress_before_the_answer() {
    let mut jobs = FileJobs::spawn(|| {}).expect("file thread");
    assert!(jobs.submit(FileJob::LoadDataset { source: DataSource::Bundled }));
    let mut events = events_until_answer(&mut jobs);
    assert_eq!(jobs.in_flight(), 0);
    let Some(FileEvent::DatasetLoaded(loaded)) = events.pop() else { panic!("expected the dataset") };
    assert!(!events.is_empty(), "progress comes before the answer");
    for event in events {
        assert!(matches!(event, FileEvent::LoadProgress { source: DataSource::Bundled, .. }), "{event:?}");
    }
    assert_eq!(loaded.source, DataSource::Bundled);
    assert_eq!(loaded.dataset.train.len() + loaded.dataset.heldout.len(), 10_000);

    let dir = tempfile::tempdir().expect("temp dir");
    assert!(jobs.submit(FileJob::LoadDataset { source: DataSource::Folder(dir.path().to_path_buf()) }));
    let Some(FileEvent::LoadFailed(failure)) = events_until_answer(&mut jobs).pop() else {
        panic!("expected a failure")
    };
    assert!(failure.contains("cannot load the dataset") && !failure.contains('\n'), "{failure}");
}
