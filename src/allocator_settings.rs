//! How long the binary's allocator (mimalloc, `src/main.rs`) keeps freed pages before it gives
//! them back to the kernel.
//!
//! mimalloc's default is 1 s. A training step of the 128-px residual conv on 2 CPU cores takes
//! longer than that, so most of a step's buffers went back to the kernel between one step and
//! the next and were faulted in and zeroed afresh: 170,000–179,000 page faults in 14 steps of
//! `vae-explorer bench` at 128 × 128 × 3, against 18,000–24,000 with a 10-s delay, which ran
//! 7–13 % faster for 2–3 % more resident memory (README, "Freed pages kept 10 s"). mimalloc
//! reads the delay only from the environment at start-up (`MIMALLOC_PURGE_DELAY`); setting it
//! from safe code means starting the binary again with it set, which [`restart_with_purge_delay`]
//! does once, in place (Unix `exec`: the same process id, arguments, streams and exit code).

use std::ffi::{OsStr, OsString};

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

/// What the allocator runs with, for a bench's header: e.g. "freed memory kept 10000 ms before it
/// goes back to the kernel (MIMALLOC_PURGE_DELAY)".
pub fn purge_delay_description() -> String {
    describe_purge_delay(std::env::var_os(PURGE_DELAY_VARIABLE).as_deref())
}

/// The description of a purge delay as the environment gives it (`None`: unset).
fn describe_purge_delay(value: Option<&OsStr>) -> String {
    let Some(value) = value else {
        return format!("freed memory kept for the allocator's default ({PURGE_DELAY_VARIABLE} unset)");
    };
    match value.to_str().map(|text| text.trim().parse::<i64>()) {
        Some(Ok(ms)) if ms < 0 => format!("freed memory never goes back to the kernel ({PURGE_DELAY_VARIABLE}={ms})"),
        Some(Ok(ms)) => format!("freed memory kept {ms} ms before it goes back to the kernel ({PURGE_DELAY_VARIABLE})"),
        _ => format!(
            "{PURGE_DELAY_VARIABLE} is not a whole number of milliseconds, so the allocator may ignore it: \
             set it to one (e.g. {PURGE_DELAY_MS}) or unset it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purge_delay_is_described_as_the_allocator_reads_it() {
        let describe = |value: &str| describe_purge_delay(Some(OsStr::new(value)));
        assert!(describe("10000").starts_with("freed memory kept 10000 ms"), "{}", describe("10000"));
        assert!(describe(" 250 ").starts_with("freed memory kept 250 ms"), "{}", describe(" 250 "));
        assert!(describe("-1").starts_with("freed memory never goes back"), "{}", describe("-1"));
        assert!(describe_purge_delay(None).contains("unset"));
        for hostile in ["abc", "", "1e3", "10\n\u{1}", "99999999999999999999999"] {
            let line = describe(hostile);
            assert!(line.contains("not a whole number") && !line.contains('\n'), "{hostile:?}: {line}");
        }
    }
}
