//! Phase 2 of the search: seeded random points over several features for the rows no single
//! feature flips, the flips found then handed to shrinking.

use rand::RngExt;

use crate::cohort::EvalError;
use crate::data::{Features, seeded_rng};
use crate::model::{ModelError, Probabilities};

use super::engine::Engine;
use super::state::{Candidate, RowState, Search, Setting, with_changes};

/// Random points per row in one batched call of the combination search.
const POINTS_PER_ROUND: usize = 16;

impl<R: Features + Clone> Search<'_, R> {
    /// Phase 2: random points over several features for the rows no single feature flips,
    /// then shrinking.
    pub(super) fn combinations<P>(
        &self,
        states: &mut [RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<(), EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        // The features each row can change.
        let movable = |state: &RowState<R>| -> Vec<usize> {
            (0..self.domains.len())
                .filter(|&slot| {
                    !self.domains[slot]
                        .alternatives(&state.row.value(self.feature(slot)))
                        .is_empty()
                })
                .collect()
        };
        let mut pending: Vec<usize> = (0..states.len())
            .filter(|&s| {
                let state = &states[s];
                state.eligible
                    && state.best.is_none()
                    && !state.unfinished
                    && movable(state).len() >= 2
            })
            .collect();
        let searched = pending.clone();
        let mut rng = seeded_rng(self.settings.seed);
        let mut drawn = 0;
        while drawn < self.settings.random_points && !pending.is_empty() {
            let k = POINTS_PER_ROUND.min(self.settings.random_points - drawn);
            let mut owners = Vec::new();
            let mut variants = Vec::new();
            for &s in &pending {
                let state = &states[s];
                let options = movable(state);
                for point in 0..k {
                    // Every other point changes every feature; the rest a random subset of
                    // at least two, which keeps some flips sparse before shrinking.
                    let mut chosen: Vec<usize> = if (drawn + point) % 2 == 0 {
                        options.clone()
                    } else {
                        options
                            .iter()
                            .copied()
                            .filter(|_| rng.random_bool(0.5))
                            .collect()
                    };
                    while chosen.len() < 2 {
                        let extra = options[rng.random_range(0..options.len())];
                        if !chosen.contains(&extra) {
                            chosen.push(extra);
                        }
                    }
                    chosen.sort_unstable();
                    let changes: Vec<Setting> = chosen
                        .into_iter()
                        .filter_map(|slot| {
                            let current = state.row.value(self.feature(slot));
                            self.domains[slot]
                                .random(&current, &mut rng)
                                .map(|to| Setting {
                                    slot,
                                    to,
                                    threshold: None,
                                })
                        })
                        .collect();
                    if changes.is_empty() {
                        continue;
                    }
                    if let Some(variant) =
                        with_changes(&state.row, &self.settings.features, &changes)
                    {
                        owners.push((s, changes));
                        variants.push(variant);
                    }
                }
            }
            drawn += k;
            let Some(predictions) = engine.predict(&variants)? else {
                for &s in &pending {
                    states[s].unfinished = true;
                }
                return Ok(());
            };
            for ((s, changes), prediction) in owners.into_iter().zip(predictions) {
                let state = &mut states[s];
                if !self.goal.flips(&state.original, &prediction) {
                    continue;
                }
                let candidate = Candidate {
                    shrunk_from: Some(changes.len()),
                    changes,
                    prediction,
                };
                let closer = state.best.as_ref().is_none_or(|b| {
                    self.distance(&state.row, &candidate.changes)
                        < self.distance(&state.row, &b.changes)
                });
                if closer {
                    state.best = Some(candidate);
                }
            }
            pending.retain(|&s| states[s].best.is_none());
        }
        let found: Vec<usize> = searched
            .into_iter()
            .filter(|&s| states[s].best.is_some())
            .collect();
        self.shrink(&found, states, engine)
    }
}
