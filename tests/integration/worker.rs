//! The worker thread: step events arrive, stop ends training within one batch.

use std::time::{Duration, Instant};

use vae_explorer::data::DataSource;
use vae_explorer::device::DeviceChoice;
use vae_explorer::training::{LossChoice, LrSchedule, TrainingConfig};
use vae_explorer::worker::{Command, Event, TrainRequest, Worker};

const PATIENCE: Duration = Duration::from_secs(120);

fn wait_for(worker: &Worker, seen: &mut Vec<Event>, done: impl Fn(&[Event]) -> bool) {
    let started = Instant::now();
    while !done(seen) {
        assert!(started.elapsed() < PATIENCE, "timed out; events so far: {seen:?}");
        seen.extend(worker.drain_events());
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn cpu_request(config: TrainingConfig, data: DataSource) -> TrainRequest {
    let loss_choice = LossChoice::Chosen(config.loss);
    TrainRequest { config, loss_choice, data, device: DeviceChoice::Cpu, resume: None, autosave_dir: None }
}

fn steps(events: &[Event]) -> usize {
    events.iter().filter(|event| matches!(event, Event::Step(_))).count()
}

#[test]
fn stop_ends_training_within_one_batch() {
    let worker = Worker::spawn(|| {}).expect("worker thread");
    // Large batches make a step (tens of ms) much longer than this test's 5 ms between reads of
    // the events, so few steps can be on their way when Stop is sent; with the default batch a
    // step takes about 3 ms and several were, which read as steps after Stop.
    let config = TrainingConfig { epochs: 50, batch_size: 1024, ..TrainingConfig::default() };
    let request = cpu_request(config, DataSource::Bundled);
    worker.send(Command::Train(request)).expect("send");
    let mut events = Vec::new();
    wait_for(&worker, &mut events, |events| steps(events) >= 3);
    assert!(matches!(events[0], Event::Started { .. }), "{:?}", events[0]);

    worker.send(Command::Stop).expect("send");
    let steps_at_stop = steps(&events);
    wait_for(&worker, &mut events, |events| events.iter().any(|event| matches!(event, Event::Finished { .. })));
    let finished = events.iter().find(|event| matches!(event, Event::Finished { .. }));
    assert!(matches!(finished, Some(Event::Finished { stopped: true, .. })), "{finished:?}");
    // Steps already queued when Stop was sent, plus at most the one batch in flight.
    let late_steps = steps(&events) - steps_at_stop;
    assert!(late_steps <= 2, "{late_steps} steps ran after stop");
}

#[test]
fn pause_holds_and_resume_continues() {
    let worker = Worker::spawn(|| {}).expect("worker thread");
    let request = cpu_request(TrainingConfig { epochs: 50, ..TrainingConfig::default() }, DataSource::Bundled);
    worker.send(Command::Train(request)).expect("send");
    let mut events = Vec::new();
    wait_for(&worker, &mut events, |events| steps(events) >= 1);
    worker.send(Command::Pause).expect("send");
    wait_for(&worker, &mut events, |events| events.iter().any(|event| matches!(event, Event::Paused)));
    std::thread::sleep(Duration::from_millis(200));
    events.extend(worker.drain_events());
    let steps_while_paused = steps(&events);
    std::thread::sleep(Duration::from_millis(300));
    events.extend(worker.drain_events());
    assert_eq!(steps(&events), steps_while_paused, "steps ran while paused");
    worker.send(Command::Resume).expect("send");
    wait_for(&worker, &mut events, |events| steps(events) > steps_while_paused);
}

#[test]
fn a_bad_dataset_is_a_failed_event_not_a_panic() {
    let worker = Worker::spawn(|| {}).expect("worker thread");
    let request = cpu_request(TrainingConfig::default(), DataSource::Folder("/nonexistent/data".into()));
    worker.send(Command::Train(request)).expect("send");
    let mut events = Vec::new();
    wait_for(&worker, &mut events, |events| !events.is_empty());
    assert!(matches!(&events[0], Event::Failed(message) if message.contains("train-images-idx3-ubyte")), "{events:?}");
}

#[test]
fn a_diverging_run_fails_never_shows_a_nan_model_and_train_works_again() {
    let worker = Worker::spawn(|| {}).expect("worker thread");
    let diverging = TrainingConfig {
        epochs: 3,
        learning_rate: 0.5,
        lr_schedule: LrSchedule::Constant,
        batch_size: 128,
        ..TrainingConfig::default()
    };
    worker.send(Command::Train(cpu_request(diverging, DataSource::Bundled))).expect("send");
    let ended =
        |events: &[Event]| events.iter().any(|event| matches!(event, Event::Failed(_) | Event::Finished { .. }));
    let mut events = Vec::new();
    wait_for(&worker, &mut events, ended);
    let failed = events.iter().find_map(|event| match event {
        Event::Failed(message) => Some(message.clone()),
        _ => None,
    });
    assert!(
        failed.as_ref().is_some_and(|message| message.contains("diverged") && message.contains("last good model")),
        "{failed:?}, last events: {:?}",
        &events[events.len().saturating_sub(3)..]
    );
    for event in &events {
        if let Event::Model(snapshot) = event {
            assert!(snapshot.model.is_finite(), "a model with NaN weights was sent");
        }
    }

    let good = TrainingConfig { epochs: 1, ..TrainingConfig::default() };
    worker.send(Command::Train(cpu_request(good, DataSource::Bundled))).expect("send");
    let mut events = Vec::new();
    wait_for(&worker, &mut events, ended);
    assert!(events.iter().any(|event| matches!(event, Event::Finished { epochs_done: 1, stopped: false })));
}

#[test]
fn the_autosave_holds_the_runs_last_epoch_when_it_finishes_or_stops() {
    // Autosaves come at most every 20 s during a run; the end of a run always saves its last model.
    let autosave = tempfile::tempdir().expect("temp dir");
    let worker = Worker::spawn(|| {}).expect("worker thread");
    let config = TrainingConfig { epochs: 3, ..TrainingConfig::default() };
    let request =
        TrainRequest { autosave_dir: Some(autosave.path().to_path_buf()), ..cpu_request(config, DataSource::Bundled) };
    worker.send(Command::Train(request)).expect("send");
    let mut events = Vec::new();
    wait_for(&worker, &mut events, |events| events.iter().any(|event| matches!(event, Event::Finished { .. })));
    let info = vae_explorer::checkpoint::read_info(autosave.path()).expect("the autosave");
    assert_eq!((info.epochs_done, info.history.len()), (3, 3), "the autosave is of the last epoch");

    // Stopped after its first epoch: the autosave is that epoch's model.
    let config = TrainingConfig { epochs: 50, batch_size: 1024, ..TrainingConfig::default() };
    let request =
        TrainRequest { autosave_dir: Some(autosave.path().to_path_buf()), ..cpu_request(config, DataSource::Bundled) };
    worker.send(Command::Train(request)).expect("send");
    let mut events = Vec::new();
    let epochs = |events: &[Event]| events.iter().filter(|event| matches!(event, Event::Epoch(_))).count();
    wait_for(&worker, &mut events, |events| epochs(events) >= 2);
    worker.send(Command::Stop).expect("send");
    wait_for(&worker, &mut events, |events| events.iter().any(|event| matches!(event, Event::Finished { .. })));
    let info = vae_explorer::checkpoint::read_info(autosave.path()).expect("the autosave");
    assert_eq!(info.epochs_done, epochs(&events), "the autosave is of the last finished epoch");
    assert!(info.epochs_done >= 2, "{}", info.epochs_done);
}
