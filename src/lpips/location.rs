//! Where the LPIPS weights file is looked for: `--lpips-weights FILE`, else `$VAE_EXPLORER_LPIPS`,
//! else the user data folder's `lpips/`, else the checkout's `assets/lpips/` (where
//! `scripts/fetch_lpips.sh` puts it by default). The app never downloads it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::LpipsError;

/// The file's name, as in the `stlpips-pytorch` wheel (`weights/vST0.0/`).
pub const WEIGHTS_FILE_NAME: &str = "alex_shift_tolerant.pth";
/// The environment variable naming the weights file.
pub const ENV_VAR: &str = "VAE_EXPLORER_LPIPS";

/// The places looked at, in order. An explicit file (flag or, next, the environment variable) is
/// the only place looked at; otherwise the data folder's and the checkout's copies.
pub fn candidate_paths(
    explicit: Option<&Path>,
    env_value: Option<OsString>,
    data_dir: Option<PathBuf>,
) -> Vec<PathBuf> {
    if let Some(path) = explicit {
        return vec![path.to_path_buf()];
    }
    if let Some(value) = env_value.filter(|value| !value.is_empty()) {
        return vec![PathBuf::from(value)];
    }
    let mut paths: Vec<PathBuf> = data_dir.map(|dir| dir.join("lpips").join(WEIGHTS_FILE_NAME)).into_iter().collect();
    paths.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("lpips").join(WEIGHTS_FILE_NAME));
    paths
}

/// The weights file to read: the first of [`candidate_paths`] that exists, or
/// [`LpipsError::NotFound`] naming the first place looked.
pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, LpipsError> {
    let data_dir = directories::ProjectDirs::from("", "", "vae-explorer").map(|dirs| dirs.data_dir().to_path_buf());
    let candidates = candidate_paths(explicit, std::env::var_os(ENV_VAR), data_dir);
    let first = candidates.first().cloned().unwrap_or_else(|| PathBuf::from(WEIGHTS_FILE_NAME));
    candidates.into_iter().find(|path| path.exists()).ok_or(LpipsError::NotFound { looked: first })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_file_wins_then_the_environment_then_the_folders() {
        let data = Some(PathBuf::from("/data"));
        let explicit = candidate_paths(Some(Path::new("/x.pth")), Some("/env.pth".into()), data.clone());
        assert_eq!(explicit, vec![PathBuf::from("/x.pth")]);
        let env = candidate_paths(None, Some("/env.pth".into()), data.clone());
        assert_eq!(env, vec![PathBuf::from("/env.pth")]);
        let folders = candidate_paths(None, Some(OsString::new()), data);
        assert_eq!(folders.len(), 2);
        assert_eq!(folders[0], PathBuf::from("/data/lpips/alex_shift_tolerant.pth"));
        assert!(folders[1].ends_with("assets/lpips/alex_shift_tolerant.pth"));
    }

    #[test]
    fn a_missing_explicit_file_says_how_to_fetch_it() {
        let error = locate(Some(Path::new("/nonexistent/lpips.pth"))).expect_err("missing");
        let text = error.to_string();
        assert!(text.contains("/nonexistent/lpips.pth") && text.contains("scripts/fetch_lpips.sh"), "{text}");
    }
}
