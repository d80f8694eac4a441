//! Storage for weight gradients that the optimizer hands back after a step, so that the next
//! step's backward pass writes its products into memory it already has.
//!
//! A fresh gradient buffer is zero-filled and then overwritten by the product: for the MLP that
//! fill is 4 MB per shard per step, and dropping it made a training step about 4 % faster on burn's
//! CPU device (AMD EPYC Zen 3, 2 cores). The training loop keeps one `GradientBuffers`; the dense
//! layers' backward passes take their weight gradients' storage from it, and the host Adam gives
//! each gradient back once it has summed it into the update.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// Most buffers held at once (the MLP needs 4 per shard); beyond it the oldest is dropped.
const MAX_HELD_BUFFERS: usize = 32;

/// Fewest values worth keeping: a smaller buffer costs little to zero-fill.
const MIN_RECYCLED_VALUES: usize = 1 << 14;

/// A shared store of spare gradient buffers; clones share the store. See the module docs.
#[derive(Clone, Debug)]
pub struct GradientBuffers {
    /// `None`: nothing is kept and every take allocates.
    store: Option<Arc<Mutex<Store>>>,
}

/// What a recycling [`GradientBuffers`] holds.
#[derive(Debug, Default)]
struct Store {
    /// Spare buffers, oldest first.
    spare: VecDeque<Vec<f32>>,
    /// Lengths that have been taken: only buffers of these lengths are worth keeping.
    lengths_taken: Vec<usize>,
}

impl GradientBuffers {
    /// A store that keeps what is given back.
    pub fn recycling() -> Self {
        Self { store: Some(Arc::default()) }
    }

    /// No store: every take is a fresh buffer, and what is given back is dropped (inference, and
    /// devices whose gradients do not live in host memory).
    pub fn none() -> Self {
        Self { store: None }
    }

    /// A buffer of `len` values for the caller to overwrite entirely: a spare one of that length,
    /// holding whatever it held before, or a fresh zero-filled one.
    pub fn take(&self, len: usize) -> Vec<f32> {
        let Some(store) = &self.store else {
            return vec![0.0; len];
        };
        let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = store.spare.iter().position(|buffer| buffer.len() == len)
            && let Some(buffer) = store.spare.remove(index)
        {
            return buffer;
        }
        if !store.lengths_taken.contains(&len) {
            store.lengths_taken.push(len);
        }
        drop(store);
        vec![0.0; len]
    }

    /// Keeps `buffer` for a later [`Self::take`] of its length, if buffers of that length have been
    /// taken before and it is large enough to be worth keeping; else drops it.
    pub fn give_back(&self, buffer: Vec<f32>) {
        let Some(store) = &self.store else {
            return;
        };
        if buffer.len() < MIN_RECYCLED_VALUES {
            return;
        }
        let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
        if !store.lengths_taken.contains(&buffer.len()) {
            return;
        }
        if store.spare.len() >= MAX_HELD_BUFFERS {
            store.spare.pop_front();
        }
        store.spare.push_back(buffer);
    }

    /// Spare buffers held now.
    pub fn spare_count(&self) -> usize {
        self.store.as_ref().map_or(0, |store| store.lock().unwrap_or_else(PoisonError::into_inner).spare.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEN: usize = MIN_RECYCLED_VALUES + 3;

    #[test]
    fn a_buffer_given_back_is_taken_again_with_its_values() {
        let buffers = GradientBuffers::recycling();
        let mut first = buffers.take(LEN);
        assert!(first.iter().all(|&value| value == 0.0), "a fresh buffer is zero-filled");
        first.fill(7.0);
        let address = first.as_ptr();
        buffers.give_back(first);
        assert_eq!(buffers.spare_count(), 1);
        let again = buffers.take(LEN);
        assert_eq!(again.as_ptr(), address, "the same storage comes back");
        assert!(again.iter().all(|&value| value == 7.0));
        assert_eq!(buffers.spare_count(), 0);
        // Another length is a fresh buffer; the spare one stays.
        buffers.give_back(again);
        assert_eq!(buffers.take(LEN + 1).len(), LEN + 1);
        assert_eq!(buffers.spare_count(), 1);
    }

    #[test]
    fn keeps_only_large_buffers_of_lengths_taken_and_at_most_the_cap() {
        let buffers = GradientBuffers::recycling();
        buffers.give_back(vec![1.0; LEN]);
        assert_eq!(buffers.spare_count(), 0, "no one has taken this length");
        drop(buffers.take(8));
        buffers.give_back(vec![1.0; 8]);
        assert_eq!(buffers.spare_count(), 0, "too small to be worth keeping");
        drop(buffers.take(LEN));
        for _ in 0..MAX_HELD_BUFFERS + 5 {
            buffers.give_back(vec![1.0; LEN]);
        }
        assert_eq!(buffers.spare_count(), MAX_HELD_BUFFERS);
    }

    #[test]
    fn none_keeps_nothing_and_clones_share_the_store() {
        let none = GradientBuffers::none();
        drop(none.take(LEN));
        none.give_back(vec![1.0; LEN]);
        assert_eq!(none.spare_count(), 0);
        let buffers = GradientBuffers::recycling();
        let clone = buffers.clone();
        drop(clone.take(LEN));
        buffers.give_back(vec![2.0; LEN]);
        assert_eq!(clone.take(LEN)[0], 2.0);
    }
}
