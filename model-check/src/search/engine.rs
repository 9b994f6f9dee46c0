//! The model calls of a search ([`Engine`]): batched, counted, and paid for from the budget.

use crate::cohort::{BATCH_SIZE, EvalError};
use crate::model::{ModelError, ModelErrorKind, Probabilities};

/// Calls the model in batches, counting calls against the budget.
pub(super) struct Engine<P> {
    predict: P,
    pub(super) calls: u64,
    spent: u64,
    budget: u64,
    pub(super) exhausted: bool,
}

impl<P> Engine<P> {
    pub(super) fn new(predict: P, budget: u64) -> Self {
        Engine {
            predict,
            calls: 0,
            spent: 0,
            budget,
            exhausted: false,
        }
    }

    fn call<R>(&mut self, inputs: &[R]) -> Result<Vec<Probabilities>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(BATCH_SIZE) {
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

    /// The predictions for `inputs`, or `None` when the budget cannot pay for them.
    pub(super) fn predict<R>(
        &mut self,
        inputs: &[R],
    ) -> Result<Option<Vec<Probabilities>>, EvalError>
    where
        P: FnMut(&[R]) -> Result<Vec<Probabilities>, ModelError>,
    {
        let needed = inputs.len().div_ceil(BATCH_SIZE) as u64;
        if self.spent + needed > self.budget {
            self.exhausted = true;
            return Ok(None);
        }
        self.spent += needed;
        self.call(inputs).map(Some)
    }
}
