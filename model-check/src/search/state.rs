//! The search's working state: what counts as a flip ([`Goal`]), flipping changes
//! ([`Candidate`]), each row's progress ([`RowState`]), and the [`Search`] shared by every phase,
//! with the normalised distance that ranks flips.

use crate::data::{Features, Value};
use crate::model::Probabilities;

use super::FlipSearch;
use super::domain::Domain;

/// What counts as a flip.
#[derive(Debug, Clone, Copy)]
pub(super) struct Goal {
    pub(super) target: Option<usize>,
}

impl Goal {
    pub(super) fn flips(&self, original: &Probabilities, changed: &Probabilities) -> bool {
        match self.target {
            Some(t) => changed.predicted() == t,
            None => changed.predicted() != original.predicted(),
        }
    }
}

/// One changed feature of a candidate: `slot` indexes the search's features.
#[derive(Debug, Clone)]
pub(super) struct Setting {
    pub(super) slot: usize,
    pub(super) to: Value,
    pub(super) threshold: Option<f64>,
}

/// A change that flips a row, with the prediction it gives.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) changes: Vec<Setting>,
    pub(super) prediction: Probabilities,
    /// The number of features the random point changed, before shrinking.
    pub(super) shrunk_from: Option<usize>,
}

pub(super) struct RowState<R> {
    pub(super) row: R,
    pub(super) position: usize,
    pub(super) original: Probabilities,
    pub(super) eligible: bool,
    /// The nearest flip of each feature on its own, in feature order.
    pub(super) singles: Vec<Candidate>,
    pub(super) best: Option<Candidate>,
    pub(super) unfinished: bool,
}

pub(super) fn with_changes<R: Features + Clone>(
    row: &R,
    features: &[usize],
    changes: &[Setting],
) -> Option<R> {
    let mut changed = row.clone();
    for change in changes {
        changed
            .set_value(features[change.slot], change.to.clone())
            .ok()?;
    }
    Some(changed)
}

pub(super) struct Search<'a, R> {
    pub(super) settings: &'a FlipSearch<R>,
    pub(super) domains: &'a [Domain],
    pub(super) goal: Goal,
}

impl<R: Features + Clone> Search<'_, R> {
    pub(super) fn feature(&self, slot: usize) -> usize {
        self.settings.features[slot]
    }

    pub(super) fn distance(&self, row: &R, changes: &[Setting]) -> f64 {
        changes
            .iter()
            .map(|c| self.domains[c.slot].distance(&row.value(self.feature(c.slot)), &c.to))
            .sum()
    }

    pub(super) fn tolerance(&self, slot: usize) -> f64 {
        match self.domains[slot] {
            Domain::Number { lo, hi, .. } => self.settings.tolerance * (hi - lo),
            _ => 0.0,
        }
    }

    /// Whether `a` is a better flip than `b`: fewer features, then a smaller distance.
    pub(super) fn better(&self, row: &R, a: &Candidate, b: &Candidate) -> bool {
        (a.changes.len(), self.distance(row, &a.changes))
            < (b.changes.len(), self.distance(row, &b.changes))
    }
}
