//! Bisection: locating where the prediction changes between a value that keeps it and one
//! that flips it, every open bracket of every row stepped by one batched model call.

use crate::cohort::EvalError;
use crate::data::{Features, Value};
use crate::model::{ModelError, Probabilities};

use super::engine::Engine;
use super::state::{RowState, Search};

/// A bisection between a value that keeps the prediction (`safe`) and one that flips it.
pub(super) struct Bisection<R> {
    pub(super) state: usize,
    pub(super) slot: usize,
    /// The row with every other change applied.
    pub(super) base: R,
    pub(super) feature: usize,
    pub(super) integer: bool,
    pub(super) safe: f64,
    pub(super) flip: f64,
    pub(super) tolerance: f64,
    pub(super) prediction: Probabilities,
    pub(super) stuck: bool,
}

impl<R> Bisection<R> {
    pub(super) fn settled(&self) -> bool {
        self.stuck
            || if self.integer {
                (self.flip - self.safe).abs() <= 1.0
            } else {
                (self.flip - self.safe).abs() <= self.tolerance
            }
    }

    fn midpoint(&self) -> f64 {
        if self.integer {
            self.safe + ((self.flip - self.safe) / 2.0).trunc()
        } else {
            self.safe + (self.flip - self.safe) / 2.0
        }
    }

    /// Where the prediction changes: the middle of the final bracket.
    pub(super) fn threshold(&self) -> f64 {
        (self.safe + self.flip) / 2.0
    }
}

impl<R: Features + Clone> Search<'_, R> {
    /// Runs every bisection to its tolerance, one batched call per step for all of them.
    /// `false` when the budget ran out first.
    pub(super) fn bisect<P>(
        &self,
        jobs: &mut [Bisection<R>],
        states: &[RowState<R>],
        engine: &mut Engine<P>,
    ) -> Result<bool, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        loop {
            let mut active = Vec::new();
            let mut variants = Vec::new();
            for (j, job) in jobs.iter_mut().enumerate() {
                if job.settled() {
                    continue;
                }
                let mid = job.midpoint();
                if mid == job.safe || mid == job.flip {
                    job.stuck = true; // floating-point resolution reached
                    continue;
                }
                let mut variant = job.base.clone();
                if variant.set_value(job.feature, Value::Number(mid)).is_err() {
                    job.stuck = true;
                    continue;
                }
                active.push((j, mid));
                variants.push(variant);
            }
            if active.is_empty() {
                return Ok(true);
            }
            let Some(predictions) = engine.predict(&variants)? else {
                return Ok(false);
            };
            for ((j, mid), prediction) in active.into_iter().zip(predictions) {
                let job = &mut jobs[j];
                if self.goal.flips(&states[job.state].original, &prediction) {
                    job.flip = mid;
                    job.prediction = prediction;
                } else {
                    job.safe = mid;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bisection_stops_at_adjacent_integers() {
        let mut job = Bisection {
            state: 0,
            slot: 0,
            base: (),
            feature: 0,
            integer: true,
            safe: 3.0,
            flip: 8.0,
            tolerance: 0.0,
            prediction: Probabilities::new(
                &crate::model::Classes::new(["a", "b"]).unwrap(),
                vec![0.5, 0.5],
            )
            .unwrap(),
            stuck: false,
        };
        assert_eq!(job.midpoint(), 5.0);
        job.safe = 7.0;
        assert!(job.settled());
        assert_eq!(job.threshold(), 7.5);
        job.safe = 8.0;
        job.flip = 3.0;
        assert_eq!(job.midpoint(), 6.0);
    }
}
