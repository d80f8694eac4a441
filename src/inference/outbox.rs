//! Where the inference thread's answers go: each result to the UI with a wake-up, and each view
//! job run under `catch_unwind`, so a failing job becomes an error result, not a dead thread.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::SyncSender;

use super::error::{InferenceError, panic_message};
use super::messages::InferenceResult;

/// Runs `work`, turning a panic into [`InferenceError::Panicked`] naming `job`.
pub fn guarded<T>(job: &'static str, work: impl FnOnce() -> T) -> Result<T, InferenceError> {
    std::panic::catch_unwind(AssertUnwindSafe(work))
        .map_err(|payload| InferenceError::Panicked { job, message: panic_message(payload.as_ref()) })
}

/// Where results go, and the UI's wake-up.
pub struct Outbox<'a> {
    /// The UI's end of the results channel.
    pub results: &'a SyncSender<InferenceResult>,
    /// Wakes the UI after each result.
    pub wake: &'a dyn Fn(),
}

impl Outbox<'_> {
    /// Hands a result to the UI; false when the UI is gone.
    pub fn send(&self, result: InferenceResult) -> bool {
        let delivered = self.results.send(result).is_ok();
        (self.wake)();
        delivered
    }

    /// Sends the result of a guarded job, or its error; nothing when the job had nothing to say.
    pub fn answer(&self, answer: Result<Option<InferenceResult>, InferenceError>) -> bool {
        match answer {
            Ok(Some(result)) => self.send(result),
            Ok(None) => true,
            Err(error) => self.send(InferenceResult::Failed(error)),
        }
    }
}
