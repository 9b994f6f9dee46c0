//! The model calls of a search ([`Engine`]): batched, counted, and paid for from the budget.
//!
//! The budget counts rounds: one round predicts every changed row the search needs at that
//! step, however many batched model calls its rows take, so a search of any number of rows
//! finishes in the same number of rounds.

use crate::cohort::EvalError;
use crate::model::{ModelError, ModelErrorKind, Probabilities};

/// Calls the model in batches, counting rounds against the budget and calls for reports.
pub(super) struct Engine<P> {
    predict: P,
    batch: usize,
    pub(super) calls: u64,
    /// Rounds paid from the budget.
    pub(super) rounds: u64,
    budget: u64,
    pub(super) exhausted: bool,
}

impl<P> Engine<P> {
    pub(super) fn new(predict: P, batch: usize, budget: u64) -> Self {
        Engine {
            predict,
            batch: batch.max(1),
            calls: 0,
            rounds: 0,
            budget,
            exhausted: false,
        }
    }

    fn call<R>(&mut self, inputs: &[R]) -> Result<Vec<Probabilities>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(self.batch) {
            self.calls += 1;
            let predicted = (self.predict)(chunk)?;
            if predicted.len() != chunk.len() {
                return Err(ModelError::new(ModelErrorKind::OutputCount {
                    expected: chunk.len(),
                    got: predicted.len(),
                })
                .into());
            }
            out.extend(predicted);
        }
        Ok(out)
    }

    pub(super) fn predict_unbudgeted<R>(
        &mut self,
        inputs: &[R],
    ) -> Result<Vec<Probabilities>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        self.call(inputs)
    }

    /// The predictions for `inputs` (one round), or `None` when the budget has no round
    /// left.
    pub(super) fn predict<R>(
        &mut self,
        inputs: &[R],
    ) -> Result<Option<Vec<Probabilities>>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        if inputs.is_empty() {
            return Ok(Some(Vec::new()));
        }
        if self.rounds >= self.budget {
            self.exhausted = true;
            return Ok(None);
        }
        self.rounds += 1;
        self.call(inputs).map(Some)
    }
}
