//! The worker loop survives a panicking job: the panic becomes `Event::Failed`, the next `Train`
//! runs. The panic is injected through the job the loop runs (the production job is `train`), so
//! nothing a user can reach has a failure switch.

use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use super::*;
use crate::training::TrainingConfig;

/// Longest wait for one event; only reached when the worker is broken.
const PATIENCE: Duration = Duration::from_secs(120);
/// Requests with this seed make the test's job panic before training.
const PANIC_SEED: u64 = 666;

fn request(seed: u64) -> TrainRequest {
    TrainRequest {
        config: TrainingConfig { epochs: 1, seed, ..TrainingConfig::default() },
        loss_choice: crate::training::LossChoice::Auto,
        data: DataSource::Bundled,
        device: DeviceChoice::Cpu,
        resume: None,
        autosave_dir: None,
    }
}

#[test]
fn a_panicking_job_becomes_a_failed_event_and_the_next_train_runs() {
    let (command_sender, command_receiver) = sync_channel(COMMAND_CAPACITY);
    let (event_sender, event_receiver) = sync_channel(EVENT_CAPACITY);
    let events = EventSender { sender: event_sender, wake: Box::new(|| {}) };
    let thread = std::thread::Builder::new()
        .name("test-training".to_string())
        .spawn(move || {
            let mut devices = DevicePicker::default();
            serve(&command_receiver, &events, &mut |request, commands, events| {
                if request.config.seed == PANIC_SEED {
                    panic!("injected failure");
                }
                train(request, &mut devices, commands, events);
            });
        })
        .expect("thread");
    command_sender.send(Command::Train(request(PANIC_SEED))).expect("send");
    command_sender.send(Command::Train(request(42))).expect("send");

    let mut seen = Vec::new();
    while !seen.iter().any(|event| matches!(event, Event::Finished { .. })) {
        match event_receiver.recv_timeout(PATIENCE) {
            Ok(event) => seen.push(event),
            Err(RecvTimeoutError::Timeout) => panic!("no Finished event; events so far: {seen:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the worker thread ended; events: {seen:?}"),
        }
    }
    drop(command_sender);
    thread.join().expect("the worker thread itself never panics");

    assert!(
        matches!(&seen[0], Event::Failed(message)
            if message.starts_with("the training thread failed: injected failure;")),
        "{:?}",
        seen[0]
    );
    assert!(matches!(seen[1], Event::Started { .. }), "{:?}", seen[1]);
    assert!(matches!(seen.last(), Some(Event::Finished { epochs_done: 1, stopped: false })), "{seen:?}");
}

#[test]
fn panic_messages_are_recovered_from_every_payload() {
    assert_eq!(run_guarded(|| {}), Ok(()));
    assert_eq!(run_guarded(|| panic!("plain text")), Err("plain text".to_string()));
    let number = 7;
    assert_eq!(run_guarded(|| panic!("formatted {number}")), Err("formatted 7".to_string()));
    assert_eq!(run_guarded(|| std::panic::panic_any(42_u8)), Err("a panic without a message".to_string()));
}
