//! What loading an image folder tells the person: progress while it runs, the skipped files after.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Most skipped files whose names and reasons are kept (the rest are only counted).
pub const MAX_LISTED_SKIPS: usize = 20;

/// Files that were not used, with the first few names and reasons.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkipReport {
    /// How many files were skipped.
    pub count: usize,
    /// The first [`MAX_LISTED_SKIPS`] skipped files (relative to the folder, escaped onto one line by
    /// [`crate::display_name::escaped_path`], so every name is UTF-8) and why.
    pub first: Vec<(PathBuf, String)>,
}

impl SkipReport {
    /// Counts a skipped file, keeping its name and reason while the list has room.
    pub fn add(&mut self, path: PathBuf, reason: impl Into<String>) {
        self.count = self.count.saturating_add(1);
        if self.first.len() < MAX_LISTED_SKIPS {
            let name = PathBuf::from(crate::display_name::escaped_path(&path));
            let reason: String = reason.into();
            self.first.push((name, reason.lines().collect::<Vec<_>>().join(" ")));
        }
    }

    /// True when nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// One line: `skipped 3 files: a.png (empty), b.png (truncated), … and 1 more`, naming at most `shown`.
    pub fn summary(&self, shown: usize) -> String {
        let named: Vec<String> =
            self.first.iter().take(shown).map(|(path, reason)| format!("{} ({reason})", path.display())).collect();
        let more = self.count.saturating_sub(named.len());
        let noun = if self.count == 1 { "file" } else { "files" };
        let tail = if more > 0 { format!(", … and {more} more") } else { String::new() };
        format!("skipped {} {noun}: {}{tail}", self.count, named.join(", "))
    }
}

/// The stage a load is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadPhase {
    /// Walking the folder; `total` is not known yet.
    Listing,
    /// Reading the pictures' headers for the default size and channels.
    Measuring,
    /// Decoding and scaling the pictures.
    Decoding,
    /// Reading the cache of an earlier load.
    ReadingCache,
}

/// How far a load has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadProgress {
    /// The stage.
    pub phase: LoadPhase,
    /// Files done in this stage.
    pub done: usize,
    /// Files in this stage (0 while unknown).
    pub total: usize,
}

impl LoadProgress {
    /// Share done in this stage, 0 to 1 (0 while the total is unknown).
    pub fn fraction(&self) -> f32 {
        if self.total == 0 { 0.0 } else { (self.done as f32 / self.total as f32).clamp(0.0, 1.0) }
    }
}

impl fmt::Display for LoadProgress {
    /// `decoding 1200 of 3800 images`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.phase {
            LoadPhase::Listing => write!(f, "listing the folder: {} files", self.done),
            LoadPhase::Measuring => write!(f, "measuring {} of {} images", self.done, self.total),
            LoadPhase::Decoding => write!(f, "decoding {} of {} images", self.done, self.total),
            LoadPhase::ReadingCache => write!(f, "reading the cache of {} images", self.total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_the_first_and_counts_the_rest() {
        let mut report = SkipReport::default();
        for index in 0..25 {
            report.add(PathBuf::from(format!("{index}.png")), "empty");
        }
        assert_eq!(report.count, 25);
        assert_eq!(report.first.len(), MAX_LISTED_SKIPS);
        assert_eq!(report.summary(2), "skipped 25 files: 0.png (empty), 1.png (empty), … and 23 more");
        let mut one = SkipReport::default();
        one.add(PathBuf::from("a/b.png"), "truncated");
        assert_eq!(one.summary(5), "skipped 1 file: a/b.png (truncated)");
        one.add(PathBuf::from("c\nerror: forged.png"), "unreadable:\nerror: forged");
        assert_eq!(one.summary(5).lines().count(), 1, "{}", one.summary(5));
    }

    #[cfg(unix)]
    #[test]
    fn a_non_utf8_name_is_kept_apart_and_serialises() {
        use std::os::unix::ffi::OsStrExt;
        let mut report = SkipReport::default();
        report.add(PathBuf::from(std::ffi::OsStr::from_bytes(b"bad\xffutf/a.png")), "empty");
        report.add(PathBuf::from(std::ffi::OsStr::from_bytes(b"bad\xfeutf/a.png")), "empty");
        assert_ne!(report.first[0].0, report.first[1].0);
        let json = serde_json::to_string(&report).expect("a non-UTF-8 name serialises");
        assert!(json.contains("bad\\\\xffutf"), "{json}");
    }
}
