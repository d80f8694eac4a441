//! How long the binary's allocator (mimalloc, `src/main.rs`) keeps freed pages before it gives
//! them back to the kernel.
//!
//! mimalloc's default is 1 s. A training step of the 128-px residual conv on 2 CPU cores takes
//! longer than that, so most of a step's buffers went back to the kernel between one step and
//! the next and were faulted in and zeroed afresh: about 180,000 page faults in 14 steps of
//! `vae-explorer bench` at 128 × 128 × 3, against about 30,000 with a 10-s delay, which ran
//! about 5 % faster for 3 % more resident memory. mimalloc reads the delay only from the
//! environment at start-up (`MIMALLOC_PURGE_DELAY`); setting it from safe code means starting
//! the binary again with it set, which [`restart_with_purge_delay`] does once, in place (Unix
//! `exec`: the same process id, arguments, streams and exit code).

use std::ffi::OsString;

/// The environment variable mimalloc reads its purge delay from, in milliseconds.
pub const PURGE_DELAY_VARIABLE: &str = "MIMALLOC_PURGE_DELAY";
/// The delay this binary runs with unless the environment names one: freed pages come back to
/// the kernel 10 s after their last use, so an idle window gives its training memory back.
pub const PURGE_DELAY_MS: u32 = 10_000;

/// Starts this binary again in place with [`PURGE_DELAY_VARIABLE`] set to [`PURGE_DELAY_MS`],
/// unless the environment already sets it (the user's choice, or this restart's own). Returns only
/// when no restart happened (already set, not Unix, or the executable could not be started
/// again): the program then goes on with the allocator's default.
pub fn restart_with_purge_delay() {
    if std::env::var_os(PURGE_DELAY_VARIABLE).is_some() {
        return;
    }
    restart_with(PURGE_DELAY_VARIABLE, PURGE_DELAY_MS.to_string().into());
}

#[cfg(unix)]
fn restart_with(variable: &str, value: OsString) {
    use std::os::unix::process::CommandExt;
    let Ok(executable) = std::env::current_exe() else { return };
    let mut arguments = std::env::args_os();
    let mut command = std::process::Command::new(executable);
    if let Some(name) = arguments.next() {
        command.arg0(name);
    }
    // `exec` returns only when it failed; the program then runs on as it is.
    let _failed = command.args(arguments).env(variable, value).exec();
}

#[cfg(not(unix))]
fn restart_with(_variable: &str, _value: OsString) {}

/// What the allocator runs with, for a bench's header: e.g. "freed memory kept 10000 ms
/// (MIMALLOC_PURGE_DELAY)".
pub fn purge_delay_description() -> String {
    match std::env::var(PURGE_DELAY_VARIABLE) {
        Ok(value) => format!("freed memory kept {value} ms before it goes back to the kernel ({PURGE_DELAY_VARIABLE})"),
        Err(_) => format!("freed memory kept for the allocator's default ({PURGE_DELAY_VARIABLE} unset)"),
    }
}
