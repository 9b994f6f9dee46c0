//! Phase 1 of the search: each feature alone, set to the ends of its range (then bisected
//! to the threshold), to its other `bool` value or to its other levels, for every row at once.

use crate::cohort::EvalError;
use crate::data::{Features, Value};
use crate::model::{ModelError, Probabilities};

use super::bisect::Bisection;
use super::engine::Engine;
use super::state::{Candidate, RowState, Search, Setting};

impl<R: Features + Clone> Search<'_, R> {
    /// Phase 1: each feature alone, for every row at once.
    pub(super) fn single_features<P>(
        &self,
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let mut probes = Vec::new();
        let mut variants = Vec::new();
        for (s, state) in states.iter().enumerate().filter(|(_, s)| s.eligible) {
            for (slot, domain) in self.domains.iter().enumerate() {
                let feature = self.feature(slot);
                for to in domain.alternatives(&state.row.value(feature)) {
                    let mut variant = state.row.clone();
                    if variant.set_value(feature, to.clone()).is_ok() {
                        probes.push((s, slot, to));
                        variants.push(variant);
                    }
                }
            }
        }
        let Some(predictions) = engine.predict(&variants)? else {
            for state in states.iter_mut().filter(|s| s.eligible) {
                state.unfinished = true;
            }
            return Ok(());
        };
        // (state, slot) → the flip found, kept in feature order.
        let mut found: Vec<(usize, usize, Candidate)> = Vec::new();
        let mut jobs = Vec::new();
        for ((s, slot, to), prediction) in probes.into_iter().zip(predictions) {
            let state = &states[s];
            if !self.goal.flips(&state.original, &prediction) {
                continue;
            }
            let feature = self.feature(slot);
            match (
                self.domains[slot].bisectable(),
                &to,
                state.row.value(feature),
            ) {
                (Some(integer), Value::Number(end), Value::Number(x0)) => jobs.push(Bisection {
                    state: s,
                    slot,
                    base: state.row.clone(),
                    feature,
                    integer,
                    safe: x0,
                    flip: *end,
                    tolerance: self.tolerance(slot),
                    prediction,
                    stuck: false,
                }),
                _ => found.push((
                    s,
                    slot,
                    Candidate {
                        changes: vec![Setting {
                            slot,
                            to,
                            threshold: None,
                        }],
                        prediction,
                        shrunk_from: None,
                    },
                )),
            }
        }
        self.bisect(&mut jobs, states, engine)?;
        for job in jobs {
            if !job.settled() {
                states[job.state].unfinished = true;
            }
            found.push((
                job.state,
                job.slot,
                Candidate {
                    changes: vec![Setting {
                        slot: job.slot,
                        to: Value::Number(job.flip),
                        threshold: Some(job.threshold()),
                    }],
                    prediction: job.prediction.clone(),
                    shrunk_from: None,
                },
            ));
        }
        found.sort_by_key(|(s, slot, _)| (*s, *slot));
        for (s, slot, candidate) in found {
            let state = &mut states[s];
            // Both ends of a range may flip: keep the nearer change (the first on ties, so
            // the first flipping level of a category).
            match state.singles.iter_mut().find(|c| c.changes[0].slot == slot) {
                Some(kept) => {
                    if self.distance(&state.row, &candidate.changes)
                        < self.distance(&state.row, &kept.changes)
                    {
                        *kept = candidate;
                    }
                }
                None => state.singles.push(candidate),
            }
        }
        for state in states.iter_mut() {
            let mut best: Option<&Candidate> = None;
            for c in &state.singles {
                if best.is_none_or(|b| self.better(&state.row, c, b)) {
                    best = Some(c);
                }
            }
            state.best = best.cloned();
        }
        Ok(())
    }
}
