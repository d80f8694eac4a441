//! The encoder means of a whole image set, kept while the model and dataset stay the same, so a
//! traversal or a neighbour search after a slider move does not encode the set again.

use std::sync::Arc;

use super::ModelSnapshot;
use super::compute::encode_means;
use super::error::InferenceError;
use crate::data::Dataset;

/// One set's means under one model.
struct Entry {
    model: Arc<ModelSnapshot>,
    dataset: Arc<Dataset>,
    means: Arc<Vec<f32>>,
}

/// The held-out (slot 0) and training (slot 1) means under the model and dataset that made them.
/// The entries hold their model and dataset, so a pointer is never mistaken for a newer one.
#[derive(Default)]
pub struct MeansCache {
    entries: [Option<Entry>; 2],
}

impl MeansCache {
    /// Encoder means of every image of the training (`train`) or held-out set: [images, latent_dim].
    pub fn means(
        &mut self,
        model: &Arc<ModelSnapshot>,
        dataset: &Arc<Dataset>,
        train: bool,
    ) -> Result<Arc<Vec<f32>>, InferenceError> {
        let set = if train { &dataset.train } else { &dataset.heldout };
        if set.shape() != model.image_shape() {
            return Err(InferenceError::DataDoesNotFit {
                model: model.image_shape(),
                data: set.shape(),
                dataset: dataset.name.clone(),
            });
        }
        let slot = &mut self.entries[usize::from(train)];
        if let Some(entry) = slot.as_ref()
            && Arc::ptr_eq(&entry.model, model)
            && Arc::ptr_eq(&entry.dataset, dataset)
        {
            return Ok(Arc::clone(&entry.means));
        }
        let indices: Vec<usize> = (0..set.len()).collect();
        let means = Arc::new(encode_means(&model.model, set, &indices));
        *slot = Some(Entry { model: Arc::clone(model), dataset: Arc::clone(dataset), means: Arc::clone(&means) });
        Ok(means)
    }
}
