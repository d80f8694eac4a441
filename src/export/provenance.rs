//! The text chunks that tie an exported picture to the model and seed that made it.

use crate::checkpoint::CheckpointInfo;

/// `(key, value)` pairs for a picture of `view` made by the model of `info` with `seed`.
pub fn provenance(info: &CheckpointInfo, view: &str, seed: u64) -> Vec<(String, String)> {
    let model = serde_json::json!({
        "training": info.training,
        "dataset": info.dataset,
        "epochs_done": info.epochs_done,
    });
    vec![
        ("vae-explorer:view".to_string(), view.to_string()),
        ("vae-explorer:model".to_string(), model.to_string()),
        ("vae-explorer:seed".to_string(), seed.to_string()),
    ]
}
