//! The one definition of what the latent views ask of the inference thread: the newest request
//! of each kind. The window keeps one as its record of what it asked ([`ViewRequests::news`]
//! tells what changed since), the mailbox keeps one of what waits, and the thread keeps one of
//! what it served, to redo them all when the model or the dataset changes.
//!
//! A new kind of view request is one field here (and in the four methods below), one branch in
//! the server's `compute`, one [`super::InferenceResult`] variant and its fold into the window's
//! state.

use super::exploration::{DirectionEnds, NeighboursRequest, TraversalRequest};
use super::messages::MorphRequest;
use crate::drawing::Drawing;
use crate::latent::{GridRequest, ScatterSource};

/// An image to reconstruct for a tooltip: held-out (`train` false) or training, and its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconstructRequest {
    /// True for the training set.
    pub train: bool,
    /// Image index in that set.
    pub index: usize,
}

/// The newest request of each view kind; `None` is "nothing new of this kind".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewRequests {
    /// Which set to encode for the scatter.
    pub scatter: Option<ScatterSource>,
    /// The sliders' latent point: [latent_dim].
    pub decode: Option<Vec<f32>>,
    /// The decoder sweep.
    pub grid: Option<GridRequest>,
    /// Seed of the 8 × 8 prior samples.
    pub samples: Option<u64>,
    /// One image to reconstruct (a one-off: not redone for the next model).
    pub reconstruct: Option<ReconstructRequest>,
    /// The morph between A and B.
    pub morph: Option<MorphRequest>,
    /// Images of morph ends A and B to encode, each planar [channels, height, width] in [0, 1]
    /// (one-offs: not redone for the next model).
    pub encode: [Option<Vec<f32>>; 2],
    /// The drawing canvas's drawing, to encode.
    pub drawing: Option<Drawing>,
    /// The direction's traversal strip.
    pub traversal: Option<TraversalRequest>,
    /// The nearest training images to a point.
    pub neighbours: Option<NeighboursRequest>,
}

impl ViewRequests {
    /// Each kind from `self` where it holds one, else from `older`.
    pub fn or(self, older: ViewRequests) -> ViewRequests {
        let [a, b] = self.encode;
        let [older_a, older_b] = older.encode;
        ViewRequests {
            scatter: self.scatter.or(older.scatter),
            decode: self.decode.or(older.decode),
            grid: self.grid.or(older.grid),
            samples: self.samples.or(older.samples),
            reconstruct: self.reconstruct.or(older.reconstruct),
            morph: self.morph.or(older.morph),
            encode: [a.or(older_a), b.or(older_b)],
            drawing: self.drawing.or(older.drawing),
            traversal: self.traversal.or(older.traversal),
            neighbours: self.neighbours.or(older.neighbours),
        }
    }

    /// The requests worth redoing for a new model or dataset: all but the one-offs
    /// (reconstruct, encode), which answer about a moment that has passed.
    pub fn without_one_offs(self) -> ViewRequests {
        ViewRequests { reconstruct: None, encode: [None, None], ..self }
    }

    /// The requests that belong to a model of `latent_dim` latent values reading images of
    /// `pixels` values, over a dataset of `classes` classes. One asked for a model of another size
    /// or about another dataset's classes (the window asks before it hears of the new model or
    /// dataset) is stale: it is dropped, not answered with an error, and the window asks again
    /// for what it shows.
    pub fn fitting(self, latent_dim: usize, pixels: usize, classes: usize) -> ViewRequests {
        let fits = |latent: &Vec<f32>| latent.len() == latent_dim;
        let [a, b] = self.encode;
        let image_fits = |image: &Vec<f32>| image.len() == pixels;
        ViewRequests {
            decode: self.decode.filter(fits),
            grid: self.grid.filter(|grid| grid.fits(latent_dim)),
            morph: self.morph.filter(|morph| fits(&morph.from) && fits(&morph.to)),
            encode: [a.filter(image_fits), b.filter(image_fits)],
            traversal: self.traversal.filter(|traversal| match &traversal.ends {
                DirectionEnds::Points { from, to } => fits(from) && fits(to),
                DirectionEnds::Classes { from, to } => usize::from(*from.max(to)) < classes,
            }),
            neighbours: self.neighbours.filter(|neighbours| fits(&neighbours.query)),
            ..self
        }
    }

    /// All but the requests that read the dataset's images (its points, one of them
    /// reconstructed, class directions, nearest images): for a model that cannot read them.
    pub fn without_data_views(self) -> ViewRequests {
        let traversal = self.traversal.filter(|traversal| matches!(traversal.ends, DirectionEnds::Points { .. }));
        ViewRequests { scatter: None, reconstruct: None, neighbours: None, traversal, ..self }
    }

    /// True when no kind holds a request.
    pub fn is_empty(&self) -> bool {
        self == &ViewRequests::default()
    }

    /// The requests of `wanted` that differ from what `self` records as asked; `self` records
    /// them as asked from now on. A kind `wanted` does not hold is left as it was.
    pub fn news(&mut self, wanted: ViewRequests) -> ViewRequests {
        let [a, b] = wanted.encode;
        let [sent_a, sent_b] = &mut self.encode;
        ViewRequests {
            scatter: changed(&mut self.scatter, wanted.scatter),
            decode: changed(&mut self.decode, wanted.decode),
            grid: changed(&mut self.grid, wanted.grid),
            samples: changed(&mut self.samples, wanted.samples),
            reconstruct: changed(&mut self.reconstruct, wanted.reconstruct),
            morph: changed(&mut self.morph, wanted.morph),
            encode: [changed(sent_a, a), changed(sent_b, b)],
            drawing: changed(&mut self.drawing, wanted.drawing),
            traversal: changed(&mut self.traversal, wanted.traversal),
            neighbours: changed(&mut self.neighbours, wanted.neighbours),
        }
    }
}

/// `wanted` when it differs from `sent` (which then records it), else `None`.
fn changed<T: Clone + PartialEq>(sent: &mut Option<T>, wanted: Option<T>) -> Option<T> {
    let wanted = wanted?;
    if sent.as_ref() == Some(&wanted) {
        return None;
    }
    *sent = Some(wanted.clone());
    Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_are_what_changed_and_are_recorded_as_asked() {
        let mut sent = ViewRequests::default();
        let wanted = ViewRequests { decode: Some(vec![1.0]), samples: Some(3), ..ViewRequests::default() };
        assert_eq!(sent.news(wanted.clone()), wanted, "everything is new at first");
        assert!(sent.news(wanted.clone()).is_empty(), "asked already");
        let moved = ViewRequests { decode: Some(vec![2.0]), samples: Some(3), ..ViewRequests::default() };
        let news = sent.news(moved);
        assert_eq!(news, ViewRequests { decode: Some(vec![2.0]), ..ViewRequests::default() });
        assert!(sent.news(ViewRequests::default()).is_empty(), "a kind not wanted now is not asked");
        assert_eq!(sent.decode, Some(vec![2.0]), "nor forgotten");
    }

    #[test]
    fn requests_for_a_model_of_another_size_are_dropped() {
        let points = |dim: usize| DirectionEnds::Points { from: vec![0.0; dim], to: vec![1.0; dim] };
        let asked = |dim: usize| ViewRequests {
            decode: Some(vec![0.0; dim]),
            samples: Some(1),
            encode: [Some(vec![0.5; 4]), Some(vec![0.5; 9])],
            traversal: Some(TraversalRequest { ends: points(dim), steps: 5 }),
            neighbours: Some(NeighboursRequest { query: vec![0.0; dim], k: 3 }),
            ..ViewRequests::default()
        };
        let kept = asked(16).fitting(4, 4, 10);
        let expected = ViewRequests { samples: Some(1), encode: [Some(vec![0.5; 4]), None], ..ViewRequests::default() };
        assert_eq!(kept, expected, "only what holds no latent point, and images of the model's size");
        let fitting = ViewRequests { encode: [Some(vec![0.5; 4]), None], ..asked(4) };
        assert_eq!(asked(4).fitting(4, 4, 10), fitting);
        let classes = |from, to| ViewRequests {
            traversal: Some(TraversalRequest { ends: DirectionEnds::Classes { from, to }, steps: 5 }),
            ..ViewRequests::default()
        };
        assert!(classes(1, 3).fitting(4, 4, 3).is_empty(), "class 3 of another dataset");
        assert_eq!(classes(1, 2).fitting(4, 4, 3), classes(1, 2));
    }

    #[test]
    fn one_offs_are_not_redone_but_the_rest_is() {
        let older = ViewRequests {
            samples: Some(1),
            reconstruct: Some(ReconstructRequest { train: false, index: 4 }),
            encode: [Some(vec![0.5]), None],
            ..ViewRequests::default()
        };
        let newer = ViewRequests { samples: Some(2), ..ViewRequests::default() };
        let merged = newer.or(older);
        assert_eq!(merged.samples, Some(2));
        assert_eq!(merged.encode, [Some(vec![0.5]), None], "a waiting one-off stays until served");
        let remembered = merged.without_one_offs();
        assert_eq!(remembered, ViewRequests { samples: Some(2), ..ViewRequests::default() });
    }
}
