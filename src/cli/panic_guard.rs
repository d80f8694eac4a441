//! The command line's last guard: a panic in the middle of a command (tract failing on an ONNX
//! graph while `encode` runs it, say: the views' model interface has no error path, so such a
//! failure unwinds) ends as one error line and a non-zero exit, never a panic message and backtrace.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::inference::panic_message;

/// Runs `command`; a panic inside it (on this thread, or one a thread pool hands back) becomes an
/// error holding its message. The default panic report is silenced meanwhile, since the message
/// comes back as that one line (`RUST_BACKTRACE` set keeps the report, for debugging).
pub fn run_guarded(command: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let debugging = std::env::var_os("RUST_BACKTRACE").is_some_and(|value| !value.is_empty() && value != "0");
    let previous = (!debugging).then(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        previous
    });
    let result = catch_unwind(AssertUnwindSafe(command));
    if let Some(previous) = previous {
        std::panic::set_hook(previous);
    }
    result.unwrap_or_else(|payload| {
        let message = panic_message(payload.as_ref());
        let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Err(anyhow::anyhow!("{line} (the command stopped there)"))
    })
}

#[cfg(test)]
mod tests {
    use rayon::prelude::*;

    use super::*;

    /// One test (the panic hook is the process's: two guards at once could restore it out of order).
    #[test]
    fn a_panic_inside_a_command_becomes_one_error_line_and_results_pass_through() {
        let error = run_guarded(|| panic!("running the encoder failed: tract said\nno")).expect_err("caught");
        let line = format!("{error:#}");
        assert!(line.contains("running the encoder failed: tract said no") && !line.contains('\n'), "{line}");
        let error = run_guarded(|| std::panic::panic_any(7_u8)).expect_err("caught");
        assert!(!error.to_string().is_empty());
        // A panic on a pool thread comes back through the guard.
        let error = run_guarded(|| {
            (0..64).into_par_iter().for_each(|item| assert!(item != 33, "decoding item {item} failed"));
            Ok(())
        })
        .expect_err("caught");
        assert!(error.to_string().contains("decoding item 33 failed"), "{error}");
        assert!(run_guarded(|| Ok(())).is_ok());
        let error = run_guarded(|| Err(anyhow::anyhow!("no such folder"))).expect_err("its error");
        assert_eq!(error.to_string(), "no such folder");
    }
}
