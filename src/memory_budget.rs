//! How much memory a job may take: the machine's available memory (`MemAvailable` of `/proc/meminfo`
//! on Linux), or less when `VAE_EXPLORER_MEMORY_BYTES` says so. Jobs that would take more end before
//! they allocate, in one line saying what to lower, instead of an abort on a failed allocation.

use std::path::Path;

/// Environment variable capping the memory a job may plan to use, in bytes.
pub const MEMORY_ENV: &str = "VAE_EXPLORER_MEMORY_BYTES";
/// Largest `/proc/meminfo` read.
const MAX_MEMINFO_BYTES: u64 = 1 << 20;

/// A job would need more memory than is available.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} needs about {needed_mib} MiB of memory but {available_mib} MiB is available; {lower}")]
pub struct NotEnoughMemory {
    /// The job ("training a conv VAE at batch size 64").
    pub what: String,
    /// Its estimate, in MiB.
    pub needed_mib: u64,
    /// What is available, in MiB.
    pub available_mib: u64,
    /// What to lower.
    pub lower: String,
}

/// The memory a job may plan to use, in bytes: the smaller of the machine's available memory and
/// [`MEMORY_ENV`]; `None` when neither is known.
pub fn available_bytes() -> Option<u64> {
    let capped = std::env::var(MEMORY_ENV).ok().and_then(|value| value.trim().parse::<u64>().ok());
    let machine = machine_available_bytes();
    match (capped, machine) {
        (Some(cap), Some(machine)) => Some(cap.min(machine)),
        (cap, machine) => cap.or(machine),
    }
}

/// Refuses a job needing `needed_bytes` when less is available (a job passes when nothing is known).
pub fn check(needed_bytes: u64, what: impl Into<String>, lower: impl Into<String>) -> Result<(), NotEnoughMemory> {
    check_against(needed_bytes, available_bytes(), what.into(), lower.into())
}

fn check_against(
    needed_bytes: u64,
    available: Option<u64>,
    what: String,
    lower: String,
) -> Result<(), NotEnoughMemory> {
    match available {
        Some(available) if needed_bytes > available => Err(NotEnoughMemory {
            what,
            needed_mib: needed_bytes.div_ceil(1 << 20),
            available_mib: available >> 20,
            lower,
        }),
        _ => Ok(()),
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn machine_available_bytes() -> Option<u64> {
    let bytes = crate::safe_read::read_regular(Path::new("/proc/meminfo"), MAX_MEMINFO_BYTES).ok()?;
    parse_mem_available(&String::from_utf8_lossy(&bytes))
}

fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_read_in_kib() {
        let meminfo = "MemTotal:       16000000 kB\nMemFree:   100 kB\nMemAvailable:    2048 kB\n";
        assert_eq!(parse_mem_available(meminfo), Some(2 << 20));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: lots kB\n"), None);
    }

    #[test]
    fn a_job_larger_than_what_is_available_is_refused_in_one_line() {
        let error = check_against(3 << 30, Some(1 << 30), "decoding".into(), "lower --image-size".into())
            .expect_err("too much");
        assert_eq!(
            error.to_string(),
            "decoding needs about 3072 MiB of memory but 1024 MiB is available; lower --image-size"
        );
        assert!(check_against(1 << 30, Some(1 << 30), String::new(), String::new()).is_ok());
        assert!(check_against(u64::MAX, None, String::new(), String::new()).is_ok());
    }
}
