//! LPIPS, the learned perceptual image distance, with the shift-tolerant AlexNet of Ghildyal & Liu
//! (ECCV 2022) whose weights ship in PyPI's `stlpips-pytorch` 0.0.2 (`scripts/fetch_lpips.sh`):
//! where the weights file is looked for, its checked loading through burn's PyTorch store, the
//! frozen network as a burn module (a metric on plain slices, and a differentiable loss term).

mod distance;
mod error;
mod location;
mod network;
mod weights;

pub use distance::{Lpips, MIN_SIDE_PX, as_rgb};
pub use error::LpipsError;
pub use location::{ENV_VAR, WEIGHTS_FILE_NAME, candidate_paths, locate};
pub use network::{LpipsNetwork, LpipsNetworkConfig};
pub use weights::{MAX_WEIGHTS_BYTES, load_network};
