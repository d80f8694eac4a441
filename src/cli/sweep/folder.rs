//! The folder of a sweep: empty, or a sweep's own (recognised by the marker file a sweep writes into
//! it), and locked while the sweep runs. Anything else is refused naming what is there, so a sweep
//! never overwrites files it did not write (its `results.csv`, `results.md`, `reconstructions.png`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::folder_lock::{FolderLock, LOCK_FILE};
use crate::safe_read::read_inside;

/// The marker a sweep writes into its folder.
pub const MARKER_FILE: &str = "sweep.json";
/// Largest marker read.
const MAX_MARKER_BYTES: u64 = 4096;
/// Entries named in a refusal; the rest are counted.
const NAMED_ENTRIES: usize = 3;

/// What the marker holds.
#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    /// Always [`MARKER_VERSION`].
    vae_explorer_sweep: u32,
}

const MARKER_VERSION: u32 = 1;

/// Makes `out` the sweep's folder and locks it for the sweep: creates it when missing, accepts it when
/// empty (writing the marker) or when it holds the marker of an earlier sweep; refuses anything else,
/// and a folder another writer holds.
pub fn claim_sweep_folder(out: &Path) -> Result<FolderLock> {
    match std::fs::symlink_metadata(out) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(out).with_context(|| format!("cannot create the sweep folder {}", out.display()))?
        }
        Err(error) => return Err(error).with_context(|| format!("cannot use the sweep folder {}", out.display())),
        Ok(metadata) if !metadata.is_dir() => {
            bail!("{} is not a folder; choose an empty folder or one an earlier sweep wrote", out.display())
        }
        Ok(_) => {}
    }
    let was_empty = check_folder(out)?;
    let lock = FolderLock::acquire(out, "sweep")?;
    if was_empty {
        let marker = serde_json::to_vec_pretty(&Marker { vae_explorer_sweep: MARKER_VERSION })?;
        crate::atomic_file::write_atomically(&out.join(MARKER_FILE), &marker)
            .with_context(|| format!("cannot write into the sweep folder {}", out.display()))?;
    }
    Ok(lock)
}

/// True when `out` holds nothing (but a lock file); `Ok(false)` when it is a sweep's own; an error
/// naming what is there otherwise.
fn check_folder(out: &Path) -> Result<bool> {
    let mut names = Vec::new();
    let mut count = 0usize;
    let mut has_marker = false;
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", out.display()))?;
        let name = entry.file_name();
        if name == LOCK_FILE {
            continue;
        }
        has_marker |= name == MARKER_FILE;
        count += 1;
        if names.len() < NAMED_ENTRIES {
            names.push(crate::display_name::escaped(&name));
        }
    }
    if count == 0 {
        return Ok(true);
    }
    if has_marker && is_our_marker(out) {
        return Ok(false);
    }
    let more = count - names.len();
    let extra = if more > 0 { format!(" and {more} more") } else { String::new() };
    bail!(
        "{} holds {}{extra} but no {MARKER_FILE} of an earlier sweep, so a sweep would overwrite files it did not write; choose an empty folder or one an earlier sweep wrote",
        out.display(),
        names.join(", ")
    )
}

fn is_our_marker(out: &Path) -> bool {
    read_inside(out, MARKER_FILE, MAX_MARKER_BYTES)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Marker>(&bytes).ok())
        .is_some_and(|marker| marker.vae_explorer_sweep == MARKER_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_empty_folder_or_a_sweeps_own_is_taken() {
        let parent = tempfile::tempdir().expect("temp dir");
        let fresh = parent.path().join("sweep");
        drop(claim_sweep_folder(&fresh).expect("created"));
        assert!(is_our_marker(&fresh));
        drop(claim_sweep_folder(&fresh).expect("a sweep's own folder"));

        let theirs = tempfile::tempdir().expect("temp dir");
        for name in ["results.csv", "results.md", "reconstructions.png", "notes.txt"] {
            std::fs::write(theirs.path().join(name), b"mine").expect("write");
        }
        let error = claim_sweep_folder(theirs.path()).expect_err("refused").to_string();
        assert!(error.contains("and 1 more but no sweep.json"), "{error}");
        assert_eq!(std::fs::read_dir(theirs.path()).expect("list").count(), 4, "nothing was added");
        std::fs::write(theirs.path().join(MARKER_FILE), b"{\"mine\": true}").expect("write");
        assert!(claim_sweep_folder(theirs.path()).is_err(), "a sweep.json that is not ours");
    }

    #[test]
    fn a_second_sweep_into_the_same_folder_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let _lock = claim_sweep_folder(dir.path()).expect("the first");
        let error = claim_sweep_folder(dir.path()).expect_err("the second").to_string();
        assert!(error.contains("is being written by"), "{error}");
    }
}
