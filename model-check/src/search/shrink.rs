//! Shrinking a flip of several features: first to fewer features, then to the smallest
//! distance, bisecting each remaining numeric feature back toward its original value.

use crate::cohort::EvalError;
use crate::data::{Features, Value};
use crate::model::{ModelError, Probabilities};

use super::bisect::Bisection;
use super::engine::Engine;
use super::state::{Candidate, RowState, Search, with_changes};

impl<R: Features + Clone> Search<'_, R> {
    /// Shrinks the flips of `rows`: fewer features, then a smaller distance.
    pub(super) fn shrink<P>(
        &self,
        rows: &[usize],
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let features = &self.settings.features;
        let best = |state: &RowState<R>| state.best.clone().expect("a flip to shrink");

        // Fewer features: each round tries dropping each feature of every flip, one call.
        let mut dropping: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&s| best(&states[s]).changes.len() >= 2)
            .collect();
        while !dropping.is_empty() {
            let mut owners = Vec::new();
            let mut variants = Vec::new();
            for &s in &dropping {
                let state = &states[s];
                let current = best(state);
                for i in 0..current.changes.len() {
                    let mut changes = current.changes.clone();
                    changes.remove(i);
                    if let Some(variant) = with_changes(&state.row, features, &changes) {
                        owners.push((s, changes));
                        variants.push(variant);
                    }
                }
            }
            let Some(predictions) = engine.predict(&variants)? else {
                for &s in &dropping {
                    states[s].unfinished = true;
                }
                return Ok(());
            };
            let mut improved: Vec<Option<Candidate>> = vec![None; states.len()];
            for ((s, changes), prediction) in owners.into_iter().zip(predictions) {
                let state = &states[s];
                if !self.goal.flips(&state.original, &prediction) {
                    continue;
                }
                let candidate = Candidate {
                    changes,
                    prediction,
                    shrunk_from: best(state).shrunk_from,
                };
                let kept = &mut improved[s];
                if kept
                    .as_ref()
                    .is_none_or(|k| self.better(&state.row, &candidate, k))
                {
                    *kept = Some(candidate);
                }
            }
            let round = std::mem::take(&mut dropping);
            for s in round {
                if let Some(candidate) = improved[s].take() {
                    if candidate.changes.len() >= 2 {
                        dropping.push(s);
                    }
                    states[s].best = Some(candidate);
                }
            }
        }

        // Smaller distance: bisect each numeric feature back toward its original value, one
        // feature at a time (the others held at their flipped values), all rows together.
        let mut moved = vec![false; states.len()];
        for slot in 0..self.domains.len() {
            let Some(integer) = self.domains[slot].bisectable() else {
                continue;
            };
            let mut jobs = Vec::new();
            for &s in rows {
                let state = &states[s];
                let current = best(state);
                let Some(i) = current.changes.iter().position(|c| c.slot == slot) else {
                    continue;
                };
                let (Value::Number(x0), Value::Number(to)) =
                    (state.row.value(features[slot]), &current.changes[i].to)
                else {
                    continue;
                };
                let mut others = current.changes.clone();
                others.remove(i);
                let Some(base) = with_changes(&state.row, features, &others) else {
                    continue;
                };
                jobs.push(Bisection {
                    state: s,
                    slot,
                    base,
                    feature: features[slot],
                    integer,
                    safe: x0,
                    flip: *to,
                    tolerance: self.tolerance(slot),
                    prediction: current.prediction.clone(),
                    stuck: false,
                });
            }
            if jobs.is_empty() {
                continue;
            }
            // The original value is known to keep the prediction only until another feature
            // of the row has moved; check it again, and drop the feature if it now flips.
            let recheck: Vec<usize> = (0..jobs.len()).filter(|&j| moved[jobs[j].state]).collect();
            if !recheck.is_empty() {
                let bases: Vec<R> = recheck.iter().map(|&j| jobs[j].base.clone()).collect();
                let Some(predictions) = engine.predict(&bases)? else {
                    self.mark_unshrunk(rows, states, slot);
                    return Ok(());
                };
                let mut dropped = vec![false; jobs.len()];
                for (&j, prediction) in recheck.iter().zip(predictions) {
                    let state = &mut states[jobs[j].state];
                    if self.goal.flips(&state.original, &prediction) {
                        let mut current = best(state);
                        current.changes.retain(|c| c.slot != slot);
                        current.prediction = prediction;
                        state.best = Some(current);
                        dropped[j] = true;
                    }
                }
                let mut keep = dropped.iter().map(|d| !d);
                jobs.retain(|_| keep.next().unwrap_or(true));
            }
            let complete = self.bisect(&mut jobs, states, engine)?;
            for job in jobs {
                let state = &mut states[job.state];
                let mut current = best(state);
                if let Some(change) = current.changes.iter_mut().find(|c| c.slot == slot) {
                    change.to = Value::Number(job.flip);
                    change.threshold = Some(job.threshold());
                }
                current.prediction = job.prediction.clone();
                if !job.settled() {
                    state.unfinished = true;
                }
                state.best = Some(current);
                moved[job.state] = true;
            }
            if !complete {
                self.mark_unshrunk(rows, states, slot + 1);
                return Ok(());
            }
        }
        Ok(())
    }

    /// Marks the rows whose flips still have numeric features to bisect, from feature `slot`
    /// on, as not fully searched.
    fn mark_unshrunk(&self, rows: &[usize], states: &mut [RowState<R>], slot: usize) {
        for &s in rows {
            let state = &mut states[s];
            let pending = state.best.as_ref().is_some_and(|b| {
                b.changes
                    .iter()
                    .any(|c| c.slot >= slot && self.domains[c.slot].bisectable().is_some())
            });
            if pending {
                state.unfinished = true;
            }
        }
    }
}
