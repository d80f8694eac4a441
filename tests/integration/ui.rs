//! The window, driven headless with egui_kittest: Train makes loss points appear, Stop stops.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vae_explorer::app::{RunState, VaeApp};
use vae_explorer::device::DeviceChoice;

const PATIENCE: Duration = Duration::from_secs(120);

fn run_until(harness: &mut Harness<'_, VaeApp>, done: impl Fn(&VaeApp) -> bool) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(started.elapsed() < PATIENCE, "timed out in state {:?}", harness.state().progress().state);
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
}

#[test]
fn train_shows_loss_points_and_stop_stops() {
    let mut harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(|cc| VaeApp::new(cc));
    harness.state_mut().settings_mut().device = DeviceChoice::Cpu;
    harness.state_mut().settings_mut().training.epochs = 20;
    harness.run_steps(2);

    harness.get_by_label("Train").click();
    run_until(&mut harness, |app| app.progress().steps.len() >= 5);
    assert_eq!(harness.state().progress().state, RunState::Running);
    assert!(harness.query_by_label_contains("training on").is_some());

    harness.get_by_label("Stop").click();
    run_until(&mut harness, |app| !app.progress().state.is_active());
    assert_eq!(harness.state().progress().state, RunState::Stopped);
}
